"""The Care Act steps in the API: the same services and rules as the pages, field-level 422s, 404/403/409."""

import datetime

import pytest

from casework.audit.models import AccessEvent
from casework.careact.models import AdvocacyDecision, EligibilityDetermination
from casework.careact.tests.steps import record_no_advocacy_needed, record_prevention
from casework.cases import services as case_services
from casework.core import clock
from casework.plans.charging_gates import FINANCIAL_ASSESSMENT_NOT_STARTED as FA_NOT_STARTED
from casework.plans.tests.steps import record_signed_plan

TODAY = str(clock.today())
NEEDS_ADVOCATE = {
    "activity": "assessment",
    "difficulty_understanding": True,
    "difficulty_retaining": False,
    "difficulty_using_or_weighing": False,
    "difficulty_communicating": True,
    "appropriate_person": False,
    "referral_to": "Wessex Advocacy Hub",
    "referral_on": TODAY,
}


def test_read_the_steps_of_a_case(api, world, case):
    body = api(world.practitioner).get(f"/careact/cases/{case.pk}").json()
    assert body["advocacy"] == [] and body["prevention"] is None
    assert body["assessment_problem"].startswith("Record whether Margaret needs an independent advocate")
    assert body["support_blocks"] and body["support_warnings"]
    assert AccessEvent.objects.filter(verb="careact.steps_read_by_api", case_id=case.pk).exists()


@pytest.mark.parametrize("who", ["initiative_admin", "delivery_worker", "outsider", "district_worker"])
def test_people_who_may_not_open_the_case_get_404(api, world, case, who):
    client = api(getattr(world, who))
    assert client.get(f"/careact/cases/{case.pk}").status_code == 404
    assert client.get(f"/careact/cases/{case.pk}/history").status_code == 404
    assert client.post(f"/careact/cases/{case.pk}/advocacy", NEEDS_ADVOCATE).status_code == 404
    assert not AdvocacyDecision.objects.exists()


def test_a_case_manager_reads_but_gets_403_recording(api, world, case):
    client = api(world.case_manager)
    assert client.get(f"/careact/cases/{case.pk}").status_code == 200
    assert client.post(f"/careact/cases/{case.pk}/advocacy", NEEDS_ADVOCATE).status_code == 403
    assert (
        client.post(
            f"/careact/cases/{case.pk}/financial-information", {"method": "leaflet", "given_on": TODAY}
        ).status_code
        == 403
    )


def test_advocacy_decided_then_a_manager_exception(api, world, case):
    response = api(world.practitioner).post(f"/careact/cases/{case.pk}/advocacy", NEEDS_ADVOCATE)
    assert response.status_code == 201
    decision = response.json()
    assert (decision["advocate_needed"], decision["may_start"]) == (True, False)
    url = f"/careact/cases/{case.pk}/advocacy/{decision['id']}/exception"
    refused = api(world.practitioner).post(url, {"reason": "Urgent", "version": decision["version"]})
    assert refused.status_code == 403
    missing = api(world.team_manager).post(url, {"reason": "", "version": decision["version"]})
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "reason"
    response = api(world.team_manager).post(
        url, {"reason": "Urgent discharge"}, headers={"If-Match": f'"{decision["version"]}"'}
    )
    assert response.status_code == 200 and response.json()["may_start"] is True
    assert api(world.practitioner).get(f"/careact/cases/{case.pk}").json()["assessment_problem"] is None


