"""A case's financial assessment: started with a due date, completed by the calculator, superseded by a new
one; pages, API, audit and who may do what."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from casework.audit.models import AccessEvent, AuditEvent
from casework.core import clock
from casework.core.errors import ConflictError, DomainError, PermissionRefused, ValidationFailed
from casework.core.working_days import add_working_days
from casework.plans import services
from casework.plans.charging.calculator import AssessmentInput, Household, IncomeItem, IncomeKind, Path
from casework.plans.models import FinancialAssessment

INPUTS = AssessmentInput(
    path=Path.NON_RESIDENTIAL,
    household=Household(age=30),
    income=(IncomeItem(IncomeKind.EMPLOYMENT_SUPPORT, Decimal("150")),),
    weekly_cost_of_care=Decimal("300"),
)
FORM = {"path": "non_residential", "age": "30", "employment_support": "150", "weekly_cost_of_care": "300"}


def test_start_sets_the_due_date_in_working_days_and_is_audited(world, case):
    record = services.financial_assessment_start(user=world.practitioner, case=case)
    assert record.status == "started"
    assert record.due_on == add_working_days(clock.today(), services.FINANCIAL_ASSESSMENT_WORKING_DAYS)
    event = AuditEvent.objects.get(verb="plans.financial_assessment_started")
    assert event.case_id == case.pk and event.actor == world.practitioner


def test_complete_stores_the_calculators_result_with_its_table(world, case):
    record = services.financial_assessment_start(user=world.practitioner, case=case)
    done = services.financial_assessment_complete(
        user=world.practitioner, assessment=record, version=record.version, data=INPUTS
    )
    done.refresh_from_db()
    assert done.status == "completed" and done.completed_at is not None
    assert done.weekly_charge == Decimal("26.65")
    assert done.tax_year == "2026/27"  # today's table
    assert done.uses_figures_to_confirm is True  # carried forward from 2025/26
    assert services.inputs_from_json(done.inputs) == INPUTS
    assert done.lines[-1]["section"] == "charge" and all(line["citation"] for line in done.lines)
    event = AuditEvent.objects.get(verb="plans.financial_assessment_completed")
    assert event.changes["weekly_charge"]["after"] == "26.65"


def test_a_second_start_while_one_is_in_progress_is_refused(world, case):
    record = services.financial_assessment_start(user=world.practitioner, case=case)
    with pytest.raises(DomainError, match="already in progress"):
        services.financial_assessment_start(user=world.practitioner, case=case, replaces_id=record.pk)


def test_a_new_assessment_supersedes_the_completed_one_which_stays(world, case):
    first = services.financial_assessment_start(user=world.practitioner, case=case)
    services.financial_assessment_complete(
        user=world.practitioner, assessment=first, version=first.version, data=INPUTS
    )
    second = services.financial_assessment_start(user=world.practitioner, case=case, replaces_id=first.pk)
    first.refresh_from_db()
    assert first.superseded_by == second and first.superseded_at is not None
    assert FinancialAssessment.objects.filter(case=case).count() == 2


def test_two_people_starting_at_once_are_told(world, case):
    services.financial_assessment_start(user=world.practitioner, case=case)
    with pytest.raises(ConflictError):
        services.financial_assessment_start(user=world.team_manager, case=case, replaces_id=None)


def test_a_stale_completion_changes_nothing(world, case):
    record = services.financial_assessment_start(user=world.practitioner, case=case)
    services.financial_assessment_complete(
        user=world.practitioner, assessment=record, version=record.version, data=INPUTS
    )
    stale = FinancialAssessment.objects.get(pk=record.pk)
    stale.status = "started"  # as the other worker's page still has it
    with pytest.raises(ConflictError):
        services.financial_assessment_complete(
            user=world.team_manager, assessment=stale, version=1, data=INPUTS
        )


def test_inputs_the_calculator_cannot_assess_are_a_validation_error(world, case):
    record = services.financial_assessment_start(user=world.practitioner, case=case)
    young = AssessmentInput(path=Path.NON_RESIDENTIAL, household=Household(age=17))
    with pytest.raises(ValidationFailed, match="18 or over"):
        services.financial_assessment_complete(
            user=world.practitioner, assessment=record, version=record.version, data=young
        )
    record.refresh_from_db()
    assert record.status == "started"


NOT_WORKING = ["auditor", "district_worker", "delivery_worker", "outsider", "case_manager"]


@pytest.mark.parametrize("name", NOT_WORKING)
def test_only_those_working_the_case_may_start_one(world, case, name):
    with pytest.raises(PermissionRefused):
        services.financial_assessment_start(user=getattr(world, name), case=case)
    assert not FinancialAssessment.objects.exists()


def test_the_money_section_walks_through_start_and_complete(client, world, case):
    client.force_login(world.practitioner)
    section = client.get(f"/cases/{case.pk}/money")
    assert section.status_code == 200
    assert "No financial assessment has been started" in section.content.decode()
    start = f"/plans/cases/{case.pk}/financial-assessment/start"
    assert client.get(start).status_code == 200
    response = client.post(start, {"replaces_id": ""})
    assert response.status_code == 302
    due = add_working_days(clock.today(), 20)
    page = client.get(f"/cases/{case.pk}/money").content.decode()
    assert "In progress" in page and f"{due.day} {due:%B %Y}" in page
    form_url = f"/plans/cases/{case.pk}/financial-assessment"
    record = FinancialAssessment.objects.get(case=case)
    bad = client.post(form_url, {**FORM, "age": "17", "version": record.version})
    assert "govuk-error-summary" in bad.content.decode()
    assert client.post(form_url, {**FORM, "version": record.version}).status_code == 302
    page = client.get(f"/cases/{case.pk}/money").content.decode()
    assert "£26.65 a week" in page and "SI 2014/2672 reg 7" in page
    assert AccessEvent.objects.filter(verb="plans.financial_assessment_viewed", case_id=case.pk).exists()


def test_the_form_is_gone_once_completed(client, world, case):
    record = services.financial_assessment_start(user=world.practitioner, case=case)
    services.financial_assessment_complete(
        user=world.practitioner, assessment=record, version=record.version, data=INPUTS
    )
    client.force_login(world.practitioner)
    assert client.get(f"/plans/cases/{case.pk}/financial-assessment").status_code == 404


def test_a_viewer_who_may_not_record_sees_no_buttons_and_is_refused(client, world, case):
    client.force_login(world.auditor)
    page = client.get(f"/cases/{case.pk}/money")
    assert page.status_code == 200
    assert "Start a financial assessment" not in page.content.decode()
    assert client.post(f"/plans/cases/{case.pk}/financial-assessment/start", {}).status_code == 403


def test_the_api_starts_reads_and_completes(api, world, case):
    worker = api(world.practitioner)
    none = worker.get(f"/plans/cases/{case.pk}/financial-assessment")
    assert none.status_code == 200 and none.json() is None
    started = worker.post(f"/plans/cases/{case.pk}/financial-assessment/start", {"replaces_id": None})
    assert started.status_code == 201
    body = {
        "version": started.json()["version"],
        "path": "non_residential",
        "household": {"age": 30},
        "income": [{"kind": "employment_support", "weekly": "150"}],
        "weekly_cost_of_care": "300",
    }
    done = worker.post(f"/plans/cases/{case.pk}/financial-assessment/complete", body)
    assert done.status_code == 200, done.content
    assert done.json()["weekly_charge"] == "26.65"
    again = worker.post(f"/plans/cases/{case.pk}/financial-assessment/complete", body)
    assert again.status_code == 409
    bad = worker.post(f"/plans/cases/{case.pk}/financial-assessment/start", {"replaces_id": 0})
    assert bad.status_code == 422
    assert worker.post(f"/plans/cases/{case.pk}/financial-assessment/start", [None, None]).status_code == 422
    money = worker.post(
        f"/plans/cases/{case.pk}/financial-assessment/complete", {**body, "housing_costs": "1.234"}
    )
    assert money.status_code == 422 and "housing_costs" in money.content.decode()
    assert api(world.outsider).get(f"/plans/cases/{case.pk}/financial-assessment").status_code == 404
    refused = api(world.auditor).post(
        f"/plans/cases/{case.pk}/financial-assessment/start", {"replaces_id": None}
    )
    assert refused.status_code == 403


def test_today_outside_every_table_is_a_clear_refusal(world, case):
    record = services.financial_assessment_start(user=world.practitioner, case=case)
    with clock.frozen_at(datetime.datetime(2031, 1, 1, tzinfo=datetime.UTC)):
        with pytest.raises(DomainError, match="no charging figures"):
            services.financial_assessment_complete(
                user=world.practitioner, assessment=record, version=record.version, data=INPUTS
            )


def test_an_assessment_past_its_due_date_shows_as_overdue(client, world, case):
    record = services.financial_assessment_start(user=world.practitioner, case=case)
    assert record.is_overdue is False
    day_after = record.due_on + datetime.timedelta(days=1)
    later = datetime.datetime.combine(day_after, datetime.time(12), datetime.UTC)
    client.force_login(world.practitioner)
    with clock.frozen_at(later):
        assert FinancialAssessment.objects.get(pk=record.pk).is_overdue is True
        assert "Overdue" in client.get(f"/cases/{case.pk}/money").content.decode()
