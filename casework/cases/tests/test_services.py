"""Case services: raising, accepting, stages (forward, back, restart), statuses, workers; all audited."""

import pytest

from casework.allocation import policies as allocation_policies
from casework.allocation import services as allocation
from casework.audit.models import AuditEvent
from casework.careact.tests.steps import record_ready_for_support
from casework.cases import policies, selectors, services
from casework.cases.errors import LifecycleRefused
from casework.cases.models import Case, CaseAssignment, StageProgress
from casework.core.errors import ConflictError, DomainError, PermissionRefused, ValidationFailed
from casework.plans.charging_gates import FINANCIAL_ASSESSMENT_NOT_STARTED as FA_NOT_STARTED
from tests.factories import HouseholdFactory


def test_raise_a_case_about_a_person(world, risk):
    case = services.case_raise(
        user=world.duty_officer,
        person=world.person,
        origin="third_party_concern",
        risk_category=risk["medium"],
        priority="urgent",
        summary="Neighbour worried",
    )
    assert case.reference.startswith("CW-")
    assert (case.status, case.stage) == ("planned", "intake")
    assert case.raised_by_organisation == world.county
    assert case.responsible_organisation is None
    assert case.area == "RG40"
    event = AuditEvent.objects.get(verb="cases.case_raised")
    assert (event.case_id, event.person_id) == (case.pk, world.person.pk)


def test_references_are_unique_and_sequential(world):
    first = services.case_raise(user=world.practitioner, person=world.person, origin="risk_index")
    second = services.case_raise(user=world.practitioner, person=world.person, origin="risk_index")
    assert first.reference != second.reference
    assert int(second.reference[-6:]) == int(first.reference[-6:]) + 1


def test_raise_about_a_household(world):
    household = HouseholdFactory(created_by_organisation=world.county)
    case = services.case_raise(user=world.practitioner, household=household, origin="risk_index")
    assert case.household == household


def test_a_case_has_exactly_one_subject(world):
    with pytest.raises(ValidationFailed):
        services.case_raise(user=world.practitioner, origin="risk_index")


def test_self_referral_makes_the_receiving_organisation_responsible(world):
    case = services.case_raise(
        user=world.district_worker, person=world.district_person, origin="self_referral", responsible_now=True
    )
    assert case.responsible_organisation == world.district
    assert case.stage == "awaiting_allocation"


def test_holding_a_case_gives_the_organisation_a_relationship_with_the_person(world, risk):
    from casework.people.policies import can_view_person

    assert not can_view_person(world.district_worker, world.person)
    case = services.case_raise(user=world.practitioner, person=world.person, origin="risk_index")
    allocation.allocation_policy_set_fallback(
        user=world.initiative_admin, initiative_id=world.initiative.pk, organisation=world.district
    )
    allocation.case_allocate(user=world.initiative_admin, case=case)
    case.refresh_from_db()
    assert case.responsible_organisation == world.district
    assert can_view_person(world.district_worker, world.person)


def test_accept_makes_the_practitioner_primary_and_the_case_active(world, unallocated):
    case = allocation.case_accept(user=world.practitioner, case=unallocated)
    case.refresh_from_db()
    assert case.primary_worker == world.practitioner
    assert case.allocated_team == world.team
    assert (case.status, case.stage) == ("active", "contact")
    assert case.allocated_at is not None
    assert AuditEvent.objects.filter(verb="cases.case_accepted", case_id=case.pk).exists()


def test_accept_refused_for_other_organisations_and_read_only_roles(world, unallocated):
    for user in (world.district_worker, world.case_manager, world.auditor, world.duty_officer):
        with pytest.raises(PermissionRefused):
            allocation.case_accept(user=user, case=unallocated)


def test_a_stale_accept_is_refused(world, unallocated):
    stale = Case.objects.get(pk=unallocated.pk)
    allocation.case_accept(user=world.practitioner, case=unallocated)
    with pytest.raises((ConflictError, PermissionRefused)):
        allocation.case_accept(user=world.practitioner2, case=stale, version=stale.version)
    assert Case.objects.get(pk=unallocated.pk).primary_worker == world.practitioner


