"""Writes of an organisation's charging figures: a change makes a new version, audited with each figure's
before and after; the versions before stay as they were."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction

from casework.accounts.models import User
from casework.audit.chain import to_json_safe
from casework.audit.services import audit_record
from casework.core.errors import ConflictError, ValidationFailed, stale_message
from casework.core.permissions import require_perm
from casework.plans.figures_models import ChargingFigures
from casework.plans.figures_selectors import rate_table_for_organisation, seeded_table

REFUSED = "Only the organisation admin can change its charging figures."
STALE = stale_message("these charging figures", did="changed", then="check them and try again")
MAX_AMOUNT = Decimal("10000000")


def charging_figures_set(
    *,
    user: User,
    organisation_id: int,
    tax_year: str,
    number: int,
    figures: dict[str, tuple[Decimal, bool]],
    reason: str = "",
) -> ChargingFigures | None:
    """Set the organisation's figures for the tax year: {name: (amount, to_confirm)}, any figure left out
    kept as it is. `number` is the version the caller read (0: the seeded figures). A new version when
    anything changed (None when nothing did). Audited as "plans.charging_figures_changed".

    Raises PermissionRefused, ValidationFailed (an unknown figure, a negative or huge amount, an unknown
    tax year), ConflictError (a newer version was made meanwhile)."""
    require_perm(user, "plans.manage_charging_figures", organisation_id, REFUSED)
    try:
        seeded_table(tax_year)
    except LookupError:
        raise ValidationFailed(f"There is no rate table for {tax_year}.", field="tax_year") from None
    table, current = rate_table_for_organisation(organisation_id=organisation_id, tax_year=tax_year)
    if current != number:
        raise ConflictError(STALE)
    known = table.figures()
    errors: dict[str, str] = {}
    for name, (amount, _) in figures.items():
        if name not in known:
            errors[name] = f"{name} is not a figure of the rate table."
        elif not Decimal("0") <= amount <= MAX_AMOUNT or amount != amount.quantize(Decimal("0.01")):
            errors[name] = "Enter an amount from 0 to 10,000,000, to the penny."
    if errors:
        raise ValidationFailed(next(iter(errors.values())), errors=errors)
    before: dict[str, dict[str, Any]] = {
        name: {"amount": str(f.amount), "to_confirm": f.to_confirm} for name, f in known.items()
    }
    after = dict(before)
    for name, (amount, to_confirm) in figures.items():
        after[name] = {"amount": str(amount.quantize(Decimal("0.01"))), "to_confirm": bool(to_confirm)}
    changes: dict[str, Any] = {
        name: {"before": before[name], "after": after[name]}
        for name in known
        if Decimal(before[name]["amount"]) != Decimal(after[name]["amount"])
        or before[name]["to_confirm"] != after[name]["to_confirm"]
    }
    if not changes:
        return None
    try:
        with transaction.atomic():
            record = ChargingFigures.objects.create(
                organisation_id=organisation_id,
                tax_year=tax_year,
                number=number + 1,
                figures=after,
                reason=reason.strip(),
                created_by=user,
                modified_by=user,
            )
            audit_record(
                user=user,
                verb="plans.charging_figures_changed",
                obj=record,
                organisation_id=organisation_id,
                reason=reason.strip(),
                changes=to_json_safe(changes | {"number": {"before": number, "after": number + 1}}),
            )
    except IntegrityError:
        raise ConflictError(STALE) from None
    return record
