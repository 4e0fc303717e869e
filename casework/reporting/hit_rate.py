"""The hit rate and miss rate of the risk index (SAVVI Improve), per initiative, category, area and month.

    hit rate  = index cases with a need found ÷ index cases with a completed contact
    miss rate = cases with needs that were not in the index ÷ all cases with needs

An *index case* was raised from the risk index (origin "risk_index"). A *completed contact* is a contact on
the case that reached the person. A case *found a need* when a need was recorded and not rejected as not a
need. Index cases never reached, and those whose person declined support (closed "declined_support"), are
counted apart and left out of the hit rate: the index cannot be judged on people who were never asked. A
case *was not in the index* when it came by another route (self-referral, concern, a referral) and the
person was not on the index when it closed (cases.closing marks `found_outside_risk_index`), or, while it is
open, it has no risk category.

The figures are counted in the database (one grouped query), so a million cases are never loaded;
`HitRate` is pure and adds groups up. The pseudonymised export gives one row per case with salted ids, from
which every figure on the page can be recomputed (`figures_from_rows` does, and a test holds the two equal).
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import hmac
import io
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncMonth

from casework.accounts.models import User
from casework.assessments.choices import NeedStatus
from casework.assessments.models import Need
from casework.audit.services import access_record
from casework.cases.choices import CaseOrigin
from casework.cases.models import Case
from casework.contacts.choices import ContactOutcome
from casework.contacts.models import ContactEvent
from casework.core.errors import PermissionRefused
from casework.core.permissions import has_perm

DECLINED_OUTCOME = "declined_support"
GROUPS = ("month", "category", "area")
NO_CATEGORY = "No category"
NO_AREA = "No area"
REFUSED = "Only the lead organisation's initiative admins and risk analysts see the hit rate."


@dataclass(frozen=True)
class HitRate:
    """The counts behind the two rates, for one group of cases (or all of them)."""

    index_cases: int = 0
    index_contacted: int = 0  # completed contact, not declined: the hit rate's denominator
    index_with_needs: int = 0  # of those, a need found: its numerator
    index_never_reached: int = 0
    index_declined: int = 0
    cases_with_needs: int = 0  # the miss rate's denominator
    needs_outside_index: int = 0  # its numerator

    def __add__(self, other: HitRate) -> HitRate:
        return HitRate(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)})

    @property
    def hit_rate(self) -> float | None:
        return self.index_with_needs / self.index_contacted if self.index_contacted else None

    @property
    def miss_rate(self) -> float | None:
        return self.needs_outside_index / self.cases_with_needs if self.cases_with_needs else None

    @property
    def hit_rate_text(self) -> str:
        return percent(self.hit_rate)

    @property
    def miss_rate_text(self) -> str:
        return percent(self.miss_rate)


def total(groups: Iterable[HitRate]) -> HitRate:
    result = HitRate()
    for group in groups:
        result = result + group
    return result


def percent(rate: float | None) -> str:
    """A rate as people read it: "62.5%", or "No cases" when there is nothing to divide by."""
    return "No cases" if rate is None else f"{rate * 100:.1f}%"


@dataclass(frozen=True)
class CaseRow:
    """One case as the hit rate sees it (a row of the pseudonymised export, before its ids are salted)."""

    case_id: int
    subject: str  # "person:12" or "household:3"
    from_index: bool
    contacted: bool
    needs_found: bool
    declined: bool
    outside_index: bool
    category: str
    area: str
    month: str  # "2026-11", the month the case was raised


def row_figures(row: CaseRow) -> HitRate:
    """What one case adds to the figures."""
    index_counted = row.from_index and row.contacted and not row.declined
    return HitRate(
        index_cases=int(row.from_index),
        index_contacted=int(index_counted),
        index_with_needs=int(index_counted and row.needs_found),
        index_never_reached=int(row.from_index and not row.contacted),
        index_declined=int(row.from_index and row.contacted and row.declined),
        cases_with_needs=int(row.needs_found),
        needs_outside_index=int(row.needs_found and not row.from_index and row.outside_index),
    )


def figures_from_rows(rows: Iterable[CaseRow], group: str | None = None) -> dict[str, HitRate]:
    """The figures from case rows (the export's), by `group` ("month", "category", "area") or all as ""."""
    result: dict[str, HitRate] = {}
    for row in rows:
        key = getattr(row, group) if group else ""
        result[key] = result.get(key, HitRate()) + row_figures(row)
    return result


# --- Reading the cases -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    category_id: int | None = None
    area: str = ""
    raised_from: datetime.date | None = None
    raised_to: datetime.date | None = None


def _require(user: User, initiative_id: int) -> None:
    if not has_perm(user, "reporting.view_hit_rate", initiative_id):
        raise PermissionRefused(
            "Only the lead organisation's initiative admins and risk analysts see the hit rate."
        )


def _cases(initiative_id: int, filters: Filters) -> QuerySet[Case]:
    cases = Case.objects.filter(initiative_id=initiative_id)
    if filters.category_id is not None:
        cases = cases.filter(risk_category_id=filters.category_id)
    if filters.area:
        cases = cases.filter(area__iexact=filters.area.strip())
    if filters.raised_from is not None:
        cases = cases.filter(raised_at__date__gte=filters.raised_from)
    if filters.raised_to is not None:
        cases = cases.filter(raised_at__date__lte=filters.raised_to)
    return cases.annotate(
        contacted=Exists(ContactEvent.objects.filter(case_id=OuterRef("pk"), outcome=ContactOutcome.REACHED)),
        needs_found=Exists(Need.objects.filter(case_id=OuterRef("pk")).exclude(status=NeedStatus.REJECTED)),
    )


FROM_INDEX = Q(origin=CaseOrigin.RISK_INDEX)
DECLINED = Q(outcome=DECLINED_OUTCOME)
# Not from the index, and not on it: marked so at closing, or (still open) with no risk category.
OUTSIDE_INDEX = ~FROM_INDEX & (
    Q(closed_at__isnull=False, found_outside_risk_index=True)
    | Q(closed_at__isnull=True, risk_category__isnull=True)
)


def _counts() -> dict[str, Any]:
    counted = FROM_INDEX & Q(contacted=True) & ~DECLINED
    return {
        "index_cases": Count("pk", filter=FROM_INDEX),
        "index_contacted": Count("pk", filter=counted),
        "index_with_needs": Count("pk", filter=counted & Q(needs_found=True)),
        "index_never_reached": Count("pk", filter=FROM_INDEX & Q(contacted=False)),
        "index_declined": Count("pk", filter=FROM_INDEX & Q(contacted=True) & DECLINED),
        "cases_with_needs": Count("pk", filter=Q(needs_found=True)),
        "needs_outside_index": Count("pk", filter=Q(needs_found=True) & OUTSIDE_INDEX),
    }


_GROUP_FIELDS = {"month": "month", "category": "risk_category__label", "area": "area"}


def _label(group: str, value: Any) -> str:
    if group == "month":
        return value.strftime("%Y-%m") if value else ""
    if group == "category":
        return value or NO_CATEGORY
    return value or NO_AREA


@dataclass(frozen=True)
class HitRateReport:
    initiative_id: int
    overall: HitRate
    by_month: list[tuple[str, HitRate]]
    by_category: list[tuple[str, HitRate]]
    by_area: list[tuple[str, HitRate]]


def hit_rate_for_user(*, user: User, initiative_id: int, filters: Filters | None = None) -> HitRateReport:
    """The initiative's figures, overall and by month raised, category and area: three grouped queries.

    Raises PermissionRefused for anyone but the lead's initiative admins and risk analysts. Recorded as an
    access event (counts, no names)."""
    _require(user, initiative_id)
    filters = filters or Filters()
    cases = _cases(initiative_id, filters)
    grouped: dict[str, list[tuple[str, HitRate]]] = {}
    for group in GROUPS:
        queryset = cases.annotate(month=TruncMonth("raised_at")) if group == "month" else cases
        rows = queryset.values(_GROUP_FIELDS[group]).annotate(**_counts()).order_by(_GROUP_FIELDS[group])
        merged: dict[str, HitRate] = {}
        for row in rows:
            key = _label(group, row[_GROUP_FIELDS[group]])
            figures = HitRate(**{f.name: row[f.name] for f in fields(HitRate)})
            merged[key] = merged.get(key, HitRate()) + figures
        grouped[group] = sorted(merged.items())
    access_record(
        user=user,
        verb="reporting.hit_rate_viewed",
        details={"initiative_id": initiative_id, "filters": filters.__dict__},
    )
    return HitRateReport(
        initiative_id=initiative_id,
        overall=total(figures for _, figures in grouped["month"]),
        by_month=grouped["month"],
        by_category=grouped["category"],
        by_area=grouped["area"],
    )


# --- The pseudonymised export ------------------------------------------------------------------------------

EXPORT_COLUMNS = [
    "case",
    "subject",
    "from_index",
    "contacted",
    "needs_found",
    "declined",
    "outside_index",
    "category",
    "area",
    "month",
]
EXPORT_CHUNK = 2000


def _pseudonym(salt: bytes, value: str) -> str:
    return hmac.new(salt, value.encode(), hashlib.sha256).hexdigest()[:20]


def case_rows(*, initiative_id: int, filters: Filters) -> Iterator[CaseRow]:
    """Every case of the initiative as the hit rate sees it, in id order, streamed in chunks."""
    cases = (
        _cases(initiative_id, filters)
        .annotate(month=TruncMonth("raised_at"))
        .values_list(
            "pk",
            "person_id",
            "household_id",
            "origin",
            "contacted",
            "needs_found",
            "outcome",
            "closed_at",
            "found_outside_risk_index",
            "risk_category_id",
            "risk_category__label",
            "area",
            "month",
        )
        .order_by("pk")
    )
    for row in cases.iterator(chunk_size=EXPORT_CHUNK):
        (pk, person_id, household_id, origin, contacted, needs, outcome, closed_at, outside, category_id) = (
            row[:10]
        )
        from_index = origin == CaseOrigin.RISK_INDEX
        if from_index:
            outside_index = False
        elif closed_at is not None:
            outside_index = bool(outside)
        else:
            outside_index = category_id is None
        yield CaseRow(
            case_id=pk,
            subject=f"person:{person_id}" if person_id else f"household:{household_id}",
            from_index=from_index,
            contacted=bool(contacted),
            needs_found=bool(needs),
            declined=outcome == DECLINED_OUTCOME,
            outside_index=outside_index,
            category=row[10] or NO_CATEGORY,
            area=row[11] or NO_AREA,
            month=_label("month", row[12]),
        )


def export_csv(*, user: User, initiative_id: int, filters: Filters | None = None) -> Iterator[str]:
    """The pseudonymised export, streamed as CSV lines: no names, no references, and ids salted with a new
    random salt for each download (so they join nothing, not even another download).

    Raises PermissionRefused as hit_rate_for_user. Recorded as an access event when it starts."""
    _require(user, initiative_id)
    filters = filters or Filters()
    salt = secrets.token_bytes(32)
    access_record(
        user=user,
        verb="reporting.hit_rate_exported",
        details={"initiative_id": initiative_id, "filters": filters.__dict__},
    )

    def lines() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(EXPORT_COLUMNS)
        for row in case_rows(initiative_id=initiative_id, filters=filters):
            writer.writerow(
                [
                    _pseudonym(salt, f"case:{row.case_id}"),
                    _pseudonym(salt, row.subject),
                    int(row.from_index),
                    int(row.contacted),
                    int(row.needs_found),
                    int(row.declined),
                    int(row.outside_index),
                    row.category,
                    row.area,
                    row.month,
                ]
            )
            if buffer.tell() > 64_000:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    return lines()


def rows_from_export(text: str) -> list[CaseRow]:
    """Read an export back (for recomputing its figures): the salted ids stand in for the real ones."""
    rows = []
    for number, record in enumerate(csv.DictReader(io.StringIO(text)), start=1):
        rows.append(
            CaseRow(
                case_id=number,
                subject=record["subject"],
                from_index=record["from_index"] == "1",
                contacted=record["contacted"] == "1",
                needs_found=record["needs_found"] == "1",
                declined=record["declined"] == "1",
                outside_index=record["outside_index"] == "1",
                category=record["category"],
                area=record["area"],
                month=record["month"],
            )
        )
    return rows
