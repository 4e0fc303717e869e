"""Care Act services: records audited, superseded not overwritten, version-checked; the gates they feed."""

import datetime

import pytest

from casework.audit.models import AuditEvent
from casework.careact import gates, services
from casework.careact.eligibility import (
    PAIN_DISTRESS_ANXIETY,
    TAKES_LONGER,
    WITHOUT_ASSISTANCE,
    OutcomeFinding,
)
from casework.careact.models import (
    AdvocacyDecision,
    EligibilityDetermination,
    FinancialInformationRecord,
    PreventionRecord,
)
from casework.careact.tests.conftest import advocacy_args
from casework.careact.tests.steps import record_no_advocacy_needed, record_prevention
from casework.cases import services as case_services
from casework.cases.errors import LifecycleRefused, WarningsNotAcknowledged
from casework.cases.models import Case
from casework.core import clock
from casework.core.errors import ConflictError, DomainError, PermissionRefused, ValidationFailed
from casework.plans.charging_gates import FINANCIAL_ASSESSMENT_NOT_STARTED as FA_NOT_STARTED
from casework.plans.tests.steps import record_signed_plan

TODAY = datetime.date(2026, 3, 20)


@pytest.fixture(autouse=True)
def _today():
    with clock.frozen_at(datetime.datetime(2026, 3, 20, 10, 0, tzinfo=datetime.UTC)):
        yield


def _needs_advocate(world, case, **overrides):
    return services.advocacy_decision_record(
        user=world.practitioner, case=case, **advocacy_args(referral_on=TODAY, **overrides)
    )


def _move(user, case, stage, **kwargs):
    case = Case.objects.select_related("person").get(pk=case.pk)
    return case_services.case_move_stage(user=user, case=case, stage=stage, **kwargs)


# Advocacy.


def test_the_assessment_is_blocked_until_advocacy_is_decided(world, case):
    assert gates.advocacy_problem(case=case, activity="assessment") == (
        "Record whether Margaret needs an independent advocate before the assessment starts."
    )
    with pytest.raises(LifecycleRefused) as error:
        _move(world.practitioner, case, "assessment")
    assert "independent advocate" in error.value.message
    record_no_advocacy_needed(user=world.practitioner, case=case)
    assert gates.advocacy_problem(case=case, activity="assessment") is None
    assert (
        gates.advocacy_problem(case=case, activity="review") is not None
    )  # each activity is decided on its own
    assert _move(world.practitioner, case, "assessment").stage == "assessment"


def test_an_appropriate_person_means_no_advocate_is_needed(world, case):
    decision = services.advocacy_decision_record(
        user=world.practitioner,
        case=case,
        activity="assessment",
        difficulty_understanding=True,
        difficulty_retaining=True,
        difficulty_using_or_weighing=False,
        difficulty_communicating=False,
        appropriate_person=True,
        appropriate_person_name="Sarah Thornton",
        appropriate_person_relationship="daughter",
    )
    assert not decision.advocate_needed
    assert gates.advocacy_problem(case=case, activity="assessment") is None


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"appropriate_person": True}, "appropriate_person_name"),
        ({"appropriate_person": True, "appropriate_person_name": "Sarah"}, "appropriate_person_relationship"),
        ({"referral_to": "  "}, "referral_to"),
        ({"referral_on": None}, "referral_on"),
        ({"referral_on": TODAY + datetime.timedelta(days=1)}, "referral_on"),
        ({"activity": "lunch"}, "activity"),
    ],
)
def test_bad_advocacy_decisions_are_refused_with_the_field(world, case, overrides, field):
    args = advocacy_args(referral_on=TODAY)
    args.update(overrides)
    with pytest.raises(ValidationFailed) as error:
        services.advocacy_decision_record(user=world.practitioner, case=case, **args)
    assert error.value.field == field
    assert not AdvocacyDecision.objects.exists()


