"""The Client Level Data (CLD) statutory return: a projection of Casework's records onto DHSC's events.

One row per event (Request, Assessment, Service, Review) with the person's fields repeated, for a rolling 12
months ending at a quarter end (ADR 27). Reads stream from the database (`.values()` with `.iterator()`, never
model objects), so a million events export in constant memory.

- Requests: a case raised for the organisation; it ends when the first assessment or enablement starts, or
  when the case closes before either; its outcome says which.
- Assessments: completed needs and carers' assessments (type, eligible needs, method), and completed
  financial assessments (which carry no outcome).
- Services: each service of an active or superseded support plan that has started (its `reference` is the same
  across plan versions, so it is one event), and enablement episodes as ST-Max reablement.
- Reviews: none yet; the reviews app adds them (issue 17).

Event references are built from ids that never change (`REQ-<case id>`, `SRV-<case id>-<service reference>`),
so they are the same in every submission. `cld_validate` names each record to fix; `cld_duplicates` applies
DHSC's deduplication key; `cld_preview` applies DHSC's derived reporting period and counting rules.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import nhs_number
from django.db.models import Exists, OuterRef, Q, Subquery

from casework.accounts.models import AnyUser, Organisation
from casework.assessments.models import Assessment
from casework.audit.services import access_record
from casework.careact.models import EligibilityDetermination
from casework.cases.models import Case
from casework.core.context import current_request_context, request_context
from casework.core.errors import PermissionRefused
from casework.people.choices import Ethnicity
from casework.people.models import PersonRelationship
from casework.plans.episode_models import EnablementEpisode
from casework.plans.models import FinancialAssessment
from casework.plans.support_models import SupportService
from casework.reporting import cld_lists as lists
from casework.reporting.policies import can_export_cld

Row = dict[str, str]
CHUNK = 2000


# --- The period --------------------------------------------------------------------------------------------


def is_quarter_end(day: datetime.date) -> bool:
    return (day.month, day.day) in {(3, 31), (6, 30), (9, 30), (12, 31)}


def cld_period(quarter_end: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The rolling 12 months that end on a quarter end: 1 April 2025 to 31 March 2026 for 31 March 2026."""
    if not is_quarter_end(quarter_end):
        raise ValueError("CLD periods end on 31 March, 30 June, 30 September or 31 December.")
    start = datetime.date(quarter_end.year - 1, quarter_end.month, 1) + datetime.timedelta(days=32)
    return start.replace(day=1), quarter_end


