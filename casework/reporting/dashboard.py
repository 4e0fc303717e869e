"""The dashboards (ADR 24): a team manager's team, an organisation, and the lead's whole initiative.

Each figure is a `Table`: named columns and one row per group, counted in the database by grouped queries (a
fixed number of queries, whatever the rows). Waiting times come from a histogram (entries grouped by list,
priority and the day received), from which `percentile` reads the median and 90th percentile exactly without
loading the entries. Figures that cross organisations (the initiative's, and referrals to delivery
organisations) hide counts under 5 (`suppress`); the initiative's names no workers.

    first-contact resolution = inbound contacts resolved at first contact ÷ inbound contacts
    (TLAP: a good front door resolves 60–70% of contacts there)
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q
from django.db.models.functions import TruncMonth, TruncWeek
from django.urls import reverse

from casework.accounts.models import Initiative, Organisation, Team, User
from casework.assessments.choices import NeedStatus
from casework.assessments.models import Need
from casework.audit.services import access_record
from casework.cases.choices import Priority
from casework.cases.models import Case
from casework.contacts.choices import Direction
from casework.contacts.models import ContactEvent
from casework.core.errors import PermissionRefused
from casework.core.permissions import has_perm
from casework.referrals.choices import ReferralStatus
from casework.referrals.models import Referral
from casework.reporting.policies import (
    dashboard_initiative_ids,
    dashboard_organisation_ids,
    dashboard_team_ids,
)
from casework.waiting_list.choices import ListKind
from casework.waiting_list.models import WaitingListEntry

SCOPES = ("team", "organisation", "initiative")
SMALL_NUMBER = 5
TLAP_LOW, TLAP_HIGH = 60.0, 70.0
TREND_WEEKS = 12
REFUSED = (
    "Only team managers, organisation admins, case managers and the lead's initiative admins see dashboards."
)

Value = int | float | None


# --- Pure parts ---------------------------------------------------------------------------------------------


def suppress(count: int | None, *, crosses_organisations: bool) -> int | None:
    """A count as it may be shown: counts from 1 to 4 hidden (None) where the figures cross organisations
    (small-number suppression); 0 and 5 or more as they are."""
    if count is None or not crosses_organisations:
        return count
    return None if 0 < count < SMALL_NUMBER else count


def rate(numerator: int, denominator: int, *, crosses_organisations: bool = False) -> float | None:
    """numerator ÷ denominator as a percentage to one place; None with nothing to divide by, or (crossing
    organisations) a denominator under 5."""
    if not denominator or (crosses_organisations and denominator < SMALL_NUMBER):
        return None
    return round(numerator * 100 / denominator, 1)


def percentile(histogram: Iterable[tuple[int, int]], fraction: float) -> int | None:
    """The nearest-rank percentile of values given as (value, how many) pairs: the smallest value with at
    least `fraction` of all the values at or below it; None for none."""
    pairs = sorted(histogram)
    total = sum(n for _, n in pairs)
    if not total:
        return None
    wanted = max(1, -(-int(total * fraction * 1000) // 1000))  # ceil(total × fraction), exact for 0.5, 0.9
    seen = 0
    for value, n in pairs:
        seen += n
        if seen >= wanted:
            return value
    return pairs[-1][0]


@dataclass(frozen=True)
class Row:
    label: str
    values: tuple[Value, ...]
    link: str = ""  # drill-through to the records behind the row, only where the user may see them


@dataclass(frozen=True)
class Table:
    """One figure: its chart (the columns in `charted`) and its data table, CSV and API rows."""

    key: str
    title: str
    first_column: str
    columns: tuple[str, ...]
    rows: list[Row]
    charted: tuple[int, ...] = (0,)
    kind: str = "bar"
    unit: str = ""
    note: str = ""

    def csv_rows(self) -> list[list[str]]:
        lines = [[self.first_column, *self.columns]]
        lines += [[row.label, *("" if v is None else str(v) for v in row.values)] for row in self.rows]
        return lines


@dataclass(frozen=True)
class Filters:
    period_from: datetime.date | None = None
    period_to: datetime.date | None = None
    team_id: int | None = None
    area: str = ""


@dataclass(frozen=True)
class Scope:
    kind: str  # one of SCOPES
    id: int
    name: str = ""

    @property
    def crosses_organisations(self) -> bool:
        return self.kind == "initiative"

    @property
    def names_workers(self) -> bool:
        return self.kind != "initiative"


@dataclass(frozen=True)
class Dashboard:
    scope: Scope
    filters: Filters
    today: datetime.date
    tables: list[Table] = field(default_factory=list)

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)


# --- Reading the figures ------------------------------------------------------------------------------------

PERMISSIONS = {
    "team": "reporting.view_team_dashboard",
    "organisation": "reporting.view_organisation_dashboard",
    "initiative": "reporting.view_initiative_dashboard",
}


def _case_scope(scope: Scope, prefix: str = "") -> Q:
    fields = {"team": "allocated_team_id", "organisation": "responsible_organisation_id"}
    return Q(**{prefix + fields.get(scope.kind, "initiative_id"): scope.id})


def _cases(scope: Scope, filters: Filters, prefix: str = "") -> Q:
    """The cases in scope and filtered, as a condition on `prefix` (e.g. "case__")."""
    condition = _case_scope(scope, prefix)
    if filters.team_id is not None:
        condition &= Q(**{prefix + "allocated_team_id": filters.team_id})
    if filters.area:
        condition &= Q(**{prefix + "area__iexact": filters.area})
    return condition


def cases_in(scope: Scope, filters: Filters, prefix: str = "") -> Q:
    """The cases in scope, narrowed by the team and area filters (not the period), as a condition."""
    return _cases(scope, filters, prefix)


def _period(lookup: str, filters: Filters) -> Q:
    condition = Q()
    if filters.period_from is not None:
        condition &= Q(**{lookup + "__gte": filters.period_from})
    if filters.period_to is not None:
        condition &= Q(**{lookup + "__lte": filters.period_to})
    return condition


def _needs(scope: Scope, filters: Filters) -> Table:
    statuses = list(NeedStatus)
    counts = {status.value: Count("pk", filter=Q(status=status.value)) for status in statuses}
    rows = (
        Need.objects.filter(_cases(scope, filters, "case__"), _period("status_changed_at__date", filters))
        .values("definition__name")
        .annotate(**counts)
        .order_by("definition__name")
    )
    c = scope.crosses_organisations
    return Table(
        key="needs",
        title="Needs by definition and status",
        first_column="Need",
        columns=tuple(str(s.label) for s in statuses),
        rows=[
            Row(r["definition__name"], tuple(suppress(r[s.value], crosses_organisations=c) for s in statuses))
            for r in rows
        ],
        charted=tuple(range(len(statuses))),
    )


def _waiting(scope: Scope, filters: Filters, today: datetime.date, links: dict[str, str]) -> list[Table]:
    entries = WaitingListEntry.objects.filter(_waiting_scope(scope, filters))
    # Who waits now: a histogram by list, priority and day received (bounded by days, not by people).
    histogram = (
        entries.filter(exited_on__isnull=True)
        .values("list_kind", "priority", "received_on")
        .annotate(n=Count("pk"), breached=Count("pk", filter=Q(due_on__lt=today)))
        .order_by()
    )
    groups: dict[tuple[str, str], list[tuple[int, int]]] = {}
    breaches: dict[tuple[str, str], int] = {}
    for h in histogram:
        key = (h["list_kind"], h["priority"])
        groups.setdefault(key, []).append(((today - h["received_on"]).days, h["n"]))
        breaches[key] = breaches.get(key, 0) + h["breached"]
    c = scope.crosses_organisations
    kinds = dict(ListKind.choices)
    priorities = dict(Priority.choices)
    rows = []
    for key in sorted(groups, key=lambda k: (list(kinds).index(k[0]), list(priorities).index(k[1]))):
        waiting = sum(n for _, n in groups[key])
        small = c and waiting < SMALL_NUMBER
        rows.append(
            Row(
                f"{kinds.get(key[0], key[0])}, {str(priorities.get(key[1], key[1])).lower()}",
                (
                    suppress(waiting, crosses_organisations=c),
                    None if small else percentile(groups[key], 0.5),
                    None if small else percentile(groups[key], 0.9),
                    suppress(breaches[key], crosses_organisations=c),
                ),
                links.get(key[0], ""),
            )
        )
    # The trend: joined and left by week, over the period (or the last 12 weeks).
    start = filters.period_from or today - datetime.timedelta(weeks=TREND_WEEKS)
    end = filters.period_to or today
    joined = dict(
        entries.filter(received_on__gte=start, received_on__lte=end)
        .annotate(week=TruncWeek("received_on"))
        .values_list("week")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("week", "n")
    )
    left = dict(
        entries.filter(exited_on__gte=start, exited_on__lte=end)
        .annotate(week=TruncWeek("exited_on"))
        .values_list("week")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("week", "n")
    )
    weeks = sorted(set(joined) | set(left), key=_as_date)
    return [
        Table(
            key="waiting",
            title="People waiting now, by list and priority",
            first_column="List and priority",
            columns=("People waiting", "Median wait (days)", "90th percentile wait (days)", "Past due"),
            rows=rows,
            charted=(1, 2),
        ),
        Table(
            key="waiting_trend",
            title="Joining and leaving the waiting lists, by week",
            first_column="Week beginning",
            columns=("Joined", "Left"),
            rows=[
                Row(
                    _as_date(w).isoformat(),
                    (
                        suppress(joined.get(w, 0), crosses_organisations=c),
                        suppress(left.get(w, 0), crosses_organisations=c),
                    ),
                )
                for w in weeks
            ],
            charted=(0, 1),
            kind="line",
        ),
    ]


def _as_date(value: Any) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


def _waiting_scope(scope: Scope, filters: Filters) -> Q:
    fields = {"team": "team_id", "organisation": "organisation_id", "initiative": "case__initiative_id"}
    condition = Q(**{fields[scope.kind]: scope.id})
    if filters.team_id is not None:
        condition &= Q(team_id=filters.team_id)
    if filters.area:
        condition &= Q(area__iexact=filters.area)
    return condition & _period("received_on", filters)


def _first_contact(scope: Scope, filters: Filters) -> Table:
    if scope.kind == "team":
        condition = Q(case__allocated_team_id=scope.id) | Q(addressed_to_team_id=scope.id)
    elif scope.kind == "organisation":
        condition = Q(organisation_id=scope.id)
    else:
        condition = Q(organisation__initiative_id=scope.id)
    if filters.team_id is not None:
        condition &= Q(case__allocated_team_id=filters.team_id) | Q(addressed_to_team_id=filters.team_id)
    if filters.area:
        condition &= Q(case__area__iexact=filters.area)
    rows = (
        ContactEvent.objects.filter(
            condition, _period("occurred_at__date", filters), direction=Direction.INBOUND
        )
        .annotate(month=TruncMonth("occurred_at"))
        .values("month")
        .annotate(contacts=Count("pk"), resolved=Count("pk", filter=Q(resolved_at_first_contact=True)))
        .order_by("month")
    )
    c = scope.crosses_organisations
    return Table(
        key="first_contact",
        title="First-contact resolution by month, against TLAP's 60–70%",
        first_column="Month",
        columns=("Resolved at first contact (%)", "TLAP low (60%)", "TLAP high (70%)", "Inbound contacts"),
        rows=[
            Row(
                _as_date(r["month"]).strftime("%Y-%m"),
                (
                    rate(r["resolved"], r["contacts"], crosses_organisations=c),
                    TLAP_LOW,
                    TLAP_HIGH,
                    suppress(r["contacts"], crosses_organisations=c),
                ),
            )
            for r in rows
        ],
        charted=(0, 1, 2),
        kind="line",
        unit="%",
        note="TLAP: a good front door resolves 60–70% of contacts at the first contact.",
    )


def _outcomes(scope: Scope, filters: Filters) -> Table:
    rows = (
        Case.objects.filter(
            _cases(scope, filters), _period("closed_at__date", filters), closed_at__isnull=False
        )
        .values("outcome")
        .annotate(n=Count("pk"))
        .order_by("-n", "outcome")
    )
    c = scope.crosses_organisations
    return Table(
        key="outcomes",
        title="Closed cases by outcome",
        first_column="Outcome",
        columns=("Cases closed",),
        rows=[
            Row(
                (r["outcome"] or "no_outcome").replace("_", " ").capitalize(),
                (suppress(r["n"], crosses_organisations=c),),
            )
            for r in rows
        ],
    )


def _caseloads(scope: Scope, filters: Filters) -> list[Table]:
    open_cases = Case.objects.filter(_cases(scope, filters), closed_at__isnull=True)
    c = scope.crosses_organisations
    by_team = (
        open_cases.values("responsible_organisation__name", "allocated_team__name")
        .annotate(n=Count("pk"))
        .order_by("responsible_organisation__name", "allocated_team__name")
    )
    tables = [
        Table(
            key="caseload_team",
            title="Open cases by team",
            first_column="Team",
            columns=("Open cases",),
            rows=[
                Row(
                    f"{r['allocated_team__name'] or 'No team'}"
                    f" ({r['responsible_organisation__name'] or 'no organisation'})",
                    (suppress(r["n"], crosses_organisations=c),),
                )
                for r in by_team
            ],
        )
    ]
    if scope.names_workers:
        by_worker = (
            open_cases.values("primary_worker_id", "primary_worker__first_name", "primary_worker__last_name")
            .annotate(n=Count("pk"))
            .order_by("primary_worker__last_name", "primary_worker__first_name", "primary_worker_id")
        )
        tables.append(
            Table(
                key="caseload_worker",
                title="Open cases by worker",
                first_column="Worker",
                columns=("Open cases",),
                rows=[
                    Row(
                        " ".join(
                            filter(None, (r["primary_worker__first_name"], r["primary_worker__last_name"]))
                        )
                        or (
                            "No worker"
                            if r["primary_worker_id"] is None
                            else f"Worker {r['primary_worker_id']}"
                        ),
                        (r["n"],),
                    )
                    for r in by_worker
                ],
            )
        )
    return tables


def _referrals(scope: Scope, filters: Filters) -> Table:
    response = ExpressionWrapper(F("responded_at") - F("sent_at"), output_field=DurationField())
    rows = (
        Referral.objects.filter(_cases(scope, filters, "case__"), _period("sent_at__date", filters))
        .values("delivery_organisation__name")
        .annotate(
            sent=Count("pk"),
            accepted=Count("pk", filter=Q(status__in=[ReferralStatus.ACCEPTED, ReferralStatus.CLOSED])),
            declined=Count("pk", filter=Q(status=ReferralStatus.DECLINED)),
            responded=Count("pk", filter=Q(responded_at__isnull=False)),
            response=Avg(response, filter=Q(responded_at__isnull=False)),
        )
        .order_by("delivery_organisation__name")
    )
    table_rows = []
    for r in rows:
        small = r["responded"] < SMALL_NUMBER
        hours = None if small or r["response"] is None else round(r["response"].total_seconds() / 3600, 1)
        table_rows.append(
            Row(
                r["delivery_organisation__name"],
                (
                    suppress(r["sent"], crosses_organisations=True),
                    suppress(r["accepted"], crosses_organisations=True),
                    suppress(r["declined"], crosses_organisations=True),
                    rate(r["accepted"], r["responded"], crosses_organisations=True),
                    hours,
                ),
            )
        )
    return Table(
        key="referrals",
        title="Referrals by delivery organisation",
        first_column="Delivery organisation",
        columns=("Sent", "Accepted", "Declined", "Acceptance rate (%)", "Mean response time (hours)"),
        rows=table_rows,
        charted=(0, 1, 2),
        note="Counts under 5 are hidden: referrals cross organisations.",
    )


def dashboard_scopes_for(user: User) -> list[Scope]:
    """The dashboards the user may open, by role: the teams they manage, the organisations they administer
    or oversee, and the initiatives they lead (from the policies' queryset twins)."""
    scopes = [Scope("team", t.pk, t.name) for t in Team.objects.filter(pk__in=dashboard_team_ids(user))]
    scopes += [
        Scope("organisation", o.pk, o.name)
        for o in Organisation.objects.filter(pk__in=dashboard_organisation_ids(user)).order_by("name")
    ]
    scopes += [
        Scope("initiative", i.pk, i.name)
        for i in Initiative.objects.filter(pk__in=dashboard_initiative_ids(user)).order_by("name")
    ]
    return scopes


def dashboard_teams(scope: Scope) -> list[Team]:
    """The teams the dashboard can be filtered to: the team itself, the organisation's, the initiative's."""
    if scope.kind == "team":
        teams = Team.objects.filter(pk=scope.id)
    elif scope.kind == "organisation":
        teams = Team.objects.filter(organisation_id=scope.id)
    else:
        teams = Team.objects.filter(organisation__initiative_id=scope.id)
    return list(teams.order_by("name"))


def dashboard_for_user(
    *,
    user: User,
    scope: Scope,
    filters: Filters | None = None,
    today: datetime.date,
    links: dict[str, str] | None = None,
) -> Dashboard:
    """Every figure of the scope's dashboard: nine grouped queries, whatever the rows.

    Raises PermissionRefused unless the user may see the scope. Recorded as an access event (counts only)."""
    if scope.kind not in SCOPES or not has_perm(user, PERMISSIONS[scope.kind], scope.id):
        raise PermissionRefused(REFUSED)
    filters = filters or Filters()
    tables = [
        _needs(scope, filters),
        *_waiting(scope, filters, today, links or {}),
        _first_contact(scope, filters),
        _outcomes(scope, filters),
        *_caseloads(scope, filters),
        _referrals(scope, filters),
    ]
    access_record(
        user=user,
        verb="reporting.dashboard_viewed",
        details={"scope": scope.kind, "id": scope.id, "filters": _plain(filters)},
    )
    return Dashboard(scope=scope, filters=filters, today=today, tables=tables)


def _plain(filters: Filters) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, datetime.date) else v) for k, v in filters.__dict__.items()}


def chart_series(table: Table) -> Sequence[tuple[str, Sequence[Value]]]:
    """The table's charted columns as chart series."""
    return [(table.columns[i], [row.values[i] for row in table.rows]) for i in table.charted]


def waiting_links(user: User, scope: Scope, filters: Filters) -> dict[str, str]:
    """Drill-through from the waiting figures to the waiting list page, by list: only for those who may see
    that page, and never from the lead's whole view (no names there)."""
    if scope.kind == "initiative" or not has_perm(user, "waiting_list.view_waiting_list"):
        return {}
    team_id = filters.team_id or (scope.id if scope.kind == "team" else None)
    base = reverse("waiting_list:waiting_list")
    links = {}
    for kind, _label in ListKind.choices:
        query: dict[str, Any] = {"list_kind": kind, **({"team": team_id} if team_id else {})}
        if filters.area:
            query["area"] = filters.area
        links[kind] = f"{base}?{urlencode(query)}"
    return links
