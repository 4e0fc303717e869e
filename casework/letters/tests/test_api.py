"""Letters in the API (issue 13: they had none): list a case's letters, download one, send one, as on the
pages."""

import pytest

from casework.audit.models import AccessEvent
from casework.letters import services
from casework.letters.models import Letter


def test_a_worker_sends_lists_and_downloads_letters(world, api, active_case, addressed):
    client = api(world.practitioner)
    sent = client.post(
        f"/letters/cases/{active_case.pk}",
        {"kind": "appointment", "appointment_at": "Tuesday at 10am", "idempotency_key": "retry-1"},
    )
    assert sent.status_code == 201
    body = sent.json()
    assert (body["kind"], body["case_id"], body["sent_by_id"]) == (
        "appointment",
        active_case.pk,
        world.practitioner.pk,
    )
    # A retry with the same key returns the letter already sent: one letter, not two.
    again = client.post(
        f"/letters/cases/{active_case.pk}", {"kind": "appointment", "idempotency_key": "retry-1"}
    )
    assert again.status_code == 201 and again.json()["id"] == body["id"] and Letter.objects.count() == 1
    listed = client.get(f"/letters/cases/{active_case.pk}").json()
    assert [item["id"] for item in listed["items"]] == [body["id"]] and listed["has_next"] is False
    pdf = client.get(f"/letters/{body['id']}/pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert AccessEvent.objects.filter(verb="letters.letter_downloaded", actor=world.practitioner).exists()


def test_bad_input_names_the_field_and_sends_nothing(world, api, active_case, addressed):
    client = api(world.practitioner)
    response = client.post(f"/letters/cases/{active_case.pk}", {"kind": "love_letter"})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "kind"
    response = client.post(
        f"/letters/cases/{active_case.pk}", {"kind": "appointment", "appointment_at": "x" * 81}
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "appointment_at"
    assert not Letter.objects.exists()


def test_no_address_is_a_conflict_that_says_why(world, api, active_case):
    response = api(world.practitioner).post(f"/letters/cases/{active_case.pk}", {"kind": "invite_contact"})
    assert response.status_code == 409 and "has no postal address" in response.json()["detail"]


@pytest.mark.parametrize("name", ["district_worker", "delivery_worker", "outsider", "initiative_admin"])
def test_others_get_404(world, api, active_case, addressed, name):
    letter = services.letter_send(kind="invite_contact", case=active_case, effect_key="t")
    client = api(getattr(world, name))
    assert client.get(f"/letters/{letter.pk}/pdf").status_code == 404
    assert client.get(f"/letters/cases/{active_case.pk}").status_code == 404
    assert client.post(f"/letters/cases/{active_case.pk}", {"kind": "invite_contact"}).status_code == 404
    assert Letter.objects.count() == 1


def test_oversight_reads_but_cannot_send(world, api, active_case, addressed):
    letter = services.letter_send(kind="invite_contact", case=active_case, effect_key="t")
    client = api(world.case_manager)
    assert client.get(f"/letters/{letter.pk}/pdf").status_code == 200
    assert client.post(f"/letters/cases/{active_case.pk}", {"kind": "invite_contact"}).status_code == 403