def test_waiting_for_an_advocate_blocks_until_the_advocate_is_in_place(world, case):
    decision = _needs_advocate(world, case)
    assert decision.advocate_needed
    problem = gates.advocacy_problem(case=case, activity="assessment")
    assert problem.startswith("An advocate must be in place before the assessment starts")
    with pytest.raises(LifecycleRefused):
        _move(world.practitioner, case, "assessment")
    with pytest.raises(ValidationFailed) as error:
        services.advocacy_advocate_record(
            user=world.practitioner,
            decision=decision,
            advocate_name="",
            advocate_from=TODAY,
            version=decision.version,
        )
    assert error.value.field == "advocate_name"
    services.advocacy_advocate_record(
        user=world.practitioner,
        decision=decision,
        advocate_name="Priya Natarajan",
        advocate_organisation="Wessex Advocacy Hub",
        advocate_from=TODAY,
        version=decision.version,
    )
    assert gates.advocacy_problem(case=case, activity="assessment") is None
    assert _move(world.practitioner, case, "assessment").stage == "assessment"
    event = AuditEvent.objects.get(verb="careact.advocate_in_place")
    assert (event.case_id, event.person_id, event.actor) == (case.pk, world.person.pk, world.practitioner)
    assert event.changes["advocate_name"] == {"before": "", "after": "Priya Natarajan"}


def test_a_team_manager_may_let_the_assessment_start_before_an_advocate(world, case):
    decision = _needs_advocate(world, case)
    with pytest.raises(PermissionRefused):
        services.advocacy_exception_record(
            user=world.practitioner, decision=decision, reason="Urgent", version=decision.version
        )
    with pytest.raises(ValidationFailed):
        services.advocacy_exception_record(
            user=world.team_manager, decision=decision, reason=" ", version=decision.version
        )
    services.advocacy_exception_record(
        user=world.team_manager,
        decision=decision,
        reason="Discharge cannot wait; the advocate joins at the first visit.",
        version=decision.version,
    )
    decision.refresh_from_db()
    assert (decision.has_exception, decision.exception_by) == (True, world.team_manager)
    assert gates.advocacy_problem(case=case, activity="assessment") is None
    _move(world.practitioner, case, "assessment")
    event = AuditEvent.objects.get(verb="careact.advocacy_exception_recorded")
    assert (event.actor, event.reason) == (
        world.team_manager,
        "Discharge cannot wait; the advocate joins at the first visit.",
    )
    with pytest.raises(DomainError):
        services.advocacy_exception_record(
            user=world.team_manager, decision=decision, reason="Again", version=decision.version
        )


def test_no_exception_or_advocate_where_none_is_needed(world, case):
    decision = record_no_advocacy_needed(user=world.practitioner, case=case)
    with pytest.raises(DomainError):
        services.advocacy_exception_record(
            user=world.team_manager, decision=decision, reason="x", version=decision.version
        )
    with pytest.raises(DomainError):
        services.advocacy_advocate_record(
            user=world.practitioner,
            decision=decision,
            advocate_name="x",
            advocate_from=TODAY,
            version=decision.version,
        )


def test_a_later_decision_supersedes_and_the_history_is_kept(world, case):
    first = record_no_advocacy_needed(user=world.practitioner, case=case)
    second = _needs_advocate(world, case, replaces_id=first.pk, version=first.version)
    first.refresh_from_db()
    assert (first.is_current, first.superseded_by_id) == (False, second.pk)
    assert AdvocacyDecision.objects.filter(case=case).count() == 2
    assert gates.advocacy_problem(case=case, activity="assessment").startswith("An advocate must be in place")
    event = AuditEvent.objects.filter(verb="careact.advocacy_decided").latest("sequence")
    assert event.changes["supersedes"] == {"before": None, "after": first.pk}
    assert event.changes["advocate_needed"]["after"] is True
    # The replaced decision cannot take an advocate any more.
    with pytest.raises(DomainError):
        services.advocacy_advocate_record(
            user=world.practitioner,
            decision=first,
            advocate_name="x",
            advocate_from=TODAY,
            version=first.version,
        )


def test_recording_over_a_decision_you_did_not_see_is_a_conflict(world, case):
    first = record_no_advocacy_needed(user=world.practitioner, case=case)
    with pytest.raises(ConflictError):  # read nothing, but there is a decision now
        _needs_advocate(world, case)
    with pytest.raises(ConflictError):  # read an older version
        _needs_advocate(world, case, replaces_id=first.pk, version=first.version - 1)
    decision = _needs_advocate(world, case, replaces_id=first.pk, version=first.version)
    with pytest.raises(ConflictError):
        services.advocacy_advocate_record(
            user=world.practitioner,
            decision=decision,
            advocate_name="x",
            advocate_from=TODAY,
            version=decision.version + 1,
        )
    assert AdvocacyDecision.objects.filter(case=case).count() == 2


