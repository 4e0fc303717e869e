"""ASCOF measures computed from casework as DHSC computes them from Client Level Data (ADR 24).

DHSC computes six ASCOF 2024–25 measures from CLD (DataS-DHSC/ASC-CLD-LA-Dashboard, ASCOF_measures and
Waiting_times). Casework records the events CLD is built from, so the same rules run here on:

- **Short-term support to maximise independence (ST-Max)**: enablement episodes (plans.EnablementEpisode).
- **Long-term support (LTS)**: the services of support plans that were activated (plans.SupportService); a
  superseded plan's services end the day it was superseded. The **setting** is residential or nursing care
  where the case has a completed, current financial assessment on the permanent residential care path
  (plans.FinancialAssessment.path), else community. Casework does not tell residential from nursing care
  (2B/2C count both together, so nothing is lost there).
- **Delivery mechanism**: the plan's budget management: a direct payment; council-managed or an individual
  service fund (both a CASSR-managed personal budget).
- **Requests**: cases raised; **assessments**: assessments started.

The pure functions below take plain rows (no ORM) and return a `Measure` with its numerator, denominator and
the cases behind it, so that every rule is tested on hand-made rows with known answers. `ascof_for_user` reads
the rows for a dashboard's scope (the same permissions as the dashboard) in a fixed number of queries.

Where casework lacks a field a measure needs, the measure says so (`missing`) and gives no figure rather
than a guess: 2E needs each person's accommodation status and primary support reason, which casework does
not record.
"""

from __future__ import annotations

import calendar
import datetime
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from casework.accounts.models import Organisation, Team, User
from casework.assessments.models import Assessment
from casework.audit.services import access_record
from casework.cases.models import Case
from casework.cases.selectors import case_list_visible
from casework.core.errors import PermissionRefused
from casework.core.permissions import has_perm
from casework.plans.choices import AssessmentPath, FinancialAssessmentStatus
from casework.plans.episode_choices import EnablementOutcome, EndedEarlyReason
from casework.plans.episode_models import EnablementEpisode
from casework.plans.models import FinancialAssessment
from casework.plans.support_choices import BudgetManagement
from casework.plans.support_models import SupportService
from casework.reporting.dashboard import (
    PERMISSIONS,
    REFUSED,
    Filters,
    Scope,
    cases_in,
    suppress,
)
from casework.reporting.models import PopulationEstimate

CLUSTER_GAP_DAYS = 7  # ST-Max episodes this close (or overlapping) form one cluster
SEQUEL_DAYS = 7  # what follows a cluster within this many days is its sequel
NEW_CLIENT_DAYS = 91  # 2A: no long-term support ending within this many days before the cluster
RESIDENTIAL_HISTORY_DAYS = 365  # 2B/2C: an admission is new without residential care ending within a year
WAIT_MIN_AGE = 25  # DHSC's provisional waiting times count requests from people aged 25 and over
PER = 100_000

RESIDENTIAL = "residential"
COMMUNITY = "community"
DIRECT_PAYMENT = "direct_payment"
MANAGED_BUDGET = "managed_personal_budget"

# 2A: the sequel of an ST-Max cluster (CLD R2 labels), and whether it counts in the denominator/numerator.
DECEASED = "NFA: Deceased"
HOSPITAL = "Admitted to hospital"
LONG_TERM = "Long term support"
ENDED_AS_PLANNED = "NFA: Support ended as planned"
MOVED_AWAY = "NFA: Responsibility moved to another local authority"
ENDED_OTHER = "NFA: Support ended for other reason"
DECLINED = "NFA: Support declined"
UNCLASSIFIED = "Progress to support planning or services"
IN_2A_DENOMINATOR = frozenset({LONG_TERM, ENDED_AS_PLANNED, MOVED_AWAY, ENDED_OTHER})
IN_2A_NUMERATOR = frozenset({ENDED_AS_PLANNED, MOVED_AWAY, ENDED_OTHER})

