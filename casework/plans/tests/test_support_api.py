"""Support plans in the API: the same rules as the services, 404 for a case you may not open, 403 for what you
may not do, 409 for stale or out of order, 422 naming the field; reading the plan costs the same queries
whatever its number of services."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casework.cases.policies import holding_organisation_id
from casework.core import clock
from casework.letters.models import Letter
from casework.people.models import Person
from casework.plans import budgets
from casework.plans.support_models import SupportPlan

D = Decimal


@pytest.fixture
def limits(world):
    return budgets.budget_settings_set(
        user=world.org_admin,
        organisation_id=world.county.pk,
        version=1,
        difference_threshold_percent=D("10"),
        approval_limits={"team_manager": D("49000"), "case_manager": None},
    )


def _service(case, hours="7", **more):
    return {
        "provider_organisation_id": holding_organisation_id(case),
        "service_type": "Home care",
        "frequency": "weekly",
        "units": hours,
        "unit_cost": "25",
        "starts_on": clock.today().isoformat(),
        **more,
    }


def _plan(case, based_on=None, services=None):
    return {
        "based_on": based_on,
        "outcomes": "To stay at home.",
        "needs": "Washing and meals.",
        "budget_management": "direct_payment",
        "services": services if services is not None else [_service(case)],
    }


def test_the_api_takes_a_plan_from_saving_to_a_suspended_service(api, world, case, limits):
    worker = api(world.practitioner)
    base = f"/plans/cases/{case.pk}/support-plan"
    assert worker.get(base).json() == {"draft": None, "active": None, "versions": []}
    made = worker.post(base, _plan(case, services=[_service(case, hours="40")]))
    assert made.status_code == 201, made.content
    draft = made.json()["draft"]
    assert draft["number"] == 1 and draft["annual_cost"] == "52000.00"
    stale = worker.post(base, _plan(case))
    assert stale.status_code == 409
    version = worker.post(f"{base}/sign-worker", {"version": draft["version"]}).json()["draft"]["version"]
    signed = worker.post(
        f"{base}/sign-person", {"version": version, "signer": "person", "name": "Margaret Thornton"}
    )
    assert signed.status_code == 200, signed.content
    version = signed.json()["draft"]["version"]
    assert worker.post(f"{base}/activate", {"version": version}).status_code == 403
    over = api(world.team_manager).post(f"{base}/activate", {"version": version})
    assert over.status_code == 409 and "over your approval limit" in over.json()["detail"]
    # No surprise bills: the chargeable service does not start before the person is sent the estimate.
    early = api(world.case_manager).post(f"{base}/activate", {"version": version})
    assert early.status_code == 409 and "Send the person the estimate" in early.json()["detail"]
    Person.objects.filter(pk=case.person_id).update(address_line_1="4 Mill Lane", postcode="DT1 1AA")
    assert api(world.auditor).post(f"{base}/estimate-letter", {}).status_code == 403
    sent = worker.post(f"{base}/estimate-letter", {})
    assert sent.status_code == 201, sent.content
    letter = Letter.objects.get(pk=sent.json()["id"])
    assert letter.kind == "charge_estimate" and letter.case_id == case.pk
    active = api(world.case_manager).post(f"{base}/activate", {"version": version})
    assert active.status_code == 200 and active.json()["active"]["status"] == "active"
    service = active.json()["active"]["services"][0]
    url = f"{base}/services"
    suspended = worker.post(
        f"{url}/suspend",
        {
            "reference": service["reference"],
            "version": service["version"],
            "reason": "hospital_admission",
            "starts_on": service["starts_on"],
        },
    )
    assert suspended.status_code == 200, suspended.content
    service = suspended.json()["active"]["services"][0]
    assert service["status"] == "suspended" and service["suspensions"][0]["ends_on"] is None
    later = (clock.today() + datetime.timedelta(days=5)).isoformat()
    restarted = worker.post(
        f"{url}/restart",
        {"reference": service["reference"], "version": service["version"], "restarts_on": later},
    )
    assert restarted.json()["active"]["services"][0]["status"] == "running"
    assert [v["number"] for v in worker.get(f"{base}/versions").json()] == [1]
    unknown = {"reference": "abc", "version": 1, "reason": "respite", "starts_on": later}
    assert worker.post(f"{base}/services/suspend", unknown).status_code == 422


def test_bad_input_is_422_naming_the_field_and_changes_nothing(api, world, case):
    worker = api(world.practitioner)
    base = f"/plans/cases/{case.pk}/support-plan"
    both = _service(case, provider_service_id="0b4d1c1e-0000-4000-8000-000000000000")
    for body, field in [
        ({**_plan(case), "outcomes": " "}, "outcomes"),
        ({**_plan(case), "budget_management": "cash"}, "budget_management"),
        (_plan(case, services=[_service(case, units="0")]), "units"),
        (_plan(case, services=[both]), "provider"),
    ]:
        answer = worker.post(base, body)
        assert answer.status_code == 422 and field in answer.content.decode(), (field, answer.content)
    assert not SupportPlan.objects.exists()


def test_outsiders_get_404_and_readers_may_not_write(api, world, case):
    assert api(world.outsider).get(f"/plans/cases/{case.pk}/support-plan").status_code == 404
    assert api(world.auditor).post(f"/plans/cases/{case.pk}/support-plan", _plan(case)).status_code == 403


def test_reading_the_plan_costs_the_same_whatever_its_services(
    api, world, case, django_assert_max_num_queries
):
    worker = api(world.practitioner)
    base = f"/plans/cases/{case.pk}/support-plan"
    worker.post(base, _plan(case, services=[_service(case)]))
    with CaptureQueriesContext(connection) as few:
        worker.get(base)
    one = len(few)  # now: the next request clears the log
    worker.post(base, _plan(case, based_on=1, services=[_service(case) for _ in range(8)]))
    with django_assert_max_num_queries(one):
        worker.get(base)
