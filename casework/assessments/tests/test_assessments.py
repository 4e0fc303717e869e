"""Situation assessments and needs: made by the case's workers with a versioned form, private to the
holder."""

import pytest

from casework.assessments import selectors, services
from casework.assessments.models import Assessment, AssessmentFormVersion, Need
from casework.assessments.tests.conftest import NEEDS_CHECK_ANSWERS
from casework.audit.models import AccessEvent, AuditEvent
from casework.core.errors import ConflictError, DomainError, PermissionRefused, ValidationFailed
from casework.core.permissions import has_perm


def _complete(world, assessment, answers=NEEDS_CHECK_ANSWERS, **kwargs):
    values = {
        "situation": "Widowed, not eating well, worried about bills",
        "privacy_notice_given": True,
        **kwargs,
    }
    return services.assessment_save(
        user=world.practitioner,
        assessment=assessment,
        version=assessment.version,
        answers=answers,
        complete=True,
        **values,
    )


def test_installing_the_shipped_forms_twice_adds_them_once(world, forms):
    assert set(forms) == {"strengths_based", "carers", "needs_check"}
    assert (
        services.assessment_forms_install_standard(user=world.org_admin, organisation_id=world.county.pk)
        == []
    )


def test_only_the_organisations_admin_changes_its_forms(world, forms):
    for user in (world.practitioner, world.team_manager, world.initiative_admin, world.district_worker):
        with pytest.raises(PermissionRefused):
            services.assessment_forms_install_standard(user=user, organisation_id=world.county.pk)


def test_a_draft_is_saved_partial_and_completing_checks_required_answers(world, assessment):
    services.assessment_save(
        user=world.practitioner,
        assessment=assessment,
        version=assessment.version,
        answers={"how_are_you": "Not great"},
    )
    assert assessment.answers == {"how_are_you": "Not great"} and not assessment.is_completed
    with pytest.raises(ValidationFailed) as refused:
        _complete(
            world, assessment, answers={"how_are_you": "Not great"}, situation="", privacy_notice_given=False
        )
    assert set(refused.value.errors) == {"feels_safe", "food", "money", "situation", "privacy_notice_given"}
    assessment.refresh_from_db()
    assert assessment.answers == {"how_are_you": "Not great"} and not assessment.is_completed


def test_completing_keeps_the_answers_and_the_assessment_cannot_change_after(world, assessment):
    _complete(world, assessment)
    assessment.refresh_from_db()
    assert assessment.is_completed and assessment.completed_by == world.practitioner
    assert assessment.answers == NEEDS_CHECK_ANSWERS
    event = AuditEvent.objects.get(verb="assessments.assessment_completed")
    # The audit says which answers changed, never what they say.
    assert "widowed" not in str(event.changes).lower()
    with pytest.raises(DomainError, match="completed"):
        _complete(world, assessment)


def test_a_stale_save_is_refused_and_nothing_is_lost(world, assessment):
    version = assessment.version
    services.assessment_save(
        user=world.practitioner, assessment=assessment, version=version, answers={"how_are_you": "First"}
    )
    stale = Assessment.objects.get(pk=assessment.pk)
    stale.version = version
    with pytest.raises(ConflictError):
        services.assessment_save(
            user=world.team_manager, assessment=stale, version=version, answers={"how_are_you": "Second"}
        )
    assert Assessment.objects.get(pk=assessment.pk).answers == {"how_are_you": "First"}


