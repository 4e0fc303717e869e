"""The assessing pages: forms for organisation admins, assessments and needs for the case's workers."""

import pytest
from django.urls import reverse

from casework.assessments import services
from casework.assessments.models import Assessment, AssessmentFormVersion, Need
from casework.assessments.tests.conftest import NEEDS_CHECK_ANSWERS


def _case_page(case):
    # The case's assessments and needs are its "Assessment and needs" section.
    return reverse("cases:case_assessment", args=[case.pk])


def test_a_worker_starts_fills_in_and_completes_an_assessment(world, login, forms, active_case):
    client = login(world.practitioner)
    page = client.get(reverse("assessments:assessment_start", args=[active_case.pk]))
    assert "Strengths-based assessment" in page.content.decode()
    response = client.post(
        reverse("assessments:assessment_start", args=[active_case.pk]),
        {"form": forms["strengths_based"].pk, "method": "face_to_face"},
    )
    assessment = Assessment.objects.get()
    assert response["Location"] == reverse("assessments:assessment_edit", args=[assessment.pk])
    edit = reverse("assessments:assessment_edit", args=[assessment.pk])
    draft = {
        "version": assessment.version,
        "method": "face_to_face",
        "action": "save",
        "a_own_words": "Since my fall I can't get upstairs",
        "a_has_unpaid_carer": "yes",
        "a_next_contact_0": "3",
        "a_next_contact_1": "4",
        "a_next_contact_2": "2027",
    }
    assert client.post(edit, draft).status_code == 302
    assessment.refresh_from_db()
    assert assessment.answers == {
        "own_words": "Since my fall I can't get upstairs",
        "has_unpaid_carer": True,
        "next_contact": "2027-04-03",
    }
    # Completing names each question still to answer, including the one the carer answer brought in.
    refused = client.post(edit, {**draft, "version": assessment.version, "action": "complete"})
    body = refused.content.decode()
    assert refused.status_code == 200 and "govuk-error-summary" in body
    assert "Answer ‘Who is that, and how are they related to you?’" in body
    assert 'href="#id_a_carer_name"' in body
    assert "Enter a summary of the person&#x27;s situation" in body
    assessment.refresh_from_db()
    assert not assessment.is_completed
    complete = {
        **draft,
        "version": assessment.version,
        "action": "complete",
        "a_what_matters": "My garden",
        "a_outcomes_wanted": "To sleep in my own bed",
        "a_strengths": "Determined",
        "a_carer_name": "Sue, daughter",
        "a_carer_offered_assessment": "no",
        "a_risks": "Falls",
        "a_risk_level": "medium",
        "a_capacity_concern": "no",
        "situation": "Lives alone after a fall",
        "privacy_notice_given": "on",
    }
    done = client.post(edit, complete)
    assert done["Location"] == reverse("assessments:assessment_detail", args=[assessment.pk])
    detail = client.get(done["Location"]).content.decode()
    assert "To sleep in my own bed" in detail and "3 April 2027" in detail and "Completed" in detail
    # A completed assessment is read, not edited.
    assert client.get(edit)["Location"] == reverse("assessments:assessment_detail", args=[assessment.pk])


def test_a_stale_draft_shows_the_conflict_and_keeps_the_other_save(world, login, assessment):
    client = login(world.practitioner)
    services.assessment_save(
        user=world.team_manager,
        assessment=assessment,
        version=assessment.version,
        answers={"how_are_you": "Theirs"},
    )
    page = client.post(
        reverse("assessments:assessment_edit", args=[assessment.pk]),
        {"version": assessment.version - 1, "method": "phone", "action": "save", "a_how_are_you": "Mine"},
    )
    assert "Somebody else saved this assessment" in page.content.decode()
    assert Assessment.objects.get().answers == {"how_are_you": "Theirs"}


def test_needs_are_recorded_and_updated_from_the_case(world, login, assessment, needs):
    client = login(world.practitioner)
    add = reverse("assessments:need_add", args=[assessment.case_id])
    response = client.post(
        f"{add}?assessment={assessment.pk}",
        {
            "assessment": assessment.pk,
            "definition": needs["food"].pk,
            "status": "identified",
            "note": "No food in",
        },
    )
    need = Need.objects.get()
    assert need.assessment == assessment and response["Location"] == assessment.get_absolute_url()
    refused = client.post(add, {"definition": needs["food"].pk, "status": "identified"})
    assert "already recorded" in refused.content.decode()
    edit = reverse("assessments:need_edit", args=[need.pk])
    client.post(edit, {"status": "planned", "note": "Foodbank parcel", "version": need.version})
    need.refresh_from_db()
    assert need.status == "planned"
    page = client.get(_case_page(assessment.case)).content.decode()
    assert "Access to food" in page and "Planned" in page


