"""The pages of resource allocation and budgets: the organisation admin writes and publishes a questionnaire
and sets the limits; a worker works out the indicative budget and sets the personal budget in the case's
"Money" section; a team manager refers it up and a case manager approves it. Bad input re-renders with the
error summary; who may not is refused."""

from __future__ import annotations

from decimal import Decimal

import pytest

from casework.audit.models import AuditEvent
from casework.plans import budgets
from casework.plans.budget_models import BudgetSettings, IndicativeBudget, PersonalBudget, RasQuestionnaire
from conftest import PERSONAS

D = Decimal
ADMIN_PAGES = [
    "/plans/budget/ras",
    "/plans/budget/settings",
]


def test_the_admin_writes_and_publishes_a_questionnaire(login, world):
    client = login(world.org_admin)
    overview = client.get("/plans/budget/ras")
    assert overview.status_code == 200 and "None published yet" in overview.content.decode()
    assert client.post("/plans/budget/ras/draft").status_code == 302
    draft = RasQuestionnaire.objects.get(status="draft")
    bad = client.post(
        "/plans/budget/ras/draft/question",
        {"version": draft.version, "text": "Nights", "answers": "0 | None"},
    )
    assert bad.status_code == 200 and "govuk-error-summary" in bad.content.decode()
    assert "at least two answers" in bad.content.decode()
    added = client.post(
        "/plans/budget/ras/draft/question",
        {
            "version": draft.version,
            "text": "Nights",
            "answers": "0 | None\n5 | Some nights\n12 | Every night",
        },
    )
    assert added.status_code == 302
    draft.refresh_from_db()
    bands = client.post("/plans/budget/ras/draft/bands", {"version": draft.version, "bands": "0 | 0 | 10"})
    assert bands.status_code == 302
    draft.refresh_from_db()
    page = client.get("/plans/budget/ras").content.decode()
    assert "Every night" in page and "Publish as version 1" in page
    assert client.post("/plans/budget/ras/draft/publish", {"version": draft.version}).status_code == 302
    draft.refresh_from_db()
    assert draft.status == "published" and draft.number == 1
    assert "Version 1, published" in client.get("/plans/budget/ras").content.decode()


def test_a_stale_draft_form_says_so_and_changes_nothing(login, world):
    client = login(world.org_admin)
    client.post("/plans/budget/ras/draft")
    draft = RasQuestionnaire.objects.get(status="draft")
    client.post("/plans/budget/ras/draft/bands", {"version": draft.version, "bands": "0 | 10"})
    stale = client.post("/plans/budget/ras/draft/bands", {"version": draft.version, "bands": "0 | 20"})
    assert stale.status_code == 200 and "govuk-error-summary" in stale.content.decode()
    draft.refresh_from_db()
    assert draft.content["bands"][0]["weekly"] == "10.00"


def test_the_admin_sets_the_threshold_and_limits(login, world):
    client = login(world.org_admin)
    assert client.get("/plans/budget/settings").status_code == 200
    bad = client.post("/plans/budget/settings", {"version": 1, "difference_threshold_percent": "150"})
    assert "Enter a percentage from 0 to 100" in bad.content.decode()
    done = client.post(
        "/plans/budget/settings",
        {
            "version": 1,
            "difference_threshold_percent": "15",
            "financial_assessment_working_days": "20",
            "limit_team_manager": "49000",
            "unlimited_case_manager": "on",
        },
    )
    assert done.status_code == 302
    settings = BudgetSettings.objects.get(organisation=world.county)
    assert settings.approval_limits == {"team_manager": "49000.00", "case_manager": None}
    page = client.get("/plans/budget/ras").content.decode()
    assert "up to £49000.00 a year" in page and "any amount" in page


@pytest.mark.parametrize("days", ["0", "61", "twenty", ""])
def test_the_financial_assessment_working_days_are_1_to_60(login, world, days):
    client = login(world.org_admin)
    data = {"version": 1, "difference_threshold_percent": "10", "financial_assessment_working_days": days}
    bad = client.post("/plans/budget/settings", data)
    assert bad.status_code == 200 and "govuk-error-summary" in bad.content.decode()
    assert not BudgetSettings.objects.filter(organisation=world.county).exists()


def test_the_admin_sets_the_financial_assessment_working_days(login, world):
    client = login(world.org_admin)
    page = client.get("/plans/budget/settings").content.decode()
    assert 'name="financial_assessment_working_days"' in page and 'value="20"' in page
    done = client.post(
        "/plans/budget/settings",
        {"version": 1, "difference_threshold_percent": "10", "financial_assessment_working_days": "35"},
    )
    assert done.status_code == 302
    settings = BudgetSettings.objects.get(organisation=world.county)
    assert settings.financial_assessment_working_days == 35
    event = AuditEvent.objects.filter(verb="plans.budget_settings_set").latest("id")
    assert event.changes["financial_assessment_working_days"] == {"before": 20, "after": 35}


@pytest.mark.parametrize("name", [p for p in PERSONAS if p != "org_admin"])
def test_the_admin_pages_are_refused_to_everyone_else(login, world, name):
    client = login(getattr(world, name))
    for url in ADMIN_PAGES:
        assert client.get(url).status_code == 403, url
    assert client.post("/plans/budget/ras/draft").status_code == 403
    assert not RasQuestionnaire.objects.exists()