def test_team_manager_assigns_only_members_of_the_responsible_organisation(world, unallocated):
    with pytest.raises(ValidationFailed):
        allocation.case_assign_worker(user=world.team_manager, case=unallocated, worker=world.district_worker)
    with pytest.raises(PermissionRefused):
        allocation.case_assign_worker(user=world.practitioner, case=unallocated, worker=world.practitioner2)
    allocation.case_assign_worker(user=world.team_manager, case=unallocated, worker=world.practitioner2)
    assert Case.objects.get(pk=unallocated.pk).primary_worker == world.practitioner2


def test_reassign_needs_a_reason_and_the_previous_worker_loses_editing(world, active_case):
    with pytest.raises(ValidationFailed):
        allocation.case_reassign_worker(
            user=world.team_manager, case=active_case, worker=world.practitioner2, reason=""
        )
    allocation.case_reassign_worker(
        user=world.team_manager,
        case=active_case,
        worker=world.practitioner2,
        reason="Worker on long-term leave",
    )
    case = Case.objects.get(pk=active_case.pk)
    assert case.primary_worker == world.practitioner2
    assert not policies.can_work_case(world.practitioner, case)
    assert policies.can_view_case(world.practitioner, case)
    ended = CaseAssignment.objects.get(case=case, user=world.practitioner)
    assert ended.ended_at is not None and ended.end_reason == "Worker on long-term leave"


def test_secondary_worker_sees_and_works_the_case_and_case_manager_only_reads(world, active_case):
    services.case_add_worker(user=world.practitioner, case=active_case, worker=world.practitioner2)
    services.case_add_worker(
        user=world.practitioner, case=active_case, worker=world.case_manager, role="case_manager"
    )
    case = Case.objects.get(pk=active_case.pk)
    assert policies.can_work_case(world.practitioner2, case)
    assert not policies.can_work_case(world.case_manager, case)
    assert policies.can_view_case(world.case_manager, case)
    assert list(selectors.my_cases(user=world.practitioner2)) == [case]
    services.case_remove_worker(user=world.practitioner, case=case, worker=world.practitioner2, reason="Done")
    assert not policies.can_work_case(world.practitioner2, Case.objects.get(pk=case.pk))


def test_adding_someone_twice_or_from_another_organisation_is_refused(world, active_case):
    services.case_add_worker(user=world.practitioner, case=active_case, worker=world.practitioner2)
    with pytest.raises(DomainError):
        services.case_add_worker(user=world.practitioner, case=active_case, worker=world.practitioner2)
    with pytest.raises(ValidationFailed):
        services.case_add_worker(user=world.practitioner, case=active_case, worker=world.district_worker)


def test_moving_through_stages_going_back_and_forward_again(world, assessable_case):
    case = assessable_case
    record_ready_for_support(user=world.practitioner, case=case)
    services.case_move_stage(user=world.practitioner, case=case, stage="assessment")
    services.case_move_stage(
        user=world.practitioner, case=case, stage="planning", acknowledged=[FA_NOT_STARTED]
    )
    services.case_move_stage(user=world.practitioner, case=case, stage="assessment", note="Amend needs")
    assert case.stage == "assessment"
    # Later progress is kept, so the worker can return straight to Support's predecessor and on.
    services.case_move_stage(
        user=world.practitioner, case=case, stage="planning", acknowledged=[FA_NOT_STARTED]
    )
    services.case_move_stage(user=world.practitioner, case=case, stage="support")
    assert Case.objects.get(pk=case.pk).stage == "support"
    verbs = list(AuditEvent.objects.filter(case_id=case.pk).values_list("verb", flat=True))
    assert "cases.stage_went_back" in verbs


def test_a_refused_move_says_why_and_changes_nothing(world, active_case):
    with pytest.raises(LifecycleRefused) as error:
        services.case_move_stage(user=world.practitioner, case=active_case, stage="support")
    assert "can move on to Assessment or Closing" in error.value.message
    assert Case.objects.get(pk=active_case.pk).stage == "contact"


