"""The Client Level Data return (ADR 27): the period, each event type on hand-made records with known rows,
references that never change, the validation report, DHSC's deduplication key and derived period, a fixed
number of queries, and who may prepare it."""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import replace
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework.audit.models import AccessEvent
from casework.careact.tests.steps import record_no_advocacy_needed
from casework.core import clock
from casework.core.errors import PermissionRefused
from casework.plans import budgets
from casework.plans import episode_services as episodes
from casework.plans import support_services as plans
from casework.plans.tests.steps import home_care, record_eligible, record_estimate_sent, record_plan
from casework.referrals.tests.conftest import *  # noqa: F403 (the completed assessment and what it needs)
from casework.reporting import cld
from casework.reporting.cld_lists import COLUMNS
from casework.reviews import services as review_services
from casework.reviews.models import Review
from casework.reviews.tests.steps import finish_review
from tests.factories import CaseFactory, PersonFactory

VALID_NHS = "9434765919"


def valid_row(**changes: str) -> dict[str, str]:
    row = dict.fromkeys(COLUMNS, "")
    row |= {
        "LA_Code": "E10000023",
        "Reporting_Period_Start_Date": "2026-01-01",
        "Reporting_Period_End_Date": "2026-12-31",
        "NHS_Number": VALID_NHS,
        "LA_Person_Unique_Identifier": "CW1",
        "Gender": "Female",
        "Ethnicity": "White: Irish",
        "Date_of_Birth": "1940-05-01",
        "Client_Type": "Service user",
        "Primary_Support_Reason": "Physical support: Personal care support",
        "Event_Type": "Request",
        "Event_Reference": "REQ-1",
        "Event_Start_Date": "2026-03-01",
        "Event_End_Date": "2026-03-04",
        "Event_Outcome": "Progress to assessment, review or reassessment",
        "Request_Route_of_Access": "Community/Other route",
    }
    return row | changes


# --- Pure parts ---------------------------------------------------------------------------------------------


def test_the_period_is_the_rolling_twelve_months_to_a_quarter_end():
    assert cld.cld_period(datetime.date(2026, 3, 31)) == (
        datetime.date(2025, 4, 1),
        datetime.date(2026, 3, 31),
    )
    assert cld.cld_period(datetime.date(2026, 12, 31)) == (
        datetime.date(2026, 1, 1),
        datetime.date(2026, 12, 31),
    )
    assert cld.cld_period(datetime.date(2024, 6, 30))[0] == datetime.date(2023, 7, 1)
    with pytest.raises(ValueError, match="31 March, 30 June"):
        cld.cld_period(datetime.date(2026, 2, 28))
    assert cld.quarter_end_of(datetime.date(2026, 12, 6)) == datetime.date(2026, 12, 31)
    assert cld.quarter_end_of(datetime.date(2026, 1, 1)) == datetime.date(2026, 3, 31)
    assert cld.latest_quarter_end(datetime.date(2026, 12, 6)) == datetime.date(2026, 9, 30)
    assert cld.latest_quarter_end(datetime.date(2026, 3, 31)) == datetime.date(2026, 3, 31)
    assert cld.latest_quarter_end(datetime.date(2026, 2, 1)) == datetime.date(2025, 12, 31)


