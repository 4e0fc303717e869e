"""Referrals: refused without a live basis that covers them, made with one; the delivery side's answers."""

import datetime

import pytest
from django.db.models import Q

from casework.assessments.models import NeedStatusChange
from casework.audit.models import AuditEvent
from casework.consent import services as consent_services
from casework.core import clock
from casework.core.errors import ConflictError, DomainError, PermissionRefused, ValidationFailed
from casework.referrals import services
from casework.referrals.models import Referral, ReferralAction

from .conftest import record_consent, refer

TODAY = clock.today


def _nothing_saved(*needs):
    assert not Referral.objects.exists()
    assert not AuditEvent.objects.filter(verb__startswith="referrals.").exists()
    for need in needs:
        need.refresh_from_db()
        assert need.status == "identified"


def test_refused_without_consent(world, active_case, food):
    with pytest.raises(ValidationFailed) as refused:
        refer(world, active_case, [food], basis=None)
    assert refused.value.field == "basis"
    assert "There is no live consent or lawful basis for sharing with Test Foodbank" in refused.value.message
    _nothing_saved(food)


def test_allowed_with_consent_and_the_needs_become_planned(world, active_case, food, consent):
    referral = refer(world, active_case, [food], basis=consent)

    assert referral.reference.startswith("RF-") and referral.status == "sent"
    assert (referral.referring_organisation, referral.delivery_organisation) == (world.county, world.foodbank)
    food.refresh_from_db()
    assert food.status == "planned"
    change = NeedStatusChange.objects.filter(need=food).last()
    assert (change.to_status, change.organisation_id) == ("planned", world.county.pk)
    assert referral.reference in change.note
    event = AuditEvent.objects.get(verb="referrals.referral_sent")
    assert (event.case_id, event.person_id) == (active_case.pk, world.person.pk)
    assert event.changes["shared"]["after"] == ["contact_details", "needs"]


def test_stopped_after_withdrawal(world, active_case, food, consent):
    consent_services.consent_withdraw(
        user=world.practitioner,
        record=consent,
        version=consent.version,
        withdrawn_on=TODAY(),
        withdrawn_by_name="Margaret Thornton",
    )
    with pytest.raises(ValidationFailed, match=r"was withdrawn on .*: record a new consent"):
        refer(world, active_case, [food], basis=consent)
    _nothing_saved(food)


def test_stopped_after_expiry(world, active_case, food):
    basis = record_consent(world, active_case, days_ago=30, expires_in=5)
    with clock.frozen_at(clock.now() + datetime.timedelta(days=5)):
        with pytest.raises(ValidationFailed, match="expired on"):
            refer(world, active_case, [food], basis=basis)
    _nothing_saved(food)
    with clock.frozen_at(clock.now() + datetime.timedelta(days=4)):
        assert refer(world, active_case, [food], basis=basis).status == "sent"


def test_refused_when_the_basis_does_not_cover_the_organisation_or_the_needs(
    world, active_case, food, debt_advice
):
    foodbank_only = record_consent(world, active_case)
    with pytest.raises(ValidationFailed, match="does not cover sharing with Test Debt Advice"):
        refer(world, active_case, [food], basis=foodbank_only, organisation=debt_advice)
    contact_only = record_consent(world, active_case, categories=["contact_details"])
    with pytest.raises(ValidationFailed, match="does not cover sharing the person’s needs"):
        refer(world, active_case, [food], basis=contact_only)
    _nothing_saved(food)


def test_the_basis_must_be_on_the_case(world, active_case, food, debt_advice):
    from casework.allocation import services as allocation
    from tests.factories import CaseFactory, PersonFactory

    other = allocation.case_accept(
        user=world.practitioner, case=CaseFactory(person=PersonFactory(created_by_organisation=world.county))
    )
    with pytest.raises(ValidationFailed, match="recorded on this case"):
        refer(world, active_case, [food], basis=record_consent(world, other))


def test_only_delivery_organisations_of_the_initiative(world, active_case, food, consent):
    for organisation in (world.district, world.elsewhere, world.county):
        with pytest.raises(ValidationFailed) as refused:
            refer(world, active_case, [food], basis=consent, organisation=organisation)
        assert "delivery_organisation" in refused.value.errors


