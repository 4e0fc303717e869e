"""Demo resource allocation: each case-holding organisation publishes the default RAS questionnaire and has
the default approval limits (plans_seed_ras), so that workers can give people an indicative budget."""

from __future__ import annotations

from collections.abc import Iterable

from casework.accounts.models import Organisation
from casework.plans.budgets import plans_seed_budget_settings, plans_seed_ras


def seed_budgets(*, organisations: Iterable[Organisation]) -> int:
    seeded = 0
    for organisation in organisations:
        if {"lead", "responsible"} & set(organisation.kinds or []):
            plans_seed_ras(organisation_id=organisation.pk)
            plans_seed_budget_settings(organisation_id=organisation.pk)
            seeded += 1
    return seeded