MISSING_2E = (
    "Casework does not record a person's accommodation status (CLD Accommodation_Status) nor their primary "
    "support reason (CLD Primary_Support_Reason), so the numerator of 2E, and the learning disability "
    "part's denominator, cannot be computed. The denominator of part 2 (everyone on long-term support) is "
    "shown."
)
MISSING_CARERS = (
    "Casework's support plans do not record whether the person supported is a carer (CLD Client_Type), so "
    "3D's carer parts (1b, 2b) are not computed; every plan counts as a client's."
)


# --- Rows (read from the database, or made by hand in tests) ------------------------------------------------


@dataclass(frozen=True)
class Person:
    id: int
    date_of_birth: datetime.date | None = None
    date_of_death: datetime.date | None = None

    def age_on(self, day: datetime.date) -> int | None:
        if self.date_of_birth is None:
            return None
        before = (day.month, day.day) < (self.date_of_birth.month, self.date_of_birth.day)
        return day.year - self.date_of_birth.year - int(before)


@dataclass(frozen=True)
class Episode:
    """An enablement (ST-Max) episode."""

    case_id: int
    person_id: int
    start: datetime.date
    end: datetime.date | None
    outcome: str = ""
    ended_early_reason: str = ""


@dataclass(frozen=True)
class Service:
    """A long-term support service of an activated support plan."""

    case_id: int
    person_id: int
    start: datetime.date
    end: datetime.date | None
    setting: str = COMMUNITY  # RESIDENTIAL or COMMUNITY
    mechanism: str = MANAGED_BUDGET  # DIRECT_PAYMENT or MANAGED_BUDGET

    def open_on(self, day: datetime.date) -> bool:
        return self.start <= day and (self.end is None or self.end >= day)


@dataclass(frozen=True)
class Request:
    case_id: int
    person_id: int
    on: datetime.date


@dataclass(frozen=True)
class Assessed:
    case_id: int
    person_id: int
    on: datetime.date


@dataclass(frozen=True)
class Cluster:
    person_id: int
    case_ids: tuple[int, ...]
    start: datetime.date
    end: datetime.date | None  # None: an episode still open
    last: Episode  # the episode ending last, whose outcome is the cluster's


@dataclass(frozen=True)
class Line:
    """One case behind a measure: the day it is about, whether it is in the numerator, and why."""

    case_id: int
    on: datetime.date
    counted: bool
    why: str


@dataclass(frozen=True)
class Measure:
    key: str
    title: str
    numerator: int | None
    denominator: int | None
    value: float | None
    unit: str  # "%", "per 100,000" or "days"
    lines: tuple[Line, ...] = ()
    missing: str = ""
    note: str = ""


# --- Pure rules ---------------------------------------------------------------------------------------------


def _end_or_max(day: datetime.date | None) -> datetime.date:
    return datetime.date.max if day is None else day


def clusters(episodes: Iterable[Episode]) -> list[Cluster]:
    """Each person's ST-Max episodes in clusters: an episode starting no more than 7 days after the latest end
    so far (or overlapping) joins the cluster. The cluster's outcome is that of the episode ending last."""
    by_person: dict[int, list[Episode]] = defaultdict(list)
    for episode in episodes:
        by_person[episode.person_id].append(episode)
    found = []
    for person_id in sorted(by_person):
        run: list[Episode] = []
        latest = datetime.date.min
        for episode in sorted(by_person[person_id], key=lambda e: (e.start, _end_or_max(e.end))):
            if run and (episode.start - latest).days > CLUSTER_GAP_DAYS:
                found.append(_cluster(run))
                run = []
            if not run:
                latest = datetime.date.min
            run.append(episode)
            latest = max(latest, _end_or_max(episode.end))
        if run:
            found.append(_cluster(run))
    return found


def _cluster(run: list[Episode]) -> Cluster:
    last = max(run, key=lambda e: _end_or_max(e.end))
    end = None if any(e.end is None for e in run) else max(e.end for e in run if e.end is not None)
    return Cluster(
        person_id=run[0].person_id,
        case_ids=tuple(sorted({e.case_id for e in run})),
        start=min(e.start for e in run),
        end=end,
        last=last,
    )