def test_advocate_in_place_and_a_stale_write(api, world, case):
    client = api(world.practitioner)
    decision = client.post(f"/careact/cases/{case.pk}/advocacy", NEEDS_ADVOCATE).json()
    url = f"/careact/cases/{case.pk}/advocacy/{decision['id']}/advocate"
    stale = client.post(
        url, {"advocate_name": "Tom", "advocate_from": TODAY, "version": decision["version"] + 1}
    )
    assert stale.status_code == 409
    response = client.post(
        url, {"advocate_name": "Tom Okafor", "advocate_from": TODAY, "version": decision["version"]}
    )
    assert response.json()["advocate_name"] == "Tom Okafor"
    assert response.json()["may_start"] is True and response["ETag"] == f'"{decision["version"] + 1}"'
    # A new decision without saying which it replaces is a conflict.
    assert client.post(f"/careact/cases/{case.pk}/advocacy", NEEDS_ADVOCATE).status_code == 409
    history = client.get(f"/careact/cases/{case.pk}/history").json()
    assert [d["advocate_name"] for d in history["advocacy"]] == ["Tom Okafor"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**NEEDS_ADVOCATE, "referral_to": ""}, "referral_to"),
        ({**NEEDS_ADVOCATE, "referral_on": str(clock.today() + datetime.timedelta(days=2))}, "referral_on"),
        ({**NEEDS_ADVOCATE, "appropriate_person": True}, "appropriate_person_name"),
        (
            {key: value for key, value in NEEDS_ADVOCATE.items() if key != "difficulty_retaining"},
            "difficulty_retaining",
        ),
    ],
)
def test_bad_advocacy_input_is_a_field_level_422(api, world, case, body, field):
    response = api(world.practitioner).post(f"/careact/cases/{case.pk}/advocacy", body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field
    assert not AdvocacyDecision.objects.exists()


def test_prevention_and_financial_information(api, world, case):
    client = api(world.practitioner)
    refused = client.post(
        f"/careact/cases/{case.pk}/prevention", {"services_considered": ["Reablement"], "why_not_enough": ""}
    )
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "why_not_enough"
    response = client.post(
        f"/careact/cases/{case.pk}/prevention",
        {"services_considered": ["Reablement"], "why_not_enough": "Needs remain"},
    )
    assert response.status_code == 201 and response.json()["services_considered"] == ["Reablement"]
    future = str(clock.today() + datetime.timedelta(days=1))
    response = client.post(
        f"/careact/cases/{case.pk}/financial-information", {"method": "leaflet", "given_on": future}
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "given_on"
    response = client.post(
        f"/careact/cases/{case.pk}/financial-information", {"method": "verbal", "given_on": TODAY}
    )
    assert response.status_code == 201
    body = client.get(f"/careact/cases/{case.pk}").json()
    assert body["support_blocks"] == [] and body["support_warnings"] == []


def test_eligibility_has_the_computed_result_in_the_response(api, world, case):
    client = api(world.practitioner)
    body = {
        "kind": "adult",
        "condition_1": True,
        "significant_impact_on_wellbeing": True,
        "outcomes": [{"code": "nutrition", "ways": ["without_assistance"]}],
        "confirmed_eligible": False,
        "reason": "Only one outcome",
    }
    response = client.post(f"/careact/cases/{case.pk}/eligibility", body)
    assert response.status_code == 201
    record = response.json()
    assert (record["computed_eligible"], record["confirmed_eligible"], record["differs"]) == (
        False,
        False,
        False,
    )
    assert record["computed_outcomes"] == ["nutrition"] and "only one" in record["computed_reasons"][1]
    bad = client.post(
        f"/careact/cases/{case.pk}/eligibility",
        {**body, "outcomes": [{"code": "nutrition", "ways": []}], "replaces_id": record["id"], "version": 1},
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "outcomes.nutrition"
    carer = client.post(
        f"/careact/cases/{case.pk}/eligibility",
        {
            "kind": "carer",
            "condition_1": True,
            "significant_impact_on_wellbeing": True,
            "outcomes": [{"code": "nutrition", "ways": ["takes_significantly_longer"]}],
            "confirmed_eligible": True,
            "reason": "x",
        },
    )
    assert carer.status_code == 422 and "regulation 3(4)" in carer.json()["detail"]
    assert EligibilityDetermination.objects.count() == 1


def test_the_eligibility_check_records_nothing(api, world):
    response = api(world.practitioner).post(
        "/careact/eligibility/check",
        {
            "kind": "carer",
            "condition_1": True,
            "health_deteriorating": True,
            "significant_impact_on_wellbeing": True,
        },
    )
    assert response.status_code == 200
    assert response.json()["eligible"] is True and response.json()["outcomes_counted"] == []
    assert not EligibilityDetermination.objects.exists()


def test_moving_to_support_answers_409_with_the_warnings_until_acknowledged(api, world, case):
    record_no_advocacy_needed(user=world.practitioner, case=case)
    record_signed_plan(user=world.practitioner, case=case)  # the plans app's gate (tested there)
    case_services.case_move_stage(user=world.practitioner, case=case, stage="assessment")
    case_services.case_move_stage(
        user=world.practitioner, case=case, stage="planning", acknowledged=[FA_NOT_STARTED]
    )
    client = api(world.practitioner)
    blocked = client.post(f"/cases/{case.pk}/stage", {"stage": "support", "version": case.version})
    assert blocked.status_code == 409 and blocked.json()["errors"][0]["field"] == "stage"
    record_prevention(user=world.practitioner, case=case)
    warned = client.post(f"/cases/{case.pk}/stage", {"stage": "support", "version": case.version})
    assert warned.status_code == 409
    assert [w["code"] for w in warned.json()["warnings"]] == ["financial_information_not_given"]
    assert warned.json()["warnings"][0]["message"].startswith("There is no record that Margaret was given")
    moved = client.post(
        f"/cases/{case.pk}/stage",
        {"stage": "support", "version": case.version, "acknowledge": ["financial_information_not_given"]},
    )
    assert moved.status_code == 200 and moved.json()["stage"] == "support"
