"""Assessing in the API: the same services and rules as the pages; answers checked against their form
version."""

import pytest

from casework.assessments import services
from casework.assessments.models import Assessment, Need


def test_forms_are_listed_and_read_with_their_questions(world, api, forms):
    client = api(world.practitioner)
    listed = client.get("/assessments/forms").json()
    assert {f["code"] for f in listed} == {"strengths_based", "carers", "needs_check"}
    detail = client.get(f"/assessments/forms/{forms['needs_check'].pk}").json()
    assert detail["number"] == 1 and detail["schema"]["sections"][0]["id"] == "check"
    assert api(world.outsider).get(f"/assessments/forms/{forms['needs_check'].pk}").status_code == 404


def test_an_admin_revises_a_form_and_a_stale_revision_gets_409(world, api, forms):
    client = api(world.org_admin)
    form = forms["carers"]
    body = {
        "based_on": 1,
        "name": "Carer's assessment",
        "change_note": "Shorter",
        "schema": {
            "sections": [
                {"id": "a", "title": "A", "questions": [{"id": "q", "label": "How are you?", "type": "text"}]}
            ]
        },
    }
    created = client.post(f"/assessments/forms/{form.pk}/versions", body)
    assert created.status_code == 201 and created.json()["number"] == 2
    assert client.post(f"/assessments/forms/{form.pk}/versions", body).status_code == 409
    bad = client.post(
        f"/assessments/forms/{form.pk}/versions", {**body, "based_on": 2, "schema": {"sections": []}}
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "schema"
    assert (
        api(world.practitioner)
        .post(f"/assessments/forms/{form.pk}/versions", {**body, "based_on": 2})
        .status_code
        == 403
    )


def test_an_assessment_is_started_saved_and_completed(world, api, forms, active_case):
    client = api(world.practitioner)
    started = client.post(
        f"/assessments/cases/{active_case.pk}/assessments",
        {"form_id": forms["needs_check"].pk, "method": "phone"},
    )
    assert started.status_code == 201
    a = started.json()
    bad = client.put(
        f"/assessments/{a['id']}",
        {"version": a["version"], "answers": {"feels_safe": "yes", "lonely": "always", "made_up": "x"}},
    )
    assert bad.status_code == 422
    fields = {e["field"]: e["message"] for e in bad.json()["errors"]}
    assert set(fields) == {"feels_safe", "lonely", "made_up"}
    assert "must be one of never, sometimes, often" in fields["lonely"]
    saved = client.put(f"/assessments/{a['id']}", {"version": a["version"], "answers": {"feels_safe": False}})
    assert saved.status_code == 200 and saved.json()["answers"] == {"feels_safe": False}
    incomplete = client.post(
        f"/assessments/{a['id']}/complete",
        {"version": saved.json()["version"], "answers": {"feels_safe": False}, "situation": "Alone"},
    )
    assert incomplete.status_code == 422
    assert {"how_are_you", "safety_detail", "food", "money", "privacy_notice_given"} == {
        e["field"] for e in incomplete.json()["errors"]
    }
    done = client.post(
        f"/assessments/{a['id']}/complete",
        {
            "version": saved.json()["version"],
            "situation": "Alone",
            "privacy_notice_given": True,
            "answers": {"how_are_you": "Low", "feels_safe": True, "food": True, "money": False},
        },
    )
    assert done.status_code == 200 and done.json()["status"] == "completed"
    assert Assessment.objects.get().is_completed


def test_a_stale_save_gets_409(world, api, assessment):
    client = api(world.practitioner)
    client.put(f"/assessments/{assessment.pk}", {"version": assessment.version, "answers": {"food": True}})
    stale = client.put(
        f"/assessments/{assessment.pk}", {"version": assessment.version, "answers": {"food": False}}
    )
    assert stale.status_code == 409


@pytest.mark.parametrize("name", ["initiative_admin", "district_worker", "delivery_worker", "outsider"])
def test_assessments_and_needs_are_404_outside_the_holding_organisation(world, api, assessment, needs, name):
    need = services.need_record(user=world.practitioner, case=assessment.case, definition=needs["food"])
    client = api(getattr(world, name))
    assert client.get(f"/assessments/{assessment.pk}").status_code == 404
    assert client.get(f"/assessments/cases/{assessment.case_id}/assessments").status_code == 404
    assert client.get(f"/assessments/cases/{assessment.case_id}/needs").status_code == 404
    assert (
        client.post(f"/assessments/needs/{need.pk}/status", {"status": "resolved", "version": 1}).status_code
        == 404
    )


def test_oversight_reads_but_gets_403_changing(world, api, assessment):
    client = api(world.case_manager)
    assert client.get(f"/assessments/{assessment.pk}").status_code == 200
    assert (
        client.put(
            f"/assessments/{assessment.pk}", {"version": assessment.version, "answers": {}}
        ).status_code
        == 403
    )


def test_needs_are_recorded_and_their_status_changed(world, api, assessment, needs):
    client = api(world.practitioner)
    made = client.post(
        f"/assessments/cases/{assessment.case_id}/needs",
        {
            "definition_id": needs["debt_advice"].pk,
            "note": "Council tax arrears",
            "assessment_id": assessment.pk,
        },
    )
    assert made.status_code == 201
    need = made.json()
    again = client.post(
        f"/assessments/cases/{assessment.case_id}/needs", {"definition_id": needs["debt_advice"].pk}
    )
    assert again.status_code == 422 and again.json()["errors"][0]["field"] == "definition"
    changed = client.post(
        f"/assessments/needs/{need['id']}/status", {"status": "planned", "version": need["version"]}
    )
    assert changed.status_code == 200 and changed.json()["status"] == "planned"
    assert (
        client.post(
            f"/assessments/needs/{need['id']}/status", {"status": "resolved", "version": need["version"]}
        ).status_code
        == 409
    )
    assert Need.objects.get().status == "planned"
    listed = client.get(f"/assessments/cases/{assessment.case_id}/needs").json()
    assert [n["definition_code"] for n in listed] == ["debt_advice"]


def test_need_counts_are_for_the_lead_only(world, api, active_case, needs):
    services.need_record(user=world.practitioner, case=active_case, definition=needs["food"])
    counts = api(world.initiative_admin).get(
        "/assessments/need-counts", {"initiative_id": world.initiative.pk}
    )
    assert counts.status_code == 200
    assert {c["code"]: c["counts"] for c in counts.json()}["food"] == {"identified": 1}
    assert (
        api(world.district_worker)
        .get("/assessments/need-counts", {"initiative_id": world.initiative.pk})
        .status_code
        == 403
    )