def test_an_assessment_keeps_its_form_version_after_the_form_changes(world, forms, assessment):
    _complete(world, assessment)
    form = forms["needs_check"]
    new_schema = {
        "sections": [
            {
                "id": "check",
                "title": "Check",
                "questions": [{"id": "mood", "label": "How is your mood?", "type": "text", "required": True}],
            }
        ]
    }
    services.assessment_form_revise(
        user=world.org_admin, form=form, based_on=1, schema=new_schema, name=form.name, change_note="Shorter"
    )
    assessment.refresh_from_db()
    assert assessment.form_version.number == 1 and "how_are_you" in str(assessment.form_version.schema)
    later = services.assessment_start(
        user=world.practitioner, case=assessment.case, form=form, method="phone"
    )
    assert later.form_version.number == 2
    with pytest.raises(ValidationFailed) as refused:
        services.assessment_save(
            user=world.practitioner, assessment=later, version=later.version, answers={"how_are_you": "x"}
        )
    assert "not on this version" in refused.value.errors["how_are_you"]


def test_two_admins_revising_the_same_version_cannot_both_win(world, forms):
    form = forms["carers"]
    schema = AssessmentFormVersion.objects.get(form=form, number=1).schema
    services.assessment_form_revise(user=world.org_admin, form=form, based_on=1, schema=schema, name="Carers")
    with pytest.raises(ConflictError):
        services.assessment_form_revise(
            user=world.org_admin, form=form, based_on=1, schema=schema, name="Carer's assessment"
        )
    assert form.versions.count() == 2


def test_a_form_with_problems_is_refused_with_each_problem(world, forms):
    with pytest.raises(ValidationFailed) as refused:
        services.assessment_form_revise(
            user=world.org_admin,
            form=forms["carers"],
            based_on=1,
            name="Carers",
            schema={
                "sections": [
                    {"id": "a", "title": "A", "questions": [{"id": "q", "label": "Q", "type": "number"}]}
                ]
            },
        )
    assert "Section 1, question 1: needs a type" in refused.value.errors["schema"]
    assert forms["carers"].versions.count() == 1


def test_only_the_cases_workers_assess_and_not_before_it_is_accepted(world, unallocated, forms):
    with pytest.raises(DomainError, match="Accept the case"):
        services.assessment_start(
            user=world.team_manager, case=unallocated, form=forms["needs_check"], method="phone"
        )


@pytest.mark.parametrize(
    "name", ["practitioner2", "case_manager", "district_worker", "delivery_worker", "initiative_admin"]
)
def test_others_cannot_assess(world, active_case, forms, name):
    with pytest.raises(PermissionRefused):
        services.assessment_start(
            user=getattr(world, name), case=active_case, form=forms["needs_check"], method="phone"
        )


def test_another_organisations_form_cannot_be_used(world, active_case, forms):
    services.assessment_forms_install_standard(
        user=_admin_of(world.district), organisation_id=world.district.pk
    )
    theirs = world.district.assessment_forms.get(code="carers")
    with pytest.raises(ValidationFailed):
        services.assessment_start(user=world.practitioner, case=active_case, form=theirs, method="phone")


def _admin_of(organisation):
    from tests.factories import MembershipFactory, UserFactory

    user = UserFactory()
    MembershipFactory(user=user, organisation=organisation, role="org_admin")
    return user


@pytest.mark.parametrize(
    ("name", "visible"),
    [
        ("practitioner", True),
        ("practitioner2", True),
        ("team_manager", True),
        ("case_manager", True),
        ("auditor", True),
        ("initiative_admin", False),
        ("district_worker", False),
        ("delivery_worker", False),
        ("outsider", False),
        ("no_roles", False),
    ],
)
def test_the_assessment_is_private_to_the_holding_organisation(world, assessment, name, visible):
    from django.http import Http404

    user = getattr(world, name)
    assert has_perm(user, "assessments.view_assessment", assessment.case) is visible
    assert selectors.assessment_list_for_case(user=user, case=assessment.case).exists() is visible
    if visible:
        assert selectors.assessment_get_for_user(user=user, assessment_id=assessment.pk) == assessment
        assert AccessEvent.objects.filter(verb="assessments.assessment_viewed", actor=user).exists()
    else:
        with pytest.raises(Http404):
            selectors.assessment_get_for_user(user=user, assessment_id=assessment.pk)