def test_a_complete_row_has_no_problems_and_each_defect_is_named():
    assert cld.validate_row(valid_row()) == []
    fields = lambda row: [field for field, _ in cld.validate_row(row)]  # noqa: E731
    assert fields(valid_row(LA_Code="")) == ["LA_Code"]
    assert fields(valid_row(Primary_Support_Reason="")) == ["Primary_Support_Reason"]
    assert fields(valid_row(Event_End_Date="")) == ["Event_End_Date"]
    assert fields(valid_row(NHS_Number="9434765918")) == ["NHS_Number"]
    assert fields(valid_row(Event_Outcome="Went well")) == ["Event_Outcome"]
    assert fields(valid_row(Event_End_Date="2026-02-01")) == ["Event_End_Date"]
    assert fields(valid_row(Date_of_Birth="2026-04-01")) == ["Event_Start_Date"]
    assert fields(valid_row(Date_of_Death="2026-02-01")) == ["Event_Start_Date"]
    assert fields(valid_row(Request_Route_of_Access="")) == ["Request_Route_of_Access"]
    # A service may be open; it needs its type and component. A financial assessment carries no outcome.
    service = valid_row(
        Event_Type="Service",
        Event_End_Date="",
        Event_Outcome="Continuation of support or services",
        Request_Route_of_Access="",
        Service_Type="Community",
        Service_Component="",
    )
    assert fields(service) == ["Service_Component"]
    financial = valid_row(
        Event_Type="Assessment",
        Event_Outcome="",
        Request_Route_of_Access="",
        Assessment_Type="Financial assessment",
    )
    assert fields(financial) == []
    assert fields(financial | {"Assessment_Type": "Long term assessment"}) == ["Event_Outcome"]
    message = dict(cld.validate_row(valid_row(Gender="")))["Gender"]
    assert message == "Gender is missing: the person's gender is not recorded."


def test_dhsc_deduplication_key_ignores_the_end_of_a_service_and_the_reference():
    a = valid_row(Event_Reference="REQ-1")
    b = valid_row(Event_Reference="REQ-2")
    c = valid_row(Event_Reference="REQ-3", Event_End_Date="2026-03-05")
    assert cld.cld_duplicates([a, b, c]) == [["REQ-1", "REQ-2"]]
    s1 = valid_row(Event_Type="Service", Event_Reference="SRV-1", Event_End_Date="", Service_Type="Community")
    s2 = s1 | {"Event_Reference": "SRV-2", "Event_End_Date": "2026-06-01"}
    assert cld.cld_duplicates([s1, s2]) == [["SRV-1", "SRV-2"]]
    # Without an NHS number the council's own person id is the person.
    n1 = a | {"NHS_Number": "", "LA_Person_Unique_Identifier": "CW7"}
    n2 = b | {"NHS_Number": "", "LA_Person_Unique_Identifier": "CW8"}
    assert cld.cld_duplicates([n1, n2]) == []
    assert cld.derived_person_id(n1) == "E10000023_CW7"


def _month(month: int, kinds: dict[str, int]) -> list[dict[str, str]]:
    rows = []
    for kind, count in kinds.items():
        for n in range(count):
            day = f"2026-{month:02d}-{n % 27 + 1:02d}"
            rows.append(
                valid_row(
                    Event_Type=kind,
                    Event_Reference=f"{kind}-{month}-{n}",
                    LA_Person_Unique_Identifier=f"CW{month}{n}{kind}",
                    NHS_Number="",
                    Event_Start_Date=day,
                    Event_End_Date=day,
                )
            )
    return rows


def test_the_preview_trims_thin_months_at_either_end_and_counts_once_per_key():
    full = {"Request": 10, "Assessment": 10, "Service": 10}
    rows = (
        _month(1, {"Request": 1})
        + _month(2, full)
        + _month(3, full)
        + _month(4, {"Request": 5, "Service": 5})
    )
    rows.append(rows[-1] | {"Event_Reference": "copy"})  # the same service again: DHSC counts it once
    preview = cld.cld_preview(rows)
    # January has 1 of 72 events (under 2%); April has only 2 of the 4 types.
    assert preview.trimmed_months == ("2026-01", "2026-04")
    assert (preview.start, preview.end) == (datetime.date(2026, 2, 1), datetime.date(2026, 3, 31))
    assert preview.counted == {"Request": 20, "Assessment": 20, "Service": 20, "Review": 0}
    assert cld.cld_preview([]).counted == {"Request": 0, "Assessment": 0, "Service": 0, "Review": 0}


# --- On records --------------------------------------------------------------------------------------------

D = Decimal


@pytest.fixture
def quarter():
    return cld.quarter_end_of(clock.today())