def quarter_end_of(day: datetime.date) -> datetime.date:
    """The end of the quarter the day is in: 31 December 2026 for 6 December 2026."""
    month = ((day.month - 1) // 3 + 1) * 3
    following = datetime.date(day.year + month // 12, month % 12 + 1, 1)
    return following - datetime.timedelta(days=1)


def latest_quarter_end(today: datetime.date) -> datetime.date:
    """The last quarter end on or before today."""
    for year in (today.year, today.year - 1):
        for month, day in ((12, 31), (9, 30), (6, 30), (3, 31)):
            candidate = datetime.date(year, month, day)
            if candidate <= today:
                return candidate
    raise AssertionError("unreachable")  # pragma: no cover


# --- Person fields ------------------------------------------------------------------------------------------

PERSON_FIELDS = (
    "id",
    "nhs_number",
    "local_identifier",
    "gender",
    "ethnicity",
    "date_of_birth",
    "date_of_death",
    "postcode",
)


def _person_values(prefix: str) -> list[str]:
    return [f"{prefix}{field}" for field in PERSON_FIELDS]


def _case_annotations(case_ref: str, person_ref: str) -> dict[str, Any]:
    """Per-row facts read by subquery in the same statement: whether the case is a carer's, whether the person
    has an unpaid carer, and their latest completed financial assessment."""
    latest_fa = FinancialAssessment.objects.filter(
        case_id=OuterRef(case_ref), status="completed", superseded_at__isnull=True
    ).order_by("-completed_at")
    return {
        "is_carer": Exists(
            EligibilityDetermination.objects.filter(
                case_id=OuterRef(case_ref), kind="carer", superseded_at__isnull=True
            )
        ),
        "has_carer": Exists(
            PersonRelationship.objects.filter(
                person_id=OuterRef(person_ref), kind="carer", end_date__isnull=True
            )
        ),
        "fa_full_cost": Subquery(latest_fa.values("pays_full_cost")[:1]),
        "fa_charge": Subquery(latest_fa.values("weekly_charge")[:1]),
    }


def _iso(value: datetime.date | datetime.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = value.date()
    return value.isoformat()


def _day(value: datetime.date | datetime.datetime | None) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    return value


def _funding(full_cost: bool | None, charge: Decimal | None) -> str:
    if full_cost is None:
        return ""
    if full_cost:
        return "Fully client funded"
    return "Joint client and social care funded" if charge and charge > 0 else "Fully social care funded"


def _person_row(
    v: dict[str, Any], prefix: str, *, la_code: str, start: datetime.date, end: datetime.date
) -> Row:
    identifier = v[f"{prefix}local_identifier"] or f"CW{v[f'{prefix}id']}"
    ethnicity = v[f"{prefix}ethnicity"]
    return {
        "LA_Code": la_code,
        "Reporting_Period_Start_Date": start.isoformat(),
        "Reporting_Period_End_Date": end.isoformat(),
        "NHS_Number": v[f"{prefix}nhs_number"] or "",
        "LA_Person_Unique_Identifier": identifier,
        "GP_Practice_Code": "",
        "Gender": lists.GENDER_TO_CLD.get(v[f"{prefix}gender"], ""),
        "Ethnicity": ETHNICITY_LABELS.get(ethnicity, ""),
        "Date_of_Birth": _iso(v[f"{prefix}date_of_birth"]),
        "Date_of_Death": _iso(v[f"{prefix}date_of_death"]),
        "Client_Type": "Unpaid carer" if v["is_carer"] else "Service user",
        "Primary_Support_Reason": "",
        "Postcode": v[f"{prefix}postcode"] or "",
        "Accommodation_Status": "",
        "Employment_Status": "",
        "Has_Unpaid_Carer": "Yes" if v["has_carer"] else "No",
        "Autism_Spectrum_Disorder_ASD": "",
        "Visual_Impairment": "",
        "Hearing_Impairment": "",
        "Dementia": "",
        "Client_Funding_Status": _funding(v["fa_full_cost"], v["fa_charge"]),
    }


def _blank_event() -> Row:
    return {column: "" for column in lists.COLUMNS}


# Person.ethnicity's labels are CLD R2's text already (people/choices.py).
ETHNICITY_LABELS: dict[str, str] = {str(value): str(label) for value, label in Ethnicity.choices}


# --- The events ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Submission:
    organisation_id: int
    la_code: str
    start: datetime.date
    end: datetime.date


def submission_for(*, organisation: Organisation, quarter_end: datetime.date) -> Submission:
    start, end = cld_period(quarter_end)
    return Submission(organisation.pk, organisation.identifier, start, end)


def _in_period(day: datetime.date | None, s: Submission) -> bool:
    return day is not None and s.start <= day <= s.end


def _request_rows(s: Submission) -> Iterator[tuple[str, int, Row]]:
    first_assessment = Assessment.objects.filter(case_id=OuterRef("pk")).order_by("started_at")
    first_enablement = EnablementEpisode.objects.filter(case_id=OuterRef("pk")).order_by("started_on")
    cases = (
        Case.objects.filter(responsible_organisation_id=s.organisation_id, raised_at__date__lte=s.end)
        .exclude(origin="review")
        .filter(Q(closed_at__isnull=True) | Q(closed_at__date__gte=s.start))
        .annotate(
            first_assessment=Subquery(first_assessment.values("started_at")[:1]),
            first_enablement=Subquery(first_enablement.values("started_on")[:1]),
            **_case_annotations("pk", "person_id"),
        )
        .values(
            "pk",
            "reference",
            "origin",
            "raised_at",
            "closed_at",
            "outcome",
            "first_assessment",
            "first_enablement",
            "is_carer",
            "has_carer",
            "fa_full_cost",
            "fa_charge",
            *_person_values("person__"),
        )
        .order_by("pk")
    )
    for v in cases.iterator(chunk_size=CHUNK):
        assessed, enabled, closed = _day(v["first_assessment"]), v["first_enablement"], _day(v["closed_at"])
        ends = [
            (d, kind) for d, kind in ((enabled, "enabled"), (assessed, "assessed"), (closed, "closed")) if d
        ]
        if not ends:
            continue  # still open: requests count when they end
        ended_on, how = min(ends, key=lambda pair: pair[0])
        if not _in_period(ended_on, s):
            continue
        row = _blank_event() | _person_row(v, "person__", la_code=s.la_code, start=s.start, end=s.end)
        row |= {
            "Event_Type": lists.REQUEST,
            "Event_Reference": f"REQ-{v['pk']}",
            "Event_Start_Date": _iso(v["raised_at"]),
            "Event_End_Date": ended_on.isoformat(),
            "Event_Description": "Request for support",
            "Event_Outcome": {
                "enabled": "Progress to reablement/ST-Max",
                "assessed": "Progress to assessment, review or reassessment",
            }.get(how)
            or lists.CLOSING_OUTCOME_TO_CLD.get(v["outcome"], "NFA: Other"),
            "Request_Route_of_Access": lists.CASE_ORIGIN_TO_ROUTE.get(v["origin"], lists.DEFAULT_ROUTE),
        }
        yield v["reference"], v["pk"], row


def _assessment_rows(s: Submission) -> Iterator[tuple[str, int, Row]]:
    eligibility = EligibilityDetermination.objects.filter(
        case_id=OuterRef("case_id"), superseded_at__isnull=True
    )
    assessments = (
        Assessment.objects.filter(
            organisation_id=s.organisation_id,
            status="completed",
            completed_at__date__gte=s.start,
            completed_at__date__lte=s.end,
        )
        .annotate(
            eligible=Subquery(eligibility.values("confirmed_eligible")[:1]),
            **_case_annotations("case_id", "case__person_id"),
        )
        .values(
            "pk",
            "case_id",
            "case__reference",
            "case__closed_at",
            "case__outcome",
            "started_at",
            "completed_at",
            "method",
            "form_version__form__code",
            "form_version__form__name",
            "eligible",
            "is_carer",
            "has_carer",
            "fa_full_cost",
            "fa_charge",
            *_person_values("case__person__"),
        )
        .order_by("pk")
    )
    for v in assessments.iterator(chunk_size=CHUNK):
        if v["eligible"] is True:
            outcome = "Progress to support planning or services"
        elif v["case__closed_at"] is not None:
            outcome = lists.CLOSING_OUTCOME_TO_CLD.get(v["case__outcome"], "NFA: Other")
        elif v["eligible"] is False:
            outcome = "NFA: No services offered for other reason"
        else:
            outcome = ""  # no eligibility determination yet: the validation report names it
        carer_form = "carer" in (v["form_version__form__code"] or "")
        row = _blank_event() | _person_row(v, "case__person__", la_code=s.la_code, start=s.start, end=s.end)
        row |= {
            "Event_Type": lists.ASSESSMENT,
            "Event_Reference": f"ASM-{v['pk']}",
            "Event_Start_Date": _iso(v["started_at"]),
            "Event_End_Date": _iso(v["completed_at"]),
            "Event_Description": v["form_version__form__name"] or "Assessment",
            "Event_Outcome": outcome,
            "Assessment_Type": "Unpaid carer assessment" if carer_form else "Long term assessment",
            "Eligible_Needs_Identified": {True: "Yes", False: "No"}.get(v["eligible"], ""),
            "Method_of_Assessment": lists.ASSESSMENT_METHOD_TO_CLD.get(v["method"], ""),
        }
        yield v["case__reference"], v["case_id"], row

    financial = (
        FinancialAssessment.objects.filter(
            case__responsible_organisation_id=s.organisation_id,
            status="completed",
            completed_at__date__gte=s.start,
            completed_at__date__lte=s.end,
        )
        .annotate(**_case_annotations("case_id", "case__person_id"))
        .values(
            "pk",
            "case_id",
            "case__reference",
            "started_on",
            "completed_at",
            "is_carer",
            "has_carer",
            "fa_full_cost",
            "fa_charge",
            *_person_values("case__person__"),
        )
        .order_by("pk")
    )
    for v in financial.iterator(chunk_size=CHUNK):
        row = _blank_event() | _person_row(v, "case__person__", la_code=s.la_code, start=s.start, end=s.end)
        row |= {
            "Event_Type": lists.ASSESSMENT,
            "Event_Reference": f"FIN-{v['pk']}",
            "Event_Start_Date": _iso(v["started_on"]),
            "Event_End_Date": _iso(v["completed_at"]),
            "Event_Description": "Financial assessment",
            "Assessment_Type": "Financial assessment",
        }
        yield v["case__reference"], v["case_id"], row


def _service_rows(s: Submission) -> Iterator[tuple[str, int, Row]]:
    services = (
        SupportService.objects.filter(
            plan__case__responsible_organisation_id=s.organisation_id,
            plan__status__in=["active", "superseded"],
            status__in=["running", "suspended", "ended"],
            starts_on__lte=s.end,
        )
        .annotate(**_case_annotations("plan__case_id", "plan__case__person_id"))
        .values(
            "pk",
            "reference",
            "plan__case_id",
            "plan__case__reference",
            "plan__number",
            "plan__budget_management",
            "service_type",
            "frequency",
            "units",
            "unit_cost",
            "starts_on",
            "ends_on",
            "status",
            "is_carer",
            "has_carer",
            "fa_full_cost",
            "fa_charge",
            *_person_values("plan__case__person__"),
        )
        # The same service across plan versions: the latest version first, then its earlier ones.
        .order_by("plan__case_id", "reference", "-plan__number")
    )
    group: list[dict[str, Any]] = []
    for v in services.iterator(chunk_size=CHUNK):
        if group and (group[0]["plan__case_id"], group[0]["reference"]) != (
            v["plan__case_id"],
            v["reference"],
        ):
            yield from _service_event(group, s)
            group = []
        group.append(v)
    if group:
        yield from _service_event(group, s)

    episodes = (
        EnablementEpisode.objects.filter(
            case__responsible_organisation_id=s.organisation_id, started_on__lte=s.end
        )
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=s.start))
        .annotate(**_case_annotations("case_id", "case__person_id"))
        .values(
            "pk",
            "case_id",
            "case__reference",
            "started_on",
            "ended_on",
            "outcome",
            "ended_early_reason",
            "is_carer",
            "has_carer",
            "fa_full_cost",
            "fa_charge",
            *_person_values("case__person__"),
        )
        .order_by("pk")
    )
    for v in episodes.iterator(chunk_size=CHUNK):
        if v["ended_on"] is None:
            outcome = "Continuation of support or services"
        elif v["outcome"] == "ended_early":
            outcome = lists.ENDED_EARLY_TO_CLD.get(
                v["ended_early_reason"], "NFA: Support ended for other reason"
            )
        else:
            outcome = lists.ENABLEMENT_OUTCOME_TO_CLD.get(v["outcome"], "NFA: Support ended as planned")
        row = _blank_event() | _person_row(v, "case__person__", la_code=s.la_code, start=s.start, end=s.end)
        row |= {
            "Event_Type": lists.SERVICE,
            "Event_Reference": f"STM-{v['pk']}",
            "Event_Start_Date": _iso(v["started_on"]),
            "Event_End_Date": _iso(v["ended_on"]),
            "Event_Description": "Enablement (reablement)",
            "Event_Outcome": outcome,
            "Service_Type": "ST-Max",
            "Service_Component": "Reablement",
            "Delivery_Mechanism": "CASSR commissioned support",
        }
        yield v["case__reference"], v["case_id"], row


def _service_event(group: list[dict[str, Any]], s: Submission) -> Iterator[tuple[str, int, Row]]:
    latest = group[0]
    started = min(v["starts_on"] for v in group)
    ended = latest["ends_on"] if latest["status"] == "ended" or latest["ends_on"] else None
    if started > s.end or (ended is not None and ended < s.start):
        return
    weekly_units = latest["units"] / 4 if latest["frequency"] == "four_weekly" else latest["units"]
    description = latest["service_type"]
    row = _blank_event() | _person_row(
        latest, "plan__case__person__", la_code=s.la_code, start=s.start, end=s.end
    )
    row |= {
        "Event_Type": lists.SERVICE,
        "Event_Reference": f"SRV-{latest['plan__case_id']}-{latest['reference']}",
        "Event_Start_Date": started.isoformat(),
        "Event_End_Date": _iso(ended),
        "Event_Description": description,
        "Event_Outcome": "Continuation of support or services"
        if ended is None
        else "NFA: Support ended as planned",
        "Service_Type": lists.service_type_for(description),
        "Service_Component": lists.service_component_for(description, latest["plan__budget_management"]),
        "Delivery_Mechanism": lists.BUDGET_MANAGEMENT_TO_MECHANISM.get(latest["plan__budget_management"], ""),
        "Unit_Cost": f"{latest['unit_cost']:.2f}",
        "Cost_Frequency_Unit_Type": lists.FREQUENCY_TO_UNIT_TYPE.get(latest["frequency"], ""),
        "Planned_units_per_week": "" if latest["frequency"] == "one_off" else f"{weekly_units:.2f}",
    }
    yield latest["plan__case__reference"], latest["plan__case_id"], row


@dataclass(frozen=True)
class Event:
    case_reference: str
    case_id: int
    row: Row


def cld_events(submission: Submission) -> Iterator[Event]:
    """Every event of the submission, streamed: requests, assessments, services (reviews when they exist)."""
    for source in (_request_rows, _assessment_rows, _service_rows):
        for reference, case_id, row in source(submission):
            yield Event(reference, case_id, row)


# --- Validation ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    case_reference: str
    case_id: int
    event_reference: str
    field: str
    message: str


MANDATORY: dict[str, tuple[str, ...]] = {
    "all": (
        "LA_Code",
        "LA_Person_Unique_Identifier",
        "Gender",
        "Ethnicity",
        "Date_of_Birth",
        "Client_Type",
        "Primary_Support_Reason",
        "Event_Type",
        "Event_Reference",
        "Event_Start_Date",
    ),
    lists.REQUEST: ("Event_End_Date", "Event_Outcome", "Request_Route_of_Access"),
    lists.ASSESSMENT: ("Event_End_Date", "Assessment_Type"),
    lists.SERVICE: ("Service_Type", "Service_Component", "Event_Outcome"),
    lists.REVIEW: ("Event_End_Date", "Event_Outcome", "Review_Reason"),
}

WHERE_TO_FIX: dict[str, str] = {
    "LA_Code": "the organisation's identifier (its GSS code) is not recorded",
    "Gender": "the person's gender is not recorded",
    "Ethnicity": "the person's ethnicity is not recorded",
    "Date_of_Birth": "the person's date of birth is not recorded",
    "Primary_Support_Reason": "Casework does not record a primary support reason yet",
    "Event_Outcome": "no eligibility determination was recorded for this assessment",
    "Service_Component": "the service's description does not say what kind of service it is",
}

ALLOWED: dict[str, tuple[str, ...]] = {
    "Event_Type": lists.EVENT_TYPES,
    "Client_Type": lists.CLIENT_TYPES,
    "Event_Outcome": lists.EVENT_OUTCOMES,
    "Service_Type": tuple(lists.SERVICE_TYPES),
    "Service_Component": lists.SERVICE_COMPONENTS,
    "Delivery_Mechanism": lists.DELIVERY_MECHANISMS,
    "Request_Route_of_Access": lists.ROUTES_OF_ACCESS,
    "Client_Funding_Status": lists.CLIENT_FUNDING,
}


def _date(text: str) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None


def validate_row(row: Row) -> list[tuple[str, str]]:
    """(field, message) for each thing DHSC would reject or query in one row. Pure."""
    found: list[tuple[str, str]] = []
    kind = row["Event_Type"]
    for field in MANDATORY["all"] + MANDATORY.get(kind, ()):
        if kind == lists.ASSESSMENT and field == "Event_Outcome":
            continue
        if not row[field]:
            found.append((field, f"{field} is missing: {WHERE_TO_FIX.get(field, 'it is not recorded')}."))
    if (
        kind == lists.ASSESSMENT
        and row["Assessment_Type"] != "Financial assessment"
        and not row["Event_Outcome"]
    ):
        found.append(("Event_Outcome", f"Event_Outcome is missing: {WHERE_TO_FIX['Event_Outcome']}."))
    for field, allowed in ALLOWED.items():
        if row[field] and row[field] not in allowed:
            found.append((field, f"{field} '{row[field]}' is not in CLD's list."))
    if row["NHS_Number"] and not nhs_number.is_valid(row["NHS_Number"]):
        found.append(("NHS_Number", f"NHS_Number {row['NHS_Number']} fails the check digit."))
    started, ended = _date(row["Event_Start_Date"]), _date(row["Event_End_Date"])
    born, died = _date(row["Date_of_Birth"]), _date(row["Date_of_Death"])
    if started and ended and ended < started:
        found.append(("Event_End_Date", "Event_End_Date is before Event_Start_Date."))
    if born and started and started < born:
        found.append(("Event_Start_Date", "Event_Start_Date is before the person's date of birth."))
    if died and started and started > died:
        found.append(("Event_Start_Date", "Event_Start_Date is after the person's date of death."))
    period_end = _date(row["Reporting_Period_End_Date"])
    if period_end and started and started > period_end:
        found.append(("Event_Start_Date", "Event_Start_Date is after the end of the reporting period."))
    return found


def cld_validate(events: Iterable[Event]) -> list[Problem]:
    return [
        Problem(e.case_reference, e.case_id, e.row["Event_Reference"], field, message)
        for e in events
        for field, message in validate_row(e.row)
    ]


# --- DHSC's deduplication and counting ---------------------------------------------------------------------


def derived_person_id(row: Row) -> str:
    """DHSC's precedence: NHS number, then the council's person id (traced NHS numbers are DHSC's own)."""
    return row["NHS_Number"] or f"{row['LA_Code']}_{row['LA_Person_Unique_Identifier']}"


def dedup_key(row: Row) -> tuple[str, ...]:
    """Council + derived person + start date + end date (not for services) + client type + route, assessment
    type or service type + component."""
    service = row["Event_Type"] == lists.SERVICE
    return (
        row["LA_Code"],
        row["Event_Type"],
        derived_person_id(row),
        row["Event_Start_Date"],
        "" if service else row["Event_End_Date"],
        row["Client_Type"],
        row["Request_Route_of_Access"]
        or row["Assessment_Type"]
        or row["Service_Type"]
        or row["Review_Reason"],
        row["Service_Component"],
    )


def cld_duplicates(rows: Iterable[Row]) -> list[list[str]]:
    """Groups of event references that DHSC's deduplication key would collapse into one."""
    seen: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for row in rows:
        seen[dedup_key(row)].append(row["Event_Reference"])
    return [refs for refs in seen.values() if len(refs) > 1]


@dataclass(frozen=True)
class Preview:
    start: datetime.date | None
    end: datetime.date | None
    trimmed_months: tuple[str, ...]
    counted: dict[str, int]
    duplicates_removed: int


def _event_month(row: Row) -> str:
    day = row["Event_End_Date"] if row["Event_Type"] != lists.SERVICE else row["Event_Start_Date"]
    return (day or row["Event_Start_Date"])[:7]


def cld_preview(rows: Iterable[Row]) -> Preview:
    """What DHSC will count: the reporting period derived from the data (months at either end with under 2%
    of the events, or fewer than 3 of the 4 event types, are trimmed), then requests, assessments and reviews
    that end in it and services active in it, once per deduplication key. Keeps only a few fields a row, so a
    million events fit in memory."""
    compact: list[tuple[str, datetime.date | None, datetime.date | None, int]] = []
    by_month: dict[str, Counter[str]] = defaultdict(Counter)
    for row in rows:
        by_month[_event_month(row)][row["Event_Type"]] += 1
        key = hash(dedup_key(row))
        compact.append((row["Event_Type"], _date(row["Event_Start_Date"]), _date(row["Event_End_Date"]), key))
    total = sum(sum(c.values()) for c in by_month.values())
    months = sorted(by_month)

    def thin(month: str) -> bool:
        counts = by_month[month]
        return sum(counts.values()) < 0.02 * total or len(counts) < 3

    trimmed: list[str] = []
    while months and thin(months[0]):
        trimmed.append(months.pop(0))
    while months and thin(months[-1]):
        trimmed.append(months.pop())
    if not months:
        return Preview(None, None, tuple(sorted(trimmed)), dict.fromkeys(lists.EVENT_TYPES, 0), 0)
    first = datetime.date.fromisoformat(months[0] + "-01")
    last_month = datetime.date.fromisoformat(months[-1] + "-01")
    last = (last_month + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    counted: Counter[str] = Counter()
    keys: set[int] = set()
    removed = 0
    for kind, started, ended, key in compact:
        if kind == lists.SERVICE:
            counts = started is not None and started <= last and (ended is None or ended >= first)
        else:
            counts = ended is not None and first <= ended <= last
        if not counts:
            continue
        if key in keys:
            removed += 1
            continue
        keys.add(key)
        counted[kind] += 1
    return Preview(
        first,
        last,
        tuple(sorted(trimmed)),
        {kind: counted.get(kind, 0) for kind in lists.EVENT_TYPES},
        removed,
    )


# --- Access: who may see a submission, and the record that they did -----------------------------------------


def cld_submission_get_for_user(
    *, user: AnyUser, organisation_id: int, quarter_end: datetime.date, verb: str = "reporting.cld_validated"
) -> Submission:
    """The organisation's submission for the quarter, for an admin of that organisation (else
    PermissionRefused), with the access recorded: the return holds every client's person fields."""
    if not can_export_cld(user, organisation_id):
        raise PermissionRefused("Only the organisation's admins prepare its Client Level Data return.")
    organisation = Organisation.objects.get(pk=organisation_id)
    submission = submission_for(organisation=organisation, quarter_end=quarter_end)
    access_record(
        user=user,
        verb=verb,
        organisation_id=organisation_id,
        details={"quarter_end": quarter_end.isoformat(), "period_start": submission.start.isoformat()},
    )
    return submission


def cld_csv(submission: Submission, *, on_row: Callable[[], None] | None = None) -> Iterator[bytes]:
    """The return as CSV bytes, header first, a chunk at a time (constant memory)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=lists.COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for n, event in enumerate(cld_events(submission), start=1):
        writer.writerow(event.row)
        if on_row is not None:
            on_row()
        if n % CHUNK == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def cld_csv_for_user(*, user: AnyUser, organisation_id: int, quarter_end: datetime.date) -> Iterator[bytes]:
    """The download: checked and recorded as it starts, and how many rows went recorded when it ends."""
    submission = cld_submission_get_for_user(
        user=user,
        organisation_id=organisation_id,
        quarter_end=quarter_end,
        verb="reporting.cld_download_started",
    )
    ctx = current_request_context()
    count = {"rows": 0}

    def counted() -> None:
        count["rows"] += 1

    def stream() -> Iterator[bytes]:
        try:
            yield from cld_csv(submission, on_row=counted)
        finally:
            with request_context(ctx.request_id, ctx.channel):
                access_record(
                    user=user,
                    verb="reporting.cld_downloaded",
                    organisation_id=organisation_id,
                    details={"quarter_end": quarter_end.isoformat(), "rows": count["rows"]},
                )

    return stream()


@dataclass(frozen=True)
class Report:
    submission: Submission
    events: int
    by_type: dict[str, int]
    problems: list[Problem]
    duplicates: list[list[str]]
    preview: Preview


def cld_report(submission: Submission) -> Report:
    """The validation report and DHSC's preview, in one pass over the events (the rows kept are compact)."""
    problems: list[Problem] = []
    by_type: Counter[str] = Counter()
    refs_by_key: dict[tuple[str, ...], list[str]] = defaultdict(list)

    def rows() -> Iterator[Row]:
        for event in cld_events(submission):
            by_type[event.row["Event_Type"]] += 1
            for field, message in validate_row(event.row):
                problems.append(
                    Problem(event.case_reference, event.case_id, event.row["Event_Reference"], field, message)
                )
            refs_by_key[dedup_key(event.row)].append(event.row["Event_Reference"])
            yield event.row

    preview = cld_preview(rows())
    duplicates = [refs for refs in refs_by_key.values() if len(refs) > 1]
    return Report(
        submission,
        sum(by_type.values()),
        {kind: by_type.get(kind, 0) for kind in lists.EVENT_TYPES},
        problems,
        duplicates,
        preview,
    )
