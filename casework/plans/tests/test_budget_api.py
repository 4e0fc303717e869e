"""Resource allocation and budgets in the API: the same rules as the pages, 404 for a case you may not open,
403 for what you may not do, 409 for stale or out-of-order, 422 naming the field."""

from __future__ import annotations

from decimal import Decimal

import pytest

from casework.plans import budgets
from casework.plans.budget_models import PersonalBudget

D = Decimal
ANSWERS = [{"question": f"q{n}", "answer": f"q{n}a2"} for n in range(1, 8)]


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


def test_the_api_takes_a_budget_from_answers_to_approval(
    api, world, case, county_ras, django_assert_max_num_queries
):
    worker = api(world.practitioner)
    base = f"/plans/cases/{case.pk}/budget"
    assert worker.get(base).json() == {"indicative": None, "personal": None}
    questionnaire = worker.get(f"{base}/questionnaire").json()
    assert questionnaire["number"] == 1 and len(questionnaire["questions"]) == 7
    made = worker.post(f"{base}/indicative", {"questionnaire_id": county_ras.pk, "answers": ANSWERS})
    assert made.status_code == 201, made.content
    indicative = made.json()["indicative"]
    assert indicative["weekly_amount"] == "218.50" and indicative["questionnaire_number"] == 1
    assert [line["weekly"] for line in indicative["lines"]][:2] == ["38.00", "28.50"]
    over = worker.post(f"{base}/personal", {"version": None, "weekly_cost": "1000"})
    assert over.status_code == 422 and "difference_reason" in over.content.decode()
    saved = worker.post(
        f"{base}/personal", {"version": None, "weekly_cost": "1000", "difference_reason": "Two carers."}
    )
    assert saved.status_code == 200, saved.content
    personal = saved.json()["personal"]
    assert personal["annual_cost"] == "52000.00" and personal["person_pays_weekly"] is None
    submitted = worker.post(f"{base}/personal/submit", {"version": personal["version"]})
    assert submitted.json()["personal"]["awaiting_role"] == "team_manager"
    version = submitted.json()["personal"]["version"]
    manager = api(world.team_manager)
    refused = manager.post(f"{base}/personal/approve", {"version": version})
    assert refused.status_code == 409 and "over your approval limit" in refused.json()["detail"]
    up = manager.post(f"{base}/personal/refer-up", {"version": version})
    assert up.status_code == 200 and up.json()["personal"]["awaiting_role"] == "case_manager"
    stale = api(world.case_manager).post(f"{base}/personal/approve", {"version": version})
    assert stale.status_code == 409
    done = api(world.case_manager).post(f"{base}/personal/approve", {"version": version + 1})
    assert done.status_code == 200
    body = done.json()["personal"]
    assert body["status"] == "approved"
    assert [(a["role"], a["decision"]) for a in body["approvals"]] == [
        ("team_manager", "passed_up"),
        ("case_manager", "approved"),
    ]
    with django_assert_max_num_queries(25):
        assert worker.get(base).status_code == 200


def test_bad_input_is_a_422_naming_the_field(api, world, case, county_ras):
    worker = api(world.practitioner)
    base = f"/plans/cases/{case.pk}/budget"
    for cost in ("100000", "1.234", "-1", "ten"):
        response = worker.post(f"{base}/personal", {"version": None, "weekly_cost": cost})
        assert response.status_code == 422 and "weekly_cost" in response.content.decode(), cost
    twice = worker.post(
        f"{base}/indicative", {"questionnaire_id": county_ras.pk, "answers": [*ANSWERS, ANSWERS[0]]}
    )
    assert twice.status_code == 422 and "Answer each question once" in twice.content.decode()
    unknown = worker.post(
        f"{base}/indicative",
        {"questionnaire_id": county_ras.pk, "answers": [*ANSWERS[:6], {"question": "q7", "answer": "nope"}]},
    )
    assert unknown.status_code == 422 and "answers" in unknown.content.decode()
    assert worker.post(f"{base}/indicative", {"questionnaire_id": 0, "answers": []}).status_code == 422


def test_out_of_order_is_a_409(api, world, case, county_ras):
    worker = api(world.practitioner)
    base = f"/plans/cases/{case.pk}/budget"
    assert worker.post(f"{base}/personal", {"version": None, "weekly_cost": "100"}).status_code == 409
    assert worker.post(f"{base}/personal/submit", {"version": 1}).status_code == 409
    stale = worker.post(f"{base}/indicative", {"questionnaire_id": county_ras.pk + 5, "answers": ANSWERS})
    assert stale.status_code == 409


def test_who_may_not_is_refused(api, world, case, county_ras):
    base = f"/plans/cases/{case.pk}/budget"
    assert api(world.outsider).get(base).status_code == 404
    assert api(world.district_worker).get(f"{base}/questionnaire").status_code == 404
    assert api(world.auditor).get(base).status_code == 200
    refused = api(world.auditor).post(
        f"{base}/indicative", {"questionnaire_id": county_ras.pk, "answers": ANSWERS}
    )
    assert refused.status_code == 403
    api(world.practitioner).post(
        f"{base}/indicative", {"questionnaire_id": county_ras.pk, "answers": ANSWERS}
    )
    api(world.practitioner).post(f"{base}/personal", {"version": None, "weekly_cost": "218.50"})
    budget = PersonalBudget.objects.get()
    api(world.practitioner).post(f"{base}/personal/submit", {"version": budget.version})
    assert api(world.practitioner).post(f"{base}/personal/approve", {"version": 2}).status_code == 403