@pytest.fixture
def records(world, active_case, completed):
    """Margaret's case: a needs check by phone, found eligible, enablement that ended as planned, and a plan
    with home care and a day centre activated, then changed (a second version with the same services)."""
    world.county.identifier = "E10000023"
    world.county.save()
    case = active_case
    record_eligible(user=world.practitioner, case=case)
    budgets.budget_settings_set(
        user=world.org_admin,
        organisation_id=world.county.pk,
        version=1,
        difference_threshold_percent=D("10"),
        approval_limits={"team_manager": None},
    )
    today = clock.today()
    episode = episodes.enablement_episode_start(
        user=world.practitioner,
        case=case,
        referral_source="community",
        started_on=today,
        planned_end_on=today + datetime.timedelta(days=28),
        goals=["To make my own breakfast"],
    )
    episodes.enablement_episode_end(
        user=world.practitioner,
        episode=episode,
        version=episode.version,
        ended_on=today,
        outcome="no_ongoing_needs",
    )
    org = world.county.pk
    references = {"Home care": "", "Day centre": ""}
    for hours in ("7", "10"):
        services = [
            replace(home_care(org, hours=hours), reference=references["Home care"]),
            replace(
                home_care(org, hours="1", rate="40"),
                service_type="Day centre",
                reference=references["Day centre"],
            ),
        ]
        plan = record_plan(user=world.practitioner, case=case, services=services)
        record_estimate_sent(user=world.practitioner, case=case)
        plans.support_plan_sign_worker(user=world.practitioner, plan=plan, version=plan.version)
        plan.refresh_from_db()
        plans.support_plan_sign_person(
            user=world.practitioner,
            plan=plan,
            version=plan.version,
            signer="person",
            name="Margaret Thornton",
        )
        plan.refresh_from_db()
        plans.support_plan_activate(user=world.team_manager, plan=plan, version=plan.version)
        references = {s.service_type: s.reference for s in plan.services.all()}
    return case


def _rows(world, quarter):
    submission = cld.submission_for(organisation=world.county, quarter_end=quarter)
    return {e.row["Event_Reference"]: e.row for e in cld.cld_events(submission)}


def test_each_event_type_is_projected_from_the_records(world, records, completed, quarter):
    rows = _rows(world, quarter)
    case = records
    service_refs = sorted(ref for ref in rows if ref.startswith("SRV-"))
    assert len(service_refs) == 2  # two services, each one event across the two plan versions
    assert sorted(rows) == sorted(
        [f"REQ-{case.pk}", f"ASM-{completed.pk}", *service_refs, *(r for r in rows if r.startswith("STM-"))]
    )
    request = rows[f"REQ-{case.pk}"]
    assert request["Event_Type"] == "Request"
    assert request["Event_Outcome"] == "Progress to reablement/ST-Max"  # enablement started the same day
    assert request["Request_Route_of_Access"] == "Community/Other route"
    assessment = rows[f"ASM-{completed.pk}"]
    assert (assessment["Assessment_Type"], assessment["Eligible_Needs_Identified"]) == (
        "Long term assessment",
        "Yes",
    )
    assert assessment["Method_of_Assessment"] == "Telephone or video"
    assert assessment["Event_Outcome"] == "Progress to support planning or services"
    home, day_centre = (rows[ref] for ref in service_refs)
    if home["Event_Description"] != "Home care":
        home, day_centre = day_centre, home
    assert home["Service_Type"] == "Community"
    assert home["Service_Component"] == "Home support or domiciliary care"
    assert home["Delivery_Mechanism"] == "CASSR commissioned support"
    assert (home["Unit_Cost"], home["Planned_units_per_week"]) == ("25.00", "10.00")  # the latest version
    assert home["Event_Outcome"] == "Continuation of support or services" and home["Event_End_Date"] == ""
    assert day_centre["Service_Component"] == ""  # the words do not say: the validation report names it
    (enablement,) = (row for ref, row in rows.items() if ref.startswith("STM-"))
    assert (enablement["Service_Type"], enablement["Service_Component"]) == ("ST-Max", "Reablement")
    assert enablement["Event_Outcome"] == "NFA: Support ended as planned"
    for row in rows.values():
        assert row["LA_Code"] == "E10000023"
        assert row["LA_Person_Unique_Identifier"] == (world.person.local_identifier or f"CW{world.person.pk}")
        assert row["Client_Type"] == "Service user"
        assert list(row) == list(COLUMNS)


