"""The review pages: a due review in the case's "Reviews" section is started, recorded, signed off by the
authority and the person, and the person's copy downloads as a PDF; a review is requested from the case; the
team worklist counts, filters and exports, in queries that do not grow with its rows; who may not is
refused."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casework.reviews import services
from casework.reviews.models import Review, ReviewRequest
from tests.factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_a_due_review_is_recorded_and_signed_off_by_both(login, world, active_plan, review_may_start):
    services.make_due_reviews()
    review = Review.objects.get(case=active_plan.case)
    case = active_plan.case
    worker = login(world.practitioner)
    section = worker.get(f"/cases/{case.pk}/reviews").content.decode()
    assert "Planned review due" in section and "Start the review" in section
    assert (
        worker.post(f"/reviews/cases/{case.pk}/{review.pk}/start", {"version": review.version}).status_code
        == 302
    )
    record = f"/reviews/cases/{case.pk}/{review.pk}/record"
    page = worker.get(record).content.decode()
    assert "I want to stay in my own home" in page  # the plan's outcomes, to say whether each is met
    body = {
        "version": Review.objects.get(pk=review.pk).version,
        "outcome_0": "To stay in my own home",
        "met_0": "not_met",
        "person_words_0": "Evenings are hard",
        "finish": "1",
    }
    bad = worker.post(record, body)
    assert bad.status_code == 200 and "govuk-error-summary" in bad.content.decode()
    assert worker.post(record, {**body, "decision": "no_change"}).status_code == 302
    review.refresh_from_db()
    assert review.status == "awaiting_sign_off" and review.outcomes[0]["met"] == "not_met"
    # The worker cannot sign for the authority.
    assert worker.get(f"/reviews/cases/{case.pk}/{review.pk}/sign-authority").status_code == 403
    person = f"/reviews/cases/{case.pk}/{review.pk}/sign-person"
    assert (
        worker.post(person, {"version": review.version, "signer": "person", "name": "Margaret"}).status_code
        == 302
    )
    manager = login(world.team_manager)
    review.refresh_from_db()
    sign = f"/reviews/cases/{case.pk}/{review.pk}/sign-authority"
    assert manager.post(sign, {"version": review.version}).status_code == 302
    assert Review.objects.get(pk=review.pk).status == "complete"
    copy = manager.get(f"/reviews/cases/{case.pk}/{review.pk}/copy.pdf")
    assert copy.status_code == 200 and copy["Content-Type"] == "application/pdf"
    assert copy.content.startswith(b"%PDF")


def test_a_review_is_requested_from_the_case(login, world, case):
    client = login(world.duty_officer)
    url = f"/reviews/cases/{case.pk}/request"
    assert client.get(url).status_code == 200
    bad = client.post(
        url, {"requested_by": "carer", "reason": "unplanned_carer", "priority": "normal", "rag": "green"}
    )
    assert bad.status_code == 200 and "Enter the name of who asked" in bad.content.decode()
    response = client.post(
        url,
        {
            "requested_by": "carer",
            "requester_name": "Jo Thornton",
            "reason": "unplanned_carer",
            "priority": "normal",
            "rag": "green",
        },
        follow=True,
    )
    assert f"The review request is a task for {world.practitioner.display_name}" in response.content.decode()
    assert ReviewRequest.objects.get().requester_name == "Jo Thornton"


def test_somebody_without_the_case_is_refused(login, world, case):
    assert login(world.outsider).get(f"/reviews/cases/{case.pk}/request").status_code in (403, 404)


def _requested(world, count: int) -> None:
    for _ in range(count):
        services.review_request(
            user=world.duty_officer,
            case=CaseFactory(person=PersonFactory(created_by_organisation=world.county)),
            requested_by="person",
            reason="unplanned_other",
        )


def test_the_worklist_counts_filters_and_exports_in_queries_that_do_not_grow(login, world, risk):
    _requested(world, 2)
    client = login(world.team_manager)
    client.get("/reviews/")  # warm the session and the actor

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            page = client.get("/reviews/")
        assert page.status_code == 200
        return len(captured)

    few = queries()
    _requested(world, 3)
    assert queries() == few
    page = client.get("/reviews/", {"bucket": "due"}).content.decode()
    assert page.count("Requested<br>") == 5
    assert client.get("/reviews/", {"bucket": "overdue"}).content.decode().count("Requested<br>") == 0
    export = client.get("/reviews/export", {"kind": "requested"})
    lines = b"".join(export.streaming_content).decode().splitlines()
    assert lines[0].startswith("case,name,kind") and len(lines) == 6


def test_the_worklist_is_for_practitioners_and_team_managers(login, world):
    assert login(world.duty_officer).get("/reviews/").status_code == 403