def is_new_client(person_services: Iterable[Service], start: datetime.date, days: int) -> bool:
    """No long-term support started before `start` and still open, or ended fewer than `days` days before."""
    return not any(
        s.start < start and (s.end is None or (start - s.end).days < days) for s in person_services
    )


def sequel(cluster: Cluster, person: Person, services: Iterable[Service]) -> str:
    """What followed an ST-Max cluster, in DHSC's order: a death before or within 7 days of its end; an
    admission to hospital; long-term support started during it or within 7 days of its end and still going
    at its end; else the outcome recorded on its last episode."""
    assert cluster.end is not None
    if person.date_of_death is not None and (person.date_of_death - cluster.end).days <= SEQUEL_DAYS:
        return DECEASED
    last = cluster.last
    if last.outcome == EnablementOutcome.ENDED_EARLY and last.ended_early_reason == EndedEarlyReason.DIED:
        return DECEASED
    if (
        last.outcome == EnablementOutcome.ENDED_EARLY
        and last.ended_early_reason == EndedEarlyReason.ADMITTED_TO_HOSPITAL
    ):
        return HOSPITAL
    for s in services:
        starts_in_window = cluster.start <= s.start and (s.start - cluster.end).days <= SEQUEL_DAYS
        if starts_in_window and _end_or_max(s.end) > cluster.end:
            return LONG_TERM
    return _outcome_label(last)


def _outcome_label(episode: Episode) -> str:
    if episode.outcome == EnablementOutcome.NO_ONGOING_NEEDS:
        return ENDED_AS_PLANNED
    if episode.outcome == EnablementOutcome.ENDED_EARLY:
        return {
            EndedEarlyReason.DECLINED: DECLINED,
            EndedEarlyReason.MOVED_AWAY: MOVED_AWAY,
            EndedEarlyReason.OTHER: ENDED_OTHER,
        }.get(EndedEarlyReason(episode.ended_early_reason), UNCLASSIFIED)
    # Ongoing needs, or moved to long-term care, with no long-term service in the sequel window: DHSC cannot
    # classify the sequel ("Progress to support planning or services") and leaves it out.
    return UNCLASSIFIED


def _rate(numerator: int | None, denominator: int | None, scale: int = 100) -> float | None:
    if numerator is None or not denominator:
        return None
    return round(numerator * scale / denominator, 1)


def measure_2a(
    *,
    episodes: Iterable[Episode],
    services: Iterable[Service],
    people: dict[int, Person],
    start: datetime.date,
    end: datetime.date,
) -> Measure:
    """2A: of new clients whose short-term support (ST-Max) ended in the period, the share with no further
    request for ongoing support (no long-term support as the sequel)."""
    by_person = _by_person(services)
    lines = []
    for cluster in clusters(episodes):
        if cluster.end is None or not start <= cluster.end <= end:
            continue
        person = people.get(cluster.person_id, Person(cluster.person_id))
        age = person.age_on(cluster.end)
        if (age is not None and age < 18) or (
            person.date_of_death is not None and person.date_of_death < cluster.start
        ):
            continue
        if not is_new_client(by_person[cluster.person_id], cluster.start, NEW_CLIENT_DAYS):
            continue
        outcome = sequel(cluster, person, by_person[cluster.person_id])
        if outcome in IN_2A_DENOMINATOR:
            lines.append(Line(cluster.last.case_id, cluster.end, outcome in IN_2A_NUMERATOR, outcome))
    numerator = sum(line.counted for line in lines)
    return Measure(
        key="2A",
        title="New clients of short-term support with no further request for ongoing support",
        numerator=numerator,
        denominator=len(lines),
        value=_rate(numerator, len(lines)),
        unit="%",
        lines=tuple(lines),
        note="ST-Max clusters (enablement episodes up to 7 days apart) ending in the period, of people with "
        "no long-term support in the 91 days before; the sequel is what follows within 7 days. Deaths, "
        "hospital admissions, support declined and sequels that cannot be classified are left out.",
    )