def test_restart_resets_later_progress_without_deleting_it(world, assessable_case):
    case = assessable_case
    record_ready_for_support(user=world.practitioner, case=case)
    for stage in ("assessment", "planning", "support"):
        services.case_move_stage(user=world.practitioner, case=case, stage=stage)
    rows_before = StageProgress.objects.filter(case=case).count()
    services.case_restart_from(
        user=world.practitioner, case=case, stage="assessment", reason="Assessed the wrong household member"
    )
    assert case.stage == "assessment"
    assert StageProgress.objects.filter(case=case).count() == rows_before + 1
    reset = StageProgress.objects.filter(case=case, reset_at__isnull=False)
    assert set(reset.values_list("stage", flat=True)) == {"assessment", "planning", "support"}
    # Cannot jump forward past the reset stages any more.
    with pytest.raises(LifecycleRefused):
        services.case_move_stage(user=world.practitioner, case=case, stage="support")


def test_only_workers_and_managers_change_a_case(world, assessable_case):
    for user in (world.practitioner2, world.case_manager, world.duty_officer, world.district_worker):
        with pytest.raises(PermissionRefused):
            services.case_move_stage(user=user, case=assessable_case, stage="assessment")
    services.case_move_stage(user=world.team_manager, case=assessable_case, stage="assessment")


def test_on_hold_and_resume_and_finish(world, active_case):
    case = active_case
    with pytest.raises(ValidationFailed):
        services.case_change_status(user=world.practitioner, case=case, status="on_hold")
    services.case_change_status(user=world.practitioner, case=case, status="on_hold", reason="In hospital")
    assert list(selectors.my_cases(user=world.practitioner)) == [case]  # dormant cases stay listed
    services.case_change_status(user=world.practitioner, case=case, status="active")
    with pytest.raises(LifecycleRefused, match="closing it with an outcome"):
        services.case_change_status(user=world.practitioner, case=case, status="finished")
    from casework.cases.closing import case_close

    case_close(user=world.practitioner, case=case, outcome="no_needs_found")
    case.refresh_from_db()
    assert case.closed_at is not None
    assert list(selectors.my_cases(user=world.practitioner)) == []
    with pytest.raises(PermissionRefused):
        services.case_move_stage(user=world.practitioner, case=case, stage="review")


def test_a_stale_stage_move_is_refused(world, assessable_case):
    stale = Case.objects.get(pk=assessable_case.pk)
    services.case_move_stage(user=world.practitioner, case=assessable_case, stage="assessment")
    with pytest.raises(ConflictError):
        services.case_move_stage(user=world.practitioner, case=stale, stage="closing", version=stale.version)


def test_transfer_moves_the_case_and_the_old_organisation_loses_it(world, active_case):
    with pytest.raises(ValidationFailed):
        allocation.case_transfer(
            user=world.team_manager, case=active_case, organisation=world.district, reason=""
        )
    with pytest.raises(ValidationFailed):
        allocation.case_transfer(
            user=world.team_manager, case=active_case, organisation=world.foodbank, reason="Wrong kind"
        )
    allocation.case_transfer(
        user=world.team_manager, case=active_case, organisation=world.district, reason="They hold the tenancy"
    )
    case = Case.objects.get(pk=active_case.pk)
    assert case.responsible_organisation == world.district
    assert (case.status, case.stage, case.primary_worker) == ("planned", "awaiting_allocation", None)
    assert not policies.can_view_case(world.practitioner, case)
    assert policies.can_view_case(world.district_worker, case)
    assert allocation_policies.can_accept_case(world.district_worker, case)


def test_lead_initiative_admin_sees_the_case_index_but_not_the_case(world, active_case):
    assert policies.can_view_case_index(world.initiative_admin, active_case)
    assert not policies.can_view_case(world.initiative_admin, active_case)
    assert not policies.can_view_case_index(world.district_worker, active_case)