def test_a_need_is_out_on_one_open_referral_at_a_time(world, active_case, food, debt, consent, debt_advice):
    refer(world, active_case, [food], basis=consent)
    food.refresh_from_db()
    both = record_consent(world, active_case, organisations=[world.foodbank, debt_advice])
    with pytest.raises(ValidationFailed, match="already referred"):
        refer(world, active_case, [food], basis=both, organisation=debt_advice)
    debt.refresh_from_db()
    assert refer(world, active_case, [debt], basis=both, organisation=debt_advice).status == "sent"


def test_finished_needs_and_other_cases_needs_are_refused(world, active_case, food, consent):
    from casework.assessments.services import need_update

    need_update(user=world.practitioner, need=food, version=food.version, status="resolved")
    with pytest.raises(ValidationFailed, match="is resolved"):
        refer(world, active_case, [food], basis=consent)
    with pytest.raises(ValidationFailed, match="Select the needs"):
        refer(world, active_case, [], basis=consent)


@pytest.mark.parametrize(
    "name", ["case_manager", "practitioner2", "delivery_worker", "district_worker", "outsider"]
)
def test_only_the_cases_workers_refer(world, active_case, food, consent, name):
    with pytest.raises(PermissionRefused):
        refer(world, active_case, [food], basis=consent, user=getattr(world, name))


def test_a_directory_service_is_kept_as_it_was(world, active_case, food, consent):
    from casework.directory.models import Organization, Service

    service = Service.objects.create(
        name="Emergency food parcels", organization=Organization.objects.create(name="Foodbank")
    )
    referral = refer(world, active_case, [food], basis=consent, service_id=service.pk)
    assert referral.service_snapshot["name"] == "Emergency food parcels"
    with pytest.raises(ValidationFailed) as refused:
        refer(world, active_case, [food], basis=consent, service_id="1b4e28ba-2fa1-11d2-883f-0016d3cca427")
    assert "service" in refused.value.errors


# The delivery organisation's answers.


def test_accept_then_plan_actions_need_updates_and_close(world, referral, food):
    services.referral_accept(user=world.delivery_worker, referral=referral, version=referral.version)
    services.referral_plan_record(
        user=world.delivery_worker,
        referral=referral,
        version=referral.version,
        plan="Weekly parcel on Tuesdays for four weeks",
    )
    services.referral_action_record(
        user=world.delivery_worker,
        referral=referral,
        occurred_on=TODAY(),
        description="First parcel delivered",
    )
    food.refresh_from_db()
    services.referral_need_status_update(
        user=world.delivery_worker,
        referral=referral,
        need=food,
        version=food.version,
        status="being_managed",
        note="Parcels started",
    )

    food.refresh_from_db()
    assert food.status == "being_managed"
    change = NeedStatusChange.objects.filter(need=food).last()
    assert (change.organisation_id, change.changed_by_id) == (world.foodbank.pk, world.delivery_worker.pk)
    with pytest.raises(DomainError, match="Access to food is still planned or being managed"):
        services.referral_close(
            user=world.delivery_worker, referral=referral, version=referral.version, note="x"
        )
    services.referral_need_status_update(
        user=world.delivery_worker, referral=referral, need=food, version=food.version, status="resolved"
    )
    services.referral_close(
        user=world.delivery_worker,
        referral=referral,
        version=referral.version,
        note="Four parcels delivered; she is back on her feet",
    )

    referral.refresh_from_db()
    assert referral.status == "closed" and referral.plan.startswith("Weekly")
    assert ReferralAction.objects.get().organisation == world.foodbank
    verbs = list(
        AuditEvent.objects.filter(case_id=referral.case_id, verb__startswith="referrals.").values_list(
            "verb", "organisation_id"
        )
    )
    assert verbs == [
        ("referrals.referral_sent", world.county.pk),
        ("referrals.referral_accepted", world.foodbank.pk),
        ("referrals.plan_recorded", world.foodbank.pk),
        ("referrals.action_recorded", world.foodbank.pk),
        ("referrals.referral_closed", world.foodbank.pk),
    ]


def test_decline_needs_a_reason_and_hands_the_needs_back(world, referral, food):
    with pytest.raises(ValidationFailed, match="Enter why"):
        services.referral_decline(
            user=world.delivery_worker, referral=referral, version=referral.version, reason=" "
        )
    services.referral_decline(
        user=world.delivery_worker,
        referral=referral,
        version=referral.version,
        reason="We do not deliver to that area",
    )
    food.refresh_from_db()
    assert food.status == "identified"
    assert NeedStatusChange.objects.filter(need=food).last().organisation_id == world.foodbank.pk
    with pytest.raises(DomainError, match="is declined"):
        services.referral_accept(user=world.delivery_worker, referral=referral, version=referral.version)


