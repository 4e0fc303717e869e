"""Reads of an organisation's charging figures (no personal data): the current version for a tax year, and
the rate table an assessment uses (the seeded table with the organisation's figures over it). The queryset
twin of figures_policies.py is here."""

from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from casework.accounts.choices import OrganisationType, Role
from casework.accounts.models import Organisation, User
from casework.accounts.selectors import actor_for
from casework.plans.charging.rates import TABLES, RateTable, table_for
from casework.plans.figures_models import ChargingFigures


def organisation_list_figures_manageable(*, user: User) -> QuerySet[Organisation]:
    """Organisations whose charging figures the user keeps (twin of plans.manage_charging_figures)."""
    return Organisation.objects.filter(pk__in=actor_for(user).organisations_with_role(Role.ORG_ADMIN))


def charging_figures_current(*, organisation_id: int, tax_year: str) -> ChargingFigures | None:
    """The organisation's latest version of the tax year's figures (None: the seeded table as it is)."""
    return (
        ChargingFigures.objects.filter(organisation_id=organisation_id, tax_year=tax_year)
        .select_related("created_by")
        .order_by("-number")
        .first()
    )


def charging_figures_versions(*, organisation_id: int, tax_year: str) -> list[ChargingFigures]:
    """Every version of the tax year's figures, newest first, with who made it."""
    return list(
        ChargingFigures.objects.filter(organisation_id=organisation_id, tax_year=tax_year)
        .select_related("created_by")
        .order_by("-number")
    )


def apply_figures(table: RateTable, figures: dict[str, Any]) -> RateTable:
    """The table with the organisation's figures over it: each amount and whether it is still to confirm
    (the citation stays the table's). Names the table does not have are ignored."""
    known = table.figures()
    changed: dict[str, Any] = {
        name: dataclasses.replace(
            known[name], amount=Decimal(str(value["amount"])), to_confirm=bool(value.get("to_confirm"))
        )
        for name, value in figures.items()
        if name in known
    }
    return dataclasses.replace(table, **changed)


def seeded_table(tax_year: str) -> RateTable:
    """The seeded table of the tax year. Raises LookupError when there is none."""
    try:
        return TABLES[tax_year]
    except KeyError:
        raise LookupError(f"no rate table for {tax_year}") from None


def rate_table_for_organisation(*, organisation_id: int, tax_year: str) -> tuple[RateTable, int]:
    """The tax year's table as the organisation set it, and the version number (0: the seeded figures)."""
    table = seeded_table(tax_year)
    current = charging_figures_current(organisation_id=organisation_id, tax_year=tax_year)
    if current is None:
        return table, 0
    return apply_figures(table, current.figures), current.number


def rate_table_in_force(*, organisation_id: int, day: datetime.date) -> RateTable:
    """The table in force on the day, with the organisation's figures. Raises LookupError."""
    return rate_table_in_force_with_version(organisation_id=organisation_id, day=day)[0]


def rate_table_in_force_with_version(*, organisation_id: int, day: datetime.date) -> tuple[RateTable, int]:
    """The table in force on the day with the organisation's figures, and the version of those figures
    (0: as seeded). Raises LookupError."""
    return rate_table_for_organisation(organisation_id=organisation_id, tax_year=table_for(day).tax_year)


def organisation_list_publishing_figures() -> QuerySet[Organisation]:
    """The councils whose figures the public calculator offers (local authorities: they charge for care).
    Names only; no personal data."""
    return Organisation.objects.filter(organisation_type=OrganisationType.LOCAL_AUTHORITY).order_by("name")


def public_rate_table(*, council: Organisation | None, day: datetime.date) -> RateTable:
    """The table the public calculator uses on the day: the council's figures, or the national ones as
    seeded when no council is chosen. Raises LookupError when no table covers the day."""
    if council is None:
        return table_for(day)
    return rate_table_in_force(organisation_id=council.pk, day=day)