def test_references_never_change_between_submissions(world, records, quarter):
    first = _rows(world, quarter)
    # A third version of the plan, and the next quarter's submission: the same events keep their references.
    case = records
    plan = record_plan(user=world.practitioner, case=case, services=[home_care(world.county.pk, hours="12")])
    assert plan.number == 3
    later = _rows(world, quarter)
    assert set(first) == set(later)


def test_the_report_names_each_record_to_fix_and_finds_no_collisions(world, records, quarter):
    submission = cld.submission_for(organisation=world.county, quarter_end=quarter)
    report = cld.cld_report(submission)
    assert report.events == 5
    assert report.by_type == {"Request": 1, "Assessment": 1, "Service": 3, "Review": 0}
    fields = {(p.event_reference.split("-")[0], p.field) for p in report.problems}
    assert ("SRV", "Service_Component") in fields
    assert ("REQ", "Primary_Support_Reason") in fields
    assert all(p.case_reference == records.reference for p in report.problems)
    assert report.duplicates == []


def test_a_request_still_open_is_not_reported_and_a_closed_one_carries_its_outcome(world, quarter):
    world.county.identifier = "E10000023"
    world.county.save()
    now = clock.now()
    still_open = CaseFactory(person=world.person, responsible_organisation=world.county, status="active")
    closed = CaseFactory(
        person=PersonFactory(created_by_organisation=world.county),
        responsible_organisation=world.county,
        status="closed",
        closed_at=now,
        outcome="declined_support",
        origin="hospital_discharge",
    )
    rows = _rows(world, quarter)
    assert f"REQ-{still_open.pk}" not in rows
    assert rows[f"REQ-{closed.pk}"]["Event_Outcome"] == "NFA: Support declined"
    assert rows[f"REQ-{closed.pk}"]["Request_Route_of_Access"] == "Discharge from Hospital"
    # Another organisation's cases are never in the county's return.
    other = CaseFactory(
        person=PersonFactory(created_by_organisation=world.district),
        status="closed",
        closed_at=now,
        outcome="died",
    )
    assert f"REQ-{other.pk}" not in _rows(world, quarter)


def test_the_export_reads_a_fixed_number_of_queries_whatever_the_rows(world, quarter):
    def closed_cases(n):
        for _ in range(n):
            CaseFactory(
                person=PersonFactory(created_by_organisation=world.county),
                responsible_organisation=world.county,
                status="closed",
                closed_at=clock.now(),
                outcome="needs_met",
            )

    submission = cld.submission_for(organisation=world.county, quarter_end=quarter)
    closed_cases(2)
    with CaptureQueriesContext(connection) as few:
        assert len(list(cld.cld_events(submission))) == 2
    closed_cases(8)
    with CaptureQueriesContext(connection) as many:
        assert len(list(cld.cld_events(submission))) == 10
    assert len(many) == len(few)


# --- Who may, and the record of it -------------------------------------------------------------------------


def test_only_the_organisations_admins_prepare_its_return(world, quarter):
    cld.cld_submission_get_for_user(
        user=world.org_admin, organisation_id=world.county.pk, quarter_end=quarter
    )
    for user in (world.practitioner, world.team_manager, world.auditor, world.initiative_admin):
        with pytest.raises(PermissionRefused):
            cld.cld_submission_get_for_user(user=user, organisation_id=world.county.pk, quarter_end=quarter)
    with pytest.raises(PermissionRefused):
        cld.cld_submission_get_for_user(
            user=world.org_admin, organisation_id=world.district.pk, quarter_end=quarter
        )