@pytest.mark.parametrize("who", ["case_manager", "practitioner2", "duty_officer", "district_worker"])
def test_only_the_cases_workers_and_managers_record(world, case, who):
    with pytest.raises(PermissionRefused):
        record_no_advocacy_needed(user=getattr(world, who), case=case)
    with pytest.raises(PermissionRefused):
        record_prevention(user=getattr(world, who), case=case)
    record_no_advocacy_needed(user=world.team_manager, case=case)


def test_nothing_is_recorded_on_a_closed_case(world, case):
    case_services.case_change_status(
        user=world.practitioner, case=case, status="cancelled", reason="Moved away"
    )
    with pytest.raises(PermissionRefused) as error:
        record_no_advocacy_needed(user=world.practitioner, case=case)
    assert "closed" in error.value.message


# Prevention and financial information: the Support gate.


def _to_planning(world, case):
    record_no_advocacy_needed(user=world.practitioner, case=case)
    _move(world.practitioner, case, "assessment")
    return _move(world.practitioner, case, "planning", acknowledged=[FA_NOT_STARTED])


def test_support_is_blocked_until_prevention_is_recorded(world, case):
    case = _to_planning(world, case)
    record_signed_plan(user=world.practitioner, case=case)  # the plans app's gate (tested there)
    with pytest.raises(LifecycleRefused) as error:
        _move(world.practitioner, case, "support", acknowledged=["financial_information_not_given"])
    assert error.value.message.startswith(
        "Record the prevention and community services considered for Margaret"
    )
    record = record_prevention(user=world.practitioner, case=case)
    assert record.services_list == ["Reablement", "Lunch club"]
    event = AuditEvent.objects.get(verb="careact.prevention_recorded")
    assert event.changes["why_not_enough"]["after"] == record.why_not_enough
    # Financial information was never given: a warning that must be acknowledged.
    with pytest.raises(WarningsNotAcknowledged) as warned:
        _move(world.practitioner, case, "support")
    assert [w.code for w in warned.value.warnings] == ["financial_information_not_given"]
    moved = _move(world.practitioner, case, "support", acknowledged=["financial_information_not_given"])
    assert moved.stage == "support"
    event = AuditEvent.objects.filter(verb="cases.stage_moved", case_id=case.pk).latest("sequence")
    assert event.changes["warnings_acknowledged"]["after"][0]["code"] == "financial_information_not_given"


def test_with_financial_information_given_support_starts_without_a_warning(world, case):
    case = _to_planning(world, case)
    record_signed_plan(user=world.practitioner, case=case)  # the plans app's gate (tested there)
    record_prevention(user=world.practitioner, case=case)
    services.financial_information_record(
        user=world.practitioner,
        case=case,
        method="verbal",
        given_on=TODAY,
        notes="Explained the financial assessment by phone",
    )
    moved = _move(world.practitioner, case, "support")
    event = AuditEvent.objects.filter(verb="cases.stage_moved", case_id=case.pk).latest("sequence")
    assert moved.stage == "support" and "warnings_acknowledged" not in event.changes
    assert AuditEvent.objects.filter(verb="careact.financial_information_recorded", case_id=case.pk).exists()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"services_considered": "  \n "}, "services_considered"),
        ({"why_not_enough": " "}, "why_not_enough"),
        ({"directory_service_ids": ["4f0c6c43-1d54-4b6c-a7a9-5d1f3b1e0000"]}, "directory_service_ids"),
    ],
)
def test_bad_prevention_records_are_refused(world, case, kwargs, field):
    args = {"services_considered": "Reablement", "why_not_enough": "Needs remain", **kwargs}
    with pytest.raises(ValidationFailed) as error:
        services.prevention_record(user=world.practitioner, case=case, **args)
    assert error.value.field == field
    assert not PreventionRecord.objects.exists()