def _by_person(services: Iterable[Service]) -> dict[int, list[Service]]:
    found: dict[int, list[Service]] = defaultdict(list)
    for s in services:
        found[s.person_id].append(s)
    return found


def measure_2bc(
    *,
    services: Iterable[Service],
    people: dict[int, Person],
    start: datetime.date,
    end: datetime.date,
    population: dict[str, int],
) -> tuple[Measure, Measure]:
    """2B (18–64) and 2C (65+): new admissions to residential or nursing care in the period per 100,000 of
    the ONS population of that age. An admission is new without residential care that started before it and
    ended within the 12 months before it (or is still open); each person counts once, at their age when
    admitted to the first."""
    residential = [s for s in services if s.setting == RESIDENTIAL]
    by_person = _by_person(residential)
    first: dict[int, Service] = {}
    for s in sorted(residential, key=lambda s: (s.start, s.case_id)):
        person = people.get(s.person_id, Person(s.person_id))
        if not start <= s.start <= end or s.person_id in first or person.date_of_birth is None:
            continue
        if person.date_of_death is not None and person.date_of_death < start:
            continue
        if is_new_client(by_person[s.person_id], s.start, RESIDENTIAL_HISTORY_DAYS):
            first[s.person_id] = s
    bands: dict[str, list[Line]] = {"18_64": [], "65_plus": []}
    for person_id, s in first.items():
        age = people[person_id].age_on(s.start)
        if age is None or age < 18:
            continue
        bands["18_64" if age <= 64 else "65_plus"].append(Line(s.case_id, s.start, True, "Admitted"))
    results = []
    for key, band, label in (("2B", "18_64", "18 to 64"), ("2C", "65_plus", "65 and over")):
        lines = sorted(bands[band], key=lambda line: (line.on, line.case_id))
        pop = population.get(band)
        results.append(
            Measure(
                key=key,
                title=f"Admissions to residential and nursing care, aged {label}, per 100,000",
                numerator=len(lines),
                denominator=pop,
                value=_rate(len(lines), pop, PER),
                unit="per 100,000",
                lines=tuple(lines),
                missing="" if pop else f"No ONS population aged {label} is loaded: an admin loads it.",
                note="Casework counts a placement as residential or nursing care where the case's current "
                "financial assessment is on the permanent residential care path.",
            )
        )
    return results[0], results[1]


def _top_at(services: Iterable[Service], people: dict[int, Person], day: datetime.date) -> dict[int, Service]:
    """Each living adult's highest-ranked long-term service open on `day`: residential care, then a direct
    payment, then a managed personal budget (DHSC: each person counted once, at their highest)."""
    rank = {(RESIDENTIAL, DIRECT_PAYMENT): 0, (RESIDENTIAL, MANAGED_BUDGET): 0}
    rank |= {(COMMUNITY, DIRECT_PAYMENT): 1, (COMMUNITY, MANAGED_BUDGET): 2}
    top: dict[int, Service] = {}
    for s in services:
        person = people.get(s.person_id, Person(s.person_id))
        age = person.age_on(day)
        if not s.open_on(day) or (age is not None and age < 18):
            continue
        if person.date_of_death is not None and person.date_of_death < day:
            continue
        held = top.get(s.person_id)
        if held is None or (rank[(s.setting, s.mechanism)], s.case_id) < (
            rank[(held.setting, held.mechanism)],
            held.case_id,
        ):
            top[s.person_id] = s
    return top


