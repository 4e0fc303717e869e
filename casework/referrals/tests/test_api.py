"""Referrals in the API: the same services, rules and minimisation as the pages."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from casework.consent import services as consent_services
from casework.core import clock
from casework.referrals.models import Referral

from .conftest import refer


def test_make_a_referral_and_the_delivery_organisation_answers(api, world, active_case, food, consent):
    made = api(world.practitioner).post(
        f"/referrals/cases/{active_case.pk}",
        {
            "delivery_organisation_id": world.foodbank.pk,
            "need_ids": [food.pk],
            "basis_id": consent.pk,
            "circumstances": "Lives alone",
        },
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert (body["side"], body["status"], body["case_reference"]) == (
        "responsible",
        "sent",
        active_case.reference,
    )

    client = api(world.delivery_worker)
    listed = client.get("/referrals").json()
    assert [(i["reference"], i["subject_name"]) for i in listed["items"]] == [
        (body["reference"], "Margaret Thornton")
    ]
    seen = client.get(f"/referrals/{body['id']}")
    assert seen["ETag"] == f'"{body["version"]}"'
    seen = seen.json()
    assert seen["side"] == "delivery" and seen["case_id"] is None and seen["case_reference"] is None
    assert seen["subject"]["name"] == "Margaret Thornton" and seen["assessment"] is None

    accepted = client.post(f"/referrals/{body['id']}/accept", {"version": seen["version"]})
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    version = accepted.json()["version"]
    planned = client.post(f"/referrals/{body['id']}/plan", {"version": version, "plan": "Weekly parcels"})
    assert planned.json()["plan"] == "Weekly parcels"
    acted = client.post(
        f"/referrals/{body['id']}/actions",
        {"occurred_on": clock.today().isoformat(), "description": "First parcel"},
    )
    assert acted.status_code == 201 and acted.json()["actions"][0]["description"] == "First parcel"
    need = acted.json()["needs"][0]
    updated = client.post(
        f"/referrals/{body['id']}/needs/{need['id']}/status",
        {"version": need["version"], "status": "resolved", "note": "All done"},
    )
    assert updated.json()["needs"][0]["status"] == "resolved"
    closed = client.post(
        f"/referrals/{body['id']}/close", {"version": planned.json()["version"], "note": "Done"}
    )
    assert closed.status_code == 200 and closed.json()["status"] == "closed"

    on_case = api(world.practitioner).get(f"/referrals/cases/{active_case.pk}").json()
    assert on_case[0]["need_updates"][-1]["status"] == "resolved" and on_case[0]["plan"] == "Weekly parcels"


def test_refused_without_consent_is_422_on_basis(api, world, active_case, food):
    response = api(world.practitioner).post(
        f"/referrals/cases/{active_case.pk}",
        {"delivery_organisation_id": world.foodbank.pk, "need_ids": [food.pk]},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "basis"
    assert not Referral.objects.exists()


def test_after_withdrawal_the_api_shares_nothing_more(api, world, referral, consent):
    consent_services.consent_withdraw(
        user=world.practitioner,
        record=consent,
        version=consent.version,
        withdrawn_on=clock.today(),
        withdrawn_by_name="Margaret Thornton",
    )
    seen = api(world.delivery_worker).get(f"/referrals/{referral.pk}").json()
    assert seen["subject"] is None and seen["circumstances"] is None and seen["shared"] == []
    assert seen["notice"].startswith("Consent withdrawn on")
    assert "Thornton" not in str(seen)
    accept = api(world.delivery_worker).post(
        f"/referrals/{referral.pk}/accept", {"version": referral.version}
    )
    assert accept.status_code == 409


def test_refusals(api, world, referral, debt_advice):
    assert api(world.debt_worker).get(f"/referrals/{referral.pk}").status_code == 404
    assert api(world.outsider).post(f"/referrals/{referral.pk}/accept", {"version": 1}).status_code == 404
    assert (
        api(world.practitioner)
        .post(f"/referrals/{referral.pk}/accept", {"version": referral.version})
        .status_code
        == 403
    )
    stale = api(world.delivery_worker).post(
        f"/referrals/{referral.pk}/accept", {"version": referral.version + 3}
    )
    assert stale.status_code == 409
    decline = api(world.delivery_worker).post(
        f"/referrals/{referral.pk}/decline", {"version": referral.version, "reason": ""}
    )
    assert decline.status_code == 422 and decline.json()["errors"][0]["field"] == "reason"
    assert api(world.delivery_worker).get(f"/referrals/cases/{referral.case_id}").status_code == 404


def test_the_worklist_runs_a_fixed_number_of_queries(api, world, active_case, referral, needs):
    from casework.assessments import services as assessments

    client = api(world.delivery_worker)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/referrals", {"status": "all"}).status_code == 200
        return len(queries)

    count()
    one = count()
    for code in ("debt_advice", "loneliness"):
        need = assessments.need_record(user=world.practitioner, case=active_case, definition=needs[code])
        refer(world, active_case, [need], basis=referral.basis)
    assert count() == one