def test_prevention_keeps_a_snapshot_of_directory_services(world, case):
    from casework.directory.models import Service

    service = Service.objects.create(name="Casterbridge Lunch Club", status="active")
    record = services.prevention_record(
        user=world.practitioner,
        case=case,
        directory_service_ids=[str(service.pk)],
        why_not_enough="She cannot get there without help.",
    )
    assert record.directory_services[0]["name"] == "Casterbridge Lunch Club"
    second = services.prevention_record(
        user=world.practitioner,
        case=case,
        services_considered=["Reablement"],
        why_not_enough="Tried; needs remain.",
        replaces_id=record.pk,
        version=record.version,
    )
    assert PreventionRecord.objects.get(pk=record.pk).superseded_by_id == second.pk


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"method": "pigeon"}, "method"),
        ({"given_on": None}, "given_on"),
        ({"given_on": TODAY + datetime.timedelta(days=1)}, "given_on"),
    ],
)
def test_financial_information_needs_how_and_a_date_not_in_the_future(world, case, kwargs, field):
    args = {"method": "leaflet", "given_on": TODAY, **kwargs}
    with pytest.raises(ValidationFailed) as error:
        services.financial_information_record(user=world.practitioner, case=case, **args)
    assert error.value.field == field
    assert not FinancialInformationRecord.objects.exists()


# Eligibility.


def _determine(world, case, **kwargs):
    args = {
        "kind": "adult",
        "condition_1": True,
        "significant_impact_on_wellbeing": True,
        "outcomes": [
            OutcomeFinding.of("nutrition", WITHOUT_ASSISTANCE),
            OutcomeFinding.of("clothing", TAKES_LONGER),
        ],
        "confirmed_eligible": True,
        "reason": "Assessed at home with her daughter",
        **kwargs,
    }
    return services.eligibility_determination_record(user=world.practitioner, case=case, **args)


def test_an_eligibility_determination_keeps_the_computed_and_confirmed_results(world, case):
    record = _determine(world, case)
    assert (record.computed_eligible, record.confirmed_eligible, record.differs) == (True, True, False)
    assert record.outcomes == {
        "nutrition": ["without_assistance"],
        "clothing": ["takes_significantly_longer"],
    }
    assert record.computed_outcomes == ["nutrition", "clothing"]
    assert record.computed_reasons[-1].startswith("The needs meet the eligibility criteria")
    event = AuditEvent.objects.get(verb="careact.eligibility_determined")
    assert event.changes["computed_eligible"]["after"] is True and event.reason == record.reason


def test_a_decision_differing_from_the_criteria_needs_a_reason_saying_why(world, case):
    one_outcome = [OutcomeFinding.of("nutrition", PAIN_DISTRESS_ANXIETY)]
    with pytest.raises(ValidationFailed) as error:
        _determine(world, case, outcomes=one_outcome, confirmed_eligible=True, reason="")
    assert error.value.field == "reason" and "differs" in error.value.message
    record = _determine(
        world,
        case,
        outcomes=one_outcome,
        confirmed_eligible=True,
        reason="Her needs fluctuate: over the last three months she could not wash on most days.",
    )
    assert (record.computed_eligible, record.confirmed_eligible, record.differs) == (False, True, True)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"confirmed_eligible": None}, "confirmed_eligible"),
        ({"kind": "child"}, "kind"),
        ({"outcomes": [OutcomeFinding("nutrition", unable=True)]}, "outcomes.nutrition"),
        ({"kind": "carer", "outcomes": [OutcomeFinding.of("nutrition", TAKES_LONGER)]}, "outcomes.nutrition"),
    ],
)
def test_bad_determinations_are_refused(world, case, kwargs, field):
    with pytest.raises(ValidationFailed) as error:
        _determine(world, case, **kwargs)
    assert error.value.field == field
    assert not EligibilityDetermination.objects.exists()


def test_a_carers_determination_is_kept_beside_the_adults(world, case):
    adult = _determine(world, case)
    carer = _determine(
        world, case, kind="carer", outcomes=[], health_deteriorating=True, cared_for="Her husband"
    )
    assert carer.computed_eligible and carer.cared_for == "Her husband"
    assert EligibilityDetermination.objects.filter(case=case, superseded_at__isnull=True).count() == 2
    again = _determine(world, case, replaces_id=adult.pk, version=adult.version, confirmed_eligible=True)
    assert EligibilityDetermination.objects.get(pk=adult.pk).superseded_by_id == again.pk