def measure_3d(
    *, services: Iterable[Service], people: dict[int, Person], end: datetime.date
) -> tuple[Measure, Measure]:
    """3D part 1a (self-directed support) and 2a (direct payments): of clients on long-term support in the
    community at the period's end, the share with a personal budget (direct payment or managed), and with a
    direct payment."""
    top = [s for s in _top_at(services, people, end).values() if s.setting == COMMUNITY]
    top.sort(key=lambda s: s.case_id)
    sds = [Line(s.case_id, s.start, True, _mechanism_label(s)) for s in top]
    dp = [Line(s.case_id, s.start, s.mechanism == DIRECT_PAYMENT, _mechanism_label(s)) for s in top]
    dp_count = sum(line.counted for line in dp)
    note = (
        "Every support plan in casework has a personal budget (a direct payment, council-managed or an "
        "individual service fund): casework has no commissioned support without one, so 1a is all clients. "
        + MISSING_CARERS
    )
    return (
        Measure(
            key="3D1a",
            title="Clients on long-term community support receiving self-directed support",
            numerator=len(sds),
            denominator=len(top),
            value=_rate(len(sds), len(top)),
            unit="%",
            lines=tuple(sds),
            note=note,
        ),
        Measure(
            key="3D2a",
            title="Clients on long-term community support receiving direct payments",
            numerator=dp_count,
            denominator=len(top),
            value=_rate(dp_count, len(top)),
            unit="%",
            lines=tuple(dp),
            note=note,
        ),
    )


def _mechanism_label(s: Service) -> str:
    return "Direct payment" if s.mechanism == DIRECT_PAYMENT else "Managed personal budget"


def measure_2e(*, services: Iterable[Service], people: dict[int, Person], end: datetime.date) -> Measure:
    """2E: the share of people on long-term support who live in their own home or with family. Casework does
    not record accommodation status: the denominator (part 2, everyone on long-term support at the period's
    end) is given, the numerator and the value are not."""
    top = sorted(_top_at(services, people, end).values(), key=lambda s: s.case_id)
    return Measure(
        key="2E",
        title="People on long-term support living in their own home or with their family",
        numerator=None,
        denominator=len(top),
        value=None,
        unit="%",
        lines=tuple(Line(s.case_id, s.start, False, "On long-term support") for s in top),
        missing=MISSING_2E,
    )


def measure_waiting(
    *,
    requests: Iterable[Request],
    assessments: Iterable[Assessed],
    episodes: Iterable[Episode],
    services: Iterable[Service],
    people: dict[int, Person],
    start: datetime.date,
    end: datetime.date,
) -> Measure:
    """DHSC's provisional waiting time: the median days from a new client's request to the first assessment
    or service (enablement or long-term) that follows it. A request counts when made in the period by a
    person aged 25 or over, with no long-term support open or ended in the 12 months before and no
    short-term support open or ended in the 3 months before."""
    lts = _by_person(services)
    st: dict[int, list[Episode]] = defaultdict(list)
    for e in episodes:
        st[e.person_id].append(e)
    responses: dict[int, list[datetime.date]] = defaultdict(list)
    for a in assessments:
        responses[a.person_id].append(a.on)
    for e in episodes:
        responses[e.person_id].append(e.start)
    for s in services:
        responses[s.person_id].append(s.start)
    lines = []
    waits = []
    for r in sorted(requests, key=lambda r: (r.on, r.case_id)):
        person = people.get(r.person_id, Person(r.person_id))
        age = person.age_on(r.on)
        if not start <= r.on <= end or age is None or age < WAIT_MIN_AGE:
            continue
        if not is_new_client(lts[r.person_id], r.on, _days_in_months_before(r.on, 12)):
            continue
        if any(
            e.start < r.on and (e.end is None or (r.on - e.end).days < _days_in_months_before(r.on, 3))
            for e in st[r.person_id]
        ):
            continue
        following = [day for day in responses[r.person_id] if day >= r.on]
        if not following:
            lines.append(Line(r.case_id, r.on, False, "No assessment or service yet"))
            continue
        wait = (min(following) - r.on).days
        waits.append(wait)
        lines.append(Line(r.case_id, r.on, True, f"{wait} days"))
    return Measure(
        key="WT",
        title="Median wait from a new client's request to an assessment or service (DHSC, provisional)",
        numerator=len(waits),
        denominator=len(lines),
        value=float(statistics.median(waits)) if waits else None,
        unit="days",
        lines=tuple(lines),
        note="Numerator: requests answered by an assessment or service; denominator: new clients' requests. "
        "Casework's closing outcomes are not CLD outcomes, so requests closed with no further action are "
        "not left out as DHSC leaves them out.",
    )