def test_needs_are_recorded_once_and_their_status_history_kept(world, assessment, needs):
    need = services.need_record(
        user=world.practitioner,
        case=assessment.case,
        definition=needs["food"],
        note="Cannot get to the shops",
        assessment=assessment,
    )
    with pytest.raises(ValidationFailed, match="already recorded"):
        services.need_record(user=world.practitioner, case=assessment.case, definition=needs["food"])
    services.need_update(
        user=world.practitioner, need=need, version=need.version, status="planned", note="Foodbank to deliver"
    )
    services.need_update(user=world.team_manager, need=need, version=need.version, status="resolved")
    assert [(c.from_status, c.to_status) for c in selectors.need_history(need=need)] == [
        ("", "identified"),
        ("identified", "planned"),
        ("planned", "resolved"),
    ]
    # A resolved need can be recorded again if it comes back.
    again = services.need_record(user=world.practitioner, case=assessment.case, definition=needs["food"])
    assert again.pk != need.pk
    assert AuditEvent.objects.filter(verb="assessments.need_status_changed").count() == 2


def test_a_retired_or_other_initiatives_need_cannot_be_recorded(world, active_case, needs):
    definition = needs["loneliness"]
    services.need_definition_retire(
        user=world.initiative_admin, definition=definition, version=definition.version
    )
    with pytest.raises(ValidationFailed):
        services.need_record(user=world.practitioner, case=active_case, definition=definition)


def test_a_stale_need_update_is_refused(world, active_case, needs):
    need = services.need_record(user=world.practitioner, case=active_case, definition=needs["debt_advice"])
    version = need.version
    services.need_update(user=world.practitioner, need=need, version=version, status="planned")
    with pytest.raises(ConflictError):
        services.need_update(
            user=world.team_manager, need=Need.objects.get(pk=need.pk), version=version, status="rejected"
        )


def test_the_lead_sees_counts_of_needs_by_definition_and_nothing_else(world, active_case, needs):
    services.need_record(user=world.practitioner, case=active_case, definition=needs["food"])
    services.need_record(
        user=world.practitioner, case=active_case, definition=needs["debt_advice"], status="planned"
    )
    counts = selectors.need_counts_by_definition(
        user=world.initiative_admin, initiative_id=world.initiative.pk
    )
    assert counts == {needs["food"].pk: {"identified": 1}, needs["debt_advice"].pk: {"planned": 1}}
    assert (
        selectors.need_counts_by_definition(user=world.district_worker, initiative_id=world.initiative.pk)
        == {}
    )
    assert not selectors.need_list_for_case(user=world.initiative_admin, case=active_case).exists()
    # The county is the lead here, so its own caseworkers see the case; a district-held case stays hidden.


def test_it_installs_the_shipped_forms_for_every_responsible_organisation_once(world):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("install_assessment_forms", stdout=out)
    assert "Added 9 forms" in out.getvalue()  # the county, the district and the other council, three each
    assert set(world.district.assessment_forms.values_list("code", flat=True)) == {
        "strengths_based",
        "carers",
        "needs_check",
    }
    assert not world.foodbank.assessment_forms.exists()
    call_command("install_assessment_forms", stdout=(again := StringIO()))
    assert "Added 0 forms" in again.getvalue()


def test_an_assessment_cannot_start_before_advocacy_is_decided(world, unallocated, forms):
    from casework.allocation import services as allocation
    from casework.careact.tests.steps import record_no_advocacy_needed

    case = allocation.case_accept(user=world.practitioner, case=unallocated)
    with pytest.raises(DomainError, match="advocate"):
        services.assessment_start(
            user=world.practitioner, case=case, form=forms["needs_check"], method="phone"
        )
    record_no_advocacy_needed(user=world.practitioner, case=case)
    assert services.assessment_start(
        user=world.practitioner, case=case, form=forms["needs_check"], method="phone"
    ).pk