def test_the_page_checks_the_return_and_the_download_streams_it_recorded(client, world, records, quarter):
    client.force_login(world.org_admin)
    query = {"organisation": world.county.pk, "quarter_end": quarter.isoformat()}
    page = client.get(reverse("reporting:cld"), query)
    assert page.status_code == 200
    html = page.content.decode()
    assert "5 events from" in html and "Records to fix" in html and records.reference in html
    assert AccessEvent.objects.filter(verb="reporting.cld_validated", actor=world.org_admin).count() == 1

    response = client.get(reverse("reporting:cld_csv"), query)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 5 and list(rows[0]) == list(COLUMNS)
    event = AccessEvent.objects.get(verb="reporting.cld_downloaded")
    assert event.details["rows"] == 5


def test_others_are_refused_and_another_organisation_cannot_be_chosen(client, world, quarter):
    query = {"organisation": world.county.pk, "quarter_end": quarter.isoformat()}
    client.force_login(world.practitioner)
    assert client.get(reverse("reporting:cld"), query).status_code == 403
    assert client.get(reverse("reporting:cld_csv"), query).status_code == 403
    client.force_login(world.org_admin)
    other = {"organisation": world.district.pk, "quarter_end": quarter.isoformat()}
    page = client.get(reverse("reporting:cld"), other)
    assert page.status_code == 200 and "govuk-error-summary" in page.content.decode()
    assert client.get(reverse("reporting:cld_csv"), other).status_code == 400
    assert client.get(reverse("reporting:cld"), query | {"quarter_end": "2026-02-28"}).status_code == 200
    assert not AccessEvent.objects.filter(verb__startswith="reporting.cld_downloaded").exists()


def test_the_command_writes_the_file_and_the_report(world, records, quarter, tmp_path):
    out = tmp_path / "cld.csv"
    printed = io.StringIO()
    call_command(
        "cld_export",
        organisation=str(world.county.pk),
        quarter_end=quarter.isoformat(),
        output=str(out),
        stdout=printed,
        stderr=io.StringIO(),
    )
    rows = list(csv.DictReader(out.open()))
    assert len(rows) == 5
    text = printed.getvalue()
    assert "5 events (Request: 1, Assessment: 1, Service: 3, Review: 0)" in text
    assert "Service_Component" in text
    with pytest.raises(CommandError, match="31 March"):
        call_command(
            "cld_export", organisation=str(world.county.pk), quarter_end="2026-02-28", output=str(out)
        )


def test_a_completed_review_is_an_event_with_its_reason_outcomes_and_decision(world, records, quarter):
    case = records
    record_no_advocacy_needed(user=world.practitioner, case=case, activity="review")
    requested = review_services.review_request(
        user=world.practitioner,
        case=case,
        requested_by="carer",
        requester_name="Jo Thornton",
        reason="unplanned_carer",
    )
    review = Review.objects.get(pk=requested.review_id)
    review = finish_review(user=world.practitioner, review=review, decision="no_change", met="partly")
    assert f"REV-{review.pk}" not in _rows(world, quarter)  # not complete: not reported
    review_services.review_sign_authority(user=world.team_manager, review=review, version=review.version)
    review.refresh_from_db()
    review_services.review_sign_person(
        user=world.practitioner,
        review=review,
        version=review.version,
        signer="person",
        name="Margaret Thornton",
    )
    row = _rows(world, quarter)[f"REV-{review.pk}"]
    assert row["Event_Type"] == "Review"
    assert row["Review_Reason"] == "Unplanned - Carer related"
    assert row["Review_Outcomes_Achieved"] == "Partially"
    assert row["Event_Outcome"] == "Continuation of support or services"
    assert row["Event_End_Date"] == clock.today().isoformat()
    assert [
        f for f, _ in cld.validate_row(row) if f not in ("Primary_Support_Reason", "Gender", "Ethnicity")
    ] == []