def test_two_people_never_overwrite_each_other(world, referral):
    read = referral.version
    services.referral_accept(user=world.delivery_worker, referral=referral, version=read)
    stale = Referral.objects.get(pk=referral.pk)
    services.referral_plan_record(
        user=world.delivery_worker, referral=referral, version=referral.version, plan="First plan"
    )
    with pytest.raises(ConflictError):
        services.referral_plan_record(
            user=world.delivery_worker, referral=stale, version=stale.version, plan="Second plan"
        )
    referral.refresh_from_db()
    assert referral.plan == "First plan"


def test_the_delivery_organisation_sets_only_delivery_statuses_on_referred_needs(world, referral, food, debt):
    services.referral_accept(user=world.delivery_worker, referral=referral, version=referral.version)
    food.refresh_from_db()
    with pytest.raises(ValidationFailed, match="Select planned"):
        services.referral_need_status_update(
            user=world.delivery_worker,
            referral=referral,
            need=food,
            version=food.version,
            status="identified",
        )
    with pytest.raises(ValidationFailed, match="needs referred"):
        services.referral_need_status_update(
            user=world.delivery_worker,
            referral=referral,
            need=debt,
            version=debt.version,
            status="being_managed",
        )
    with pytest.raises(ConflictError):
        services.referral_need_status_update(
            user=world.delivery_worker,
            referral=referral,
            need=food,
            version=food.version - 1,
            status="being_managed",
        )


@pytest.mark.parametrize("name", ["practitioner", "team_manager", "debt_worker", "outsider"])
def test_only_the_delivery_organisations_staff_answer(world, referral, debt_advice, name):
    with pytest.raises(PermissionRefused):
        services.referral_accept(user=getattr(world, name), referral=referral, version=referral.version)


def test_a_case_manager_of_the_delivery_organisation_reads_but_does_not_answer(world, referral):
    from tests.factories import MembershipFactory

    MembershipFactory(user=world.case_manager, organisation=world.foodbank, role="case_manager")
    with pytest.raises(PermissionRefused):
        services.referral_accept(user=world.case_manager, referral=referral, version=referral.version)


def test_after_withdrawal_they_cannot_accept_but_can_close_out(world, referral, food, consent):
    services.referral_accept(user=world.delivery_worker, referral=referral, version=referral.version)
    consent_services.consent_withdraw(
        user=world.practitioner,
        record=consent,
        version=consent.version,
        withdrawn_on=TODAY(),
        withdrawn_by_name="Margaret Thornton",
    )
    referral.basis.refresh_from_db()
    services.referral_action_record(
        user=world.delivery_worker,
        referral=referral,
        occurred_on=TODAY(),
        description="Told the volunteers to stop deliveries",
    )
    food.refresh_from_db()
    services.referral_need_status_update(
        user=world.delivery_worker,
        referral=referral,
        need=food,
        version=food.version,
        status="no_longer_relevant",
        note="Consent withdrawn",
    )
    services.referral_close(
        user=world.delivery_worker, referral=referral, version=referral.version, note="Consent withdrawn"
    )
    assert referral.status == "closed"


def test_a_new_referral_cannot_be_accepted_once_consent_is_withdrawn(world, referral, consent):
    consent_services.consent_withdraw(
        user=world.practitioner,
        record=consent,
        version=consent.version,
        withdrawn_on=TODAY(),
        withdrawn_by_name="Margaret Thornton",
    )
    referral.basis.refresh_from_db()
    with pytest.raises(DomainError, match="Consent withdrawn on .*; nothing more is shared. Decline"):
        services.referral_accept(user=world.delivery_worker, referral=referral, version=referral.version)
    services.referral_decline(
        user=world.delivery_worker, referral=referral, version=referral.version, reason="Consent withdrawn"
    )


def test_actions_are_dated_and_described(world, referral):
    services.referral_accept(user=world.delivery_worker, referral=referral, version=referral.version)
    with pytest.raises(ValidationFailed) as refused:
        services.referral_action_record(
            user=world.delivery_worker,
            referral=referral,
            occurred_on=TODAY() + datetime.timedelta(days=1),
            description="",
        )
    assert set(refused.value.errors) == {"description", "occurred_on"}
    assert not ReferralAction.objects.filter(Q(referral=referral)).exists()