@pytest.fixture
def county_ras(world):
    questionnaire = budgets.plans_seed_ras(organisation_id=world.county.pk)
    budgets.budget_settings_set(
        user=world.org_admin,
        organisation_id=world.county.pk,
        version=1,
        difference_threshold_percent=D("10"),
        approval_limits={"team_manager": D("49000"), "case_manager": None},
    )
    return questionnaire


ANSWERS = {f"answer_q{n}": f"q{n}a2" for n in range(1, 8)}


def test_a_worker_takes_a_budget_through_approval_up_the_chain(
    login, world, case, county_ras, django_assert_max_num_queries
):
    worker = login(world.practitioner)
    money = f"/cases/{case.pk}/money"
    assert "No indicative budget" in worker.get(money).content.decode()
    form = f"/plans/cases/{case.pk}/budget/indicative"
    opened = worker.get(form)
    assert opened.status_code == 200 and "How points become pounds" in opened.content.decode()
    assert "£9.50" in opened.content.decode()  # the table the worker's answers go through
    missing = worker.post(form, {"questionnaire_id": county_ras.pk, "answer_q1": "q1a2"})
    assert "Select an answer to “Nights”" in missing.content.decode()
    assert worker.post(form, {"questionnaire_id": county_ras.pk, **ANSWERS}).status_code == 302
    page = worker.get(money).content.decode()
    assert "Indicative budget: £218.50 a week" in page and "Needs some help on some days" in page
    personal = f"/plans/cases/{case.pk}/budget/personal"
    assert worker.get(personal).status_code == 200
    no_reason = worker.post(personal, {"version": "", "weekly_cost": "1000"})
    assert "Give the reason the budget differs" in no_reason.content.decode()
    assert not PersonalBudget.objects.exists()
    saved = worker.post(
        personal, {"version": "", "weekly_cost": "1000", "difference_reason": "Two carers for every call."}
    )
    assert saved.status_code == 302
    budget = PersonalBudget.objects.get()
    assert (
        worker.post(f"/plans/cases/{case.pk}/budget/submit", {"version": budget.version}).status_code == 302
    )
    budget.refresh_from_db()
    assert budget.status == "awaiting_approval"
    assert worker.get(f"/plans/cases/{case.pk}/budget/approve").status_code == 403

    manager = login(world.team_manager)
    assert "Decide on the budget" in manager.get(money).content.decode()
    approvals = manager.get("/plans/budget/approvals").content.decode()
    assert case.reference in approvals
    decide = f"/plans/cases/{case.pk}/budget/approve"
    page = manager.get(decide).content.decode()
    assert "over your approval limit" in page and "Approve the budget" not in page
    refused = manager.post(decide, {"version": budget.version, "decision": "approve"})
    assert "over your approval limit of £49,000.00" in refused.content.decode()
    budget.refresh_from_db()
    assert budget.status == "awaiting_approval" and budget.awaiting_role == "team_manager"
    assert manager.post(decide, {"version": budget.version, "decision": "refer_up"}).status_code == 302
    budget.refresh_from_db()
    assert budget.awaiting_role == "case_manager"

    head = login(world.case_manager)
    assert "Approve the budget" in head.get(decide).content.decode()
    assert head.post(decide, {"version": budget.version, "decision": "approve"}).status_code == 302
    budget.refresh_from_db()
    assert budget.status == "approved"
    with django_assert_max_num_queries(40):
        page = head.get(money).content.decode()
    assert "Approved" in page and "Agreed and passed up" in page


def test_without_a_published_questionnaire_the_worker_is_told(login, world, case):
    page = login(world.practitioner).get(f"/plans/cases/{case.pk}/budget/indicative").content.decode()
    assert "has not published a resource allocation questionnaire" in page
    personal = login(world.practitioner).get(f"/plans/cases/{case.pk}/budget/personal").content.decode()
    assert "Work out the indicative budget first" in personal


def test_a_stale_questionnaire_is_a_conflict_on_the_form(login, world, case, county_ras):
    worker = login(world.practitioner)
    response = worker.post(
        f"/plans/cases/{case.pk}/budget/indicative", {"questionnaire_id": county_ras.pk + 99, **ANSWERS}
    )
    assert response.status_code == 200 and "answer it again" in response.content.decode()
    assert not IndicativeBudget.objects.exists()


@pytest.mark.parametrize("name", ["auditor", "case_manager", "duty_officer", "practitioner2"])
def test_those_who_do_not_work_the_case_may_not_record_its_budget(login, world, case, county_ras, name):
    client = login(getattr(world, name))
    for path in ("indicative", "personal"):
        assert client.get(f"/plans/cases/{case.pk}/budget/{path}").status_code == 403
    assert client.post(f"/plans/cases/{case.pk}/budget/submit", {"version": 1}).status_code == 403


@pytest.mark.parametrize("name", ["district_worker", "outsider", "delivery_worker"])
def test_other_organisations_do_not_find_the_case(login, world, case, county_ras, name):
    client = login(getattr(world, name))
    for path in ("indicative", "personal", "approve"):
        assert client.get(f"/plans/cases/{case.pk}/budget/{path}").status_code == 404