def _days_in_months_before(day: datetime.date, months: int) -> int:
    """How many days back `months` calendar months reach from `day` (to the same day, or the month's last)."""
    years, index = divmod(day.month - 1 - months, 12)
    year, month = day.year + years, index + 1
    earlier = datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
    return (day - earlier).days + 1


# --- Reading casework ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ascof:
    scope: Scope
    start: datetime.date
    end: datetime.date
    measures: list[Measure] = field(default_factory=list)
    population_year: int | None = None

    def measure(self, key: str) -> Measure:
        return next(m for m in self.measures if m.key == key)


def default_period(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The 12 months to today."""
    return today - datetime.timedelta(days=_days_in_months_before(today, 12) - 2), today


def ascof_for_user(*, user: User, scope: Scope, filters: Filters, today: datetime.date) -> Ascof:
    """The measures for a dashboard's scope (the same permissions as the dashboard), over the filters' period
    (the 12 months to today by default). Counts across organisations are suppressed under 5 and their cases
    not listed. A fixed number of queries; recorded as an access event."""
    if scope.kind not in PERMISSIONS or not has_perm(user, PERMISSIONS[scope.kind], scope.id):
        raise PermissionRefused(REFUSED)
    start, end = default_period(today)
    start, end = filters.period_from or start, filters.period_to or end
    rows = _rows(scope, filters)
    population, year = _population(scope, end)
    measures = compute(rows=rows, start=start, end=end, population=population)
    measures = [_shown(m, scope) for m in measures]
    access_record(
        user=user,
        verb="reporting.ascof_viewed",
        details={"scope": scope.kind, "id": scope.id, "from": start.isoformat(), "to": end.isoformat()},
    )
    return Ascof(scope=scope, start=start, end=end, measures=measures, population_year=year)


@dataclass(frozen=True)
class Rows:
    people: dict[int, Person]
    episodes: list[Episode]
    services: list[Service]
    requests: list[Request]
    assessments: list[Assessed]


def compute(
    *, rows: Rows, start: datetime.date, end: datetime.date, population: dict[str, int]
) -> list[Measure]:
    """Every measure over the rows."""
    m2b, m2c = measure_2bc(
        services=rows.services, people=rows.people, start=start, end=end, population=population
    )
    m3d1, m3d2 = measure_3d(services=rows.services, people=rows.people, end=end)
    return [
        measure_2a(episodes=rows.episodes, services=rows.services, people=rows.people, start=start, end=end),
        m2b,
        m2c,
        measure_2e(services=rows.services, people=rows.people, end=end),
        m3d1,
        m3d2,
        measure_waiting(
            requests=rows.requests,
            assessments=rows.assessments,
            episodes=rows.episodes,
            services=rows.services,
            people=rows.people,
            start=start,
            end=end,
        ),
    ]


def _rows(scope: Scope, filters: Filters) -> Rows:
    cases = Case.objects.filter(cases_in(scope, filters))
    people = {}
    requests = []
    for c in cases.values("pk", "person_id", "raised_at", "person__date_of_birth", "person__date_of_death"):
        people[c["person_id"]] = Person(
            c["person_id"], c["person__date_of_birth"], c["person__date_of_death"]
        )
        requests.append(Request(c["pk"], c["person_id"], c["raised_at"].date()))
    episodes = [
        Episode(e["case_id"], e["case__person_id"], e["started_on"], e["ended_on"], e["outcome"],
                e["ended_early_reason"])
        for e in EnablementEpisode.objects.filter(case__in=cases).values(
            "case_id", "case__person_id", "started_on", "ended_on", "outcome", "ended_early_reason"
        )
    ]  # fmt: skip
    residential = set(
        FinancialAssessment.objects.filter(
            case__in=cases,
            status=FinancialAssessmentStatus.COMPLETED,
            superseded_at__isnull=True,
            path=AssessmentPath.RESIDENTIAL,
        ).values_list("case_id", flat=True)
    )
    services = [
        _service(s, residential)
        for s in SupportService.objects.filter(plan__case__in=cases, plan__activated_at__isnull=False).values(
            "plan__case_id",
            "plan__case__person_id",
            "starts_on",
            "ends_on",
            "plan__superseded_at",
            "plan__budget_management",
        )
    ]
    assessments = [
        Assessed(a["case_id"], a["case__person_id"], a["started_at"].date())
        for a in Assessment.objects.filter(case__in=cases).values("case_id", "case__person_id", "started_at")
    ]
    return Rows(
        people=people, episodes=episodes, services=services, requests=requests, assessments=assessments
    )


def _service(row: Mapping[str, Any], residential: set[int]) -> Service:
    end = row["ends_on"]
    if row["plan__superseded_at"] is not None:
        superseded = row["plan__superseded_at"].date()
        end = superseded if end is None else min(end, superseded)
    direct = row["plan__budget_management"] == BudgetManagement.DIRECT_PAYMENT
    return Service(
        case_id=row["plan__case_id"],
        person_id=row["plan__case__person_id"],
        start=row["starts_on"],
        end=end,
        setting=RESIDENTIAL if row["plan__case_id"] in residential else COMMUNITY,
        mechanism=DIRECT_PAYMENT if direct else MANAGED_BUDGET,
    )


def _population(scope: Scope, end: datetime.date) -> tuple[dict[str, int], int | None]:
    """The initiative's ONS population by age band, for the latest year loaded up to the period's end (else
    the earliest loaded)."""
    initiative_id = _initiative_id(scope)
    if initiative_id is None:
        return {}, None
    rows = list(
        PopulationEstimate.objects.filter(initiative_id=initiative_id).values_list(
            "year", "age_band", "population"
        )
    )
    if not rows:
        return {}, None
    years = sorted({year for year, _, _ in rows})
    year = max((y for y in years if y <= end.year), default=years[0])
    return {band: n for y, band, n in rows if y == year}, year


def _initiative_id(scope: Scope) -> int | None:
    if scope.kind == "initiative":
        return scope.id
    if scope.kind == "organisation":
        return Organisation.objects.filter(pk=scope.id).values_list("initiative_id", flat=True).first()
    return Team.objects.filter(pk=scope.id).values_list("organisation__initiative_id", flat=True).first()


def _shown(measure: Measure, scope: Scope) -> Measure:
    """A measure as the scope may show it: across organisations, counts from 1 to 4 hidden (and the value
    with them), and no cases listed."""
    if not scope.crosses_organisations:
        return measure
    numerator = suppress(measure.numerator, crosses_organisations=True)
    denominator = measure.denominator
    if measure.unit != "per 100,000":
        denominator = suppress(denominator, crosses_organisations=True)
    hidden = (measure.numerator is not None and numerator is None) or (
        measure.denominator is not None and denominator is None
    )
    return Measure(
        key=measure.key,
        title=measure.title,
        numerator=numerator,
        denominator=denominator,
        value=None if hidden else measure.value,
        unit=measure.unit,
        lines=(),
        missing=measure.missing,
        note=measure.note,
    )


def drill_through(*, user: User, measure: Measure, scope: Scope) -> list[tuple[Line, Case]]:
    """The cases behind a measure that the user may open (none across organisations: no names there)."""
    if scope.crosses_organisations or not measure.lines:
        return []
    visible = {
        c.pk: c for c in case_list_visible(user=user).filter(pk__in={line.case_id for line in measure.lines})
    }
    return [(line, visible[line.case_id]) for line in measure.lines if line.case_id in visible]
