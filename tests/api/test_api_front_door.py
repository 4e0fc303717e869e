"""The front door in the API: absences, messages, safeguarding, under the same rules as the pages."""

from casework.allocation.services import case_accept
from casework.core import clock
from tests.factories import CaseFactory


def test_absence_and_message_round_trip(api, world):
    case = case_accept(user=world.practitioner, case=CaseFactory(person=world.person))
    today = clock.today().isoformat()
    response = api(world.practitioner).post(
        "/contacts/absences", {"kind": "leave", "start_date": today, "end_date": today}
    )
    assert response.status_code == 201
    response = api(world.practitioner2).post(
        "/contacts/absences",
        {"worker_id": world.practitioner.pk, "kind": "leave", "start_date": today, "end_date": today},
    )
    assert response.status_code == 403
    duty = api(world.duty_officer)
    response = duty.post(
        "/contacts/messages",
        {
            "case_id": case.pk,
            "to_user_id": world.practitioner.pk,
            "body": "She rang",
            "told_person": "Call back tomorrow",
        },
    )
    assert response.status_code == 201
    assert (
        duty.post(
            "/contacts/messages", {"case_id": case.pk, "to_user_id": world.practitioner2.pk, "body": "x"}
        ).status_code
        == 404
    )
    worker = api(world.practitioner)
    [message] = worker.get("/contacts/messages").json()
    assert message["read_at"] is None
    assert worker.post(f"/contacts/messages/{message['id']}/read").status_code == 204
    assert worker.get("/contacts/messages").json()[0]["read_at"] is not None


def test_safeguarding_raise_and_read(api, world):
    case = case_accept(user=world.practitioner, case=CaseFactory(person=world.person))
    response = api(world.duty_officer).post(
        "/safeguarding",
        {
            "person_id": world.person.pk,
            "case_id": case.pk,
            "at_risk": "adult",
            "what_happened": "Bruising",
            "immediate_danger": True,
        },
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "called_999"
    response = api(world.duty_officer).post(
        "/safeguarding",
        {
            "person_id": world.person.pk,
            "case_id": case.pk,
            "at_risk": "adult",
            "what_happened": "Bruising",
            "immediate_danger": True,
            "called_999": True,
            "abuse_types": ["physical"],
        },
    )
    assert response.status_code == 201
    concern_id = response.json()["id"]
    assert api(world.practitioner).get(f"/safeguarding/{concern_id}").status_code == 200
    assert api(world.practitioner2).get(f"/safeguarding/{concern_id}").status_code == 404