@pytest.mark.parametrize("name", ["initiative_admin", "district_worker", "delivery_worker", "outsider"])
def test_people_outside_the_holding_organisation_get_404(world, login, assessment, needs, name):
    need = services.need_record(user=world.practitioner, case=assessment.case, definition=needs["food"])
    client = login(getattr(world, name))
    for url in (
        reverse("assessments:assessment_detail", args=[assessment.pk]),
        reverse("assessments:assessment_edit", args=[assessment.pk]),
        reverse("assessments:need_edit", args=[need.pk]),
        reverse("assessments:assessment_start", args=[assessment.case_id]),
        reverse("assessments:need_add", args=[assessment.case_id]),
    ):
        assert client.get(url).status_code == 404, url


def test_the_lead_sees_counts_not_needs(world, login, assessment, needs):
    services.need_record(user=world.practitioner, case=assessment.case, definition=needs["food"])
    services.need_record(
        user=world.practitioner, case=assessment.case, definition=needs["debt_advice"], status="resolved"
    )
    page = login(world.initiative_admin).get(reverse("assessments:need_definitions")).content.decode()
    assert (
        "Access to food" in page and '<td class="govuk-table__cell govuk-table__cell--numeric">1</td>' in page
    )
    case_page = login(world.initiative_admin).get(_case_page(assessment.case))
    # The lead's admin works no case of a partner: the case page is not theirs to open.
    assert case_page.status_code == 404


def test_oversight_reads_but_cannot_assess(world, login, assessment):
    client = login(world.case_manager)
    assert client.get(reverse("assessments:assessment_detail", args=[assessment.pk])).status_code == 200
    assert client.get(reverse("assessments:assessment_edit", args=[assessment.pk])).status_code == 403
    assert client.get(reverse("assessments:assessment_start", args=[assessment.case_id])).status_code == 403


def test_the_org_admin_changes_a_form_as_a_new_version(world, login, forms):
    client = login(world.org_admin)
    carers = forms["carers"]
    assert "Carer&#x27;s assessment" in client.get(reverse("assessments:assessment_forms")).content.decode()
    edit = reverse("assessments:assessment_form_edit", args=[carers.pk])
    bad = client.post(edit, {"name": "Carer's assessment", "schema": "{not json", "based_on": 1})
    assert "not valid JSON" in bad.content.decode()
    broken = client.post(
        edit,
        {
            "name": "Carer's assessment",
            "based_on": 1,
            "schema": '{"sections": [{"id": "a", "title": "A", "questions": [{"id": "q", "label": "Q"}]}]}',
        },
    )
    assert "Section 1, question 1: needs a type" in broken.content.decode()
    assert carers.versions.count() == 1
    ok = client.post(
        edit,
        {
            "name": "Carer's assessment",
            "based_on": 1,
            "change_note": "One question",
            "schema": '{"sections": [{"id": "a", "title": "A", "questions": '
            '[{"id": "q", "label": "How are you?", "type": "text"}]}]}',
        },
    )
    assert ok.status_code == 302
    assert AssessmentFormVersion.objects.filter(form=carers).count() == 2
    old = client.get(reverse("assessments:assessment_form_version", args=[carers.pk, 1])).content.decode()
    assert "Who do you look after" in old


def test_only_org_admins_manage_forms(world, login, forms):
    for user in (world.practitioner, world.team_manager, world.initiative_admin):
        client = login(user)
        assert client.get(reverse("assessments:assessment_forms")).status_code == 403
        assert (
            client.get(reverse("assessments:assessment_form_edit", args=[forms["carers"].pk])).status_code
            == 403
        )
    assert (
        login(world.outsider)
        .get(reverse("assessments:assessment_form_detail", args=[forms["carers"].pk]))
        .status_code
        == 404
    )


def test_the_case_page_query_count_does_not_grow_with_assessments_and_needs(
    world, login, forms, active_case, needs, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def assess():
        a = services.assessment_start(
            user=world.practitioner, case=active_case, form=forms["needs_check"], method="phone"
        )
        services.assessment_save(
            user=world.practitioner,
            assessment=a,
            version=a.version,
            answers=NEEDS_CHECK_ANSWERS,
            situation="x",
            privacy_notice_given=True,
            complete=True,
        )

    # One of each first: a case with no assessment or need reads neither list (the case page asks whether
    # it has any with the case).
    definitions = list(needs.values())
    assess()
    services.need_record(user=world.practitioner, case=active_case, definition=definitions[0])
    client = login(world.practitioner)
    url = _case_page(active_case)
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for _ in range(3):
        assess()
    for definition in definitions[1:]:
        services.need_record(user=world.practitioner, case=active_case, definition=definition)
    with django_assert_max_num_queries(len(before.captured_queries)):
        client.get(url)
