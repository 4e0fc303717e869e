"""Reviews in the API: the same rules as the pages."""

from __future__ import annotations

import pytest

from casework.reviews import services
from casework.reviews.models import Review

pytestmark = pytest.mark.django_db


def test_the_api_takes_a_review_from_due_to_signed_off(api, world, active_plan, review_may_start):
    services.make_due_reviews()
    case = active_plan.case
    worker = api(world.practitioner)
    due = worker.get("/reviews", {"bucket": "due"})
    assert due.status_code == 200, due.content
    review = due.json()["items"][0]
    assert review["case_id"] == case.pk and review["status"] == "due" and review["reason"] == "planned"
    base = f"/reviews/cases/{case.pk}/{review['id']}"
    started = worker.post(f"{base}/start", {"version": review["version"]})
    assert started.status_code == 200, started.content
    stale = worker.post(f"{base}/start", {"version": review["version"]})
    assert stale.status_code == 409
    no_decision = worker.post(
        f"{base}/record",
        {
            "version": started.json()["version"],
            "outcomes": [{"outcome": "Stay home", "met": "met"}],
            "finished": True,
        },
    )
    assert no_decision.status_code == 422
    assert no_decision.json()["errors"][0]["field"] == "decision"
    recorded = worker.post(
        f"{base}/record",
        {
            "version": started.json()["version"],
            "outcomes": [{"outcome": "Stay home", "met": "partly", "person_words": "Mostly"}],
            "decision": "no_change",
            "finished": True,
        },
    )
    assert recorded.status_code == 200, recorded.content
    assert recorded.json()["status"] == "awaiting_sign_off"
    refused = worker.post(f"{base}/sign-authority", {"version": recorded.json()["version"]})
    assert refused.status_code == 403
    person = worker.post(
        f"{base}/sign-person", {"version": recorded.json()["version"], "signer": "person", "name": "Margaret"}
    )
    assert person.status_code == 200, person.content
    signed = api(world.team_manager).post(f"{base}/sign-authority", {"version": person.json()["version"]})
    assert signed.status_code == 200, signed.content
    assert signed.json()["status"] == "complete"
    listed = worker.get(f"/reviews/cases/{case.pk}")
    assert [r["status"] for r in listed.json()] == ["complete"]


def test_the_api_requests_a_review(api, world, case):
    made = api(world.duty_officer).post(
        f"/reviews/cases/{case.pk}/requests",
        {"requested_by": "carer", "requester_name": "Jo Thornton", "reason": "unplanned_carer"},
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["task_id"] and body["waiting_entry_id"] is None and body["review"]["kind"] == "requested"
    assert Review.objects.get(pk=body["review"]["id"]).status == "due"


def test_another_organisation_cannot_see_or_request(api, world, case):
    outsider = api(world.outsider)
    assert outsider.get(f"/reviews/cases/{case.pk}").status_code == 404
    assert (
        outsider.post(
            f"/reviews/cases/{case.pk}/requests", {"requested_by": "person", "reason": "unplanned_other"}
        ).status_code
        == 404
    )
    assert api(world.duty_officer).get("/reviews").status_code == 403
