"""Recording consent or a lawful basis on a case, and withdrawing it: rules, refusals, the audit trail."""

import datetime

import pytest

from casework.audit.models import AuditEvent
from casework.consent import services
from casework.consent.models import ConsentRecord
from casework.core import clock
from casework.core.errors import ConflictError, DomainError, PermissionRefused, ValidationFailed

from .conftest import record_consent

TODAY = clock.today


def test_the_person_consents_to_share_with_the_foodbank(world, active_case):
    record = record_consent(world, active_case, days_ago=2)

    assert (record.kind, record.given_by, record.person_id) == ("consent", "person", world.person.pk)
    assert record.organisation_id == world.county.pk
    assert list(record.organisations.all()) == [world.foodbank]
    assert record.data_categories == ["contact_details", "needs"]
    event = AuditEvent.objects.get(verb="consent.consent_recorded")
    assert (event.case_id, event.person_id, event.object_id) == (
        active_case.pk,
        world.person.pk,
        str(record.pk),
    )
    assert event.changes["organisations"]["after"] == [world.foodbank.pk]
    assert event.reason == "To arrange food deliveries"


def test_a_representative_is_named_with_their_relationship_and_authority(world, active_case):
    with pytest.raises(ValidationFailed) as refused:
        record_consent(world, active_case, given_by="representative")
    assert set(refused.value.errors) == {"representative_name", "representative_authority"}

    record = record_consent(
        world,
        active_case,
        given_by="representative",
        representative_name="Joan Thornton",
        representative_authority="Daughter, lasting power of attorney for health and welfare",
    )
    assert (
        record.given_by_words == "Joan Thornton (Daughter, lasting power of attorney for health and welfare)"
    )


def test_a_lawful_basis_says_which_who_decided_and_why(world, active_case):
    with pytest.raises(ValidationFailed) as refused:
        record_consent(world, active_case, kind="lawful_basis", given_by="")
    assert set(refused.value.errors) == {
        "lawful_basis",
        "decided_by_name",
        "decided_by_role",
        "decision_reason",
    }

    record = record_consent(
        world,
        active_case,
        kind="lawful_basis",
        given_by="person",
        lawful_basis="vital_interests",
        decided_by_name="Dr Ann Other",
        decided_by_role="Caldicott guardian",
        decision_reason="Without food deliveries she is at risk of harm; she lacks capacity.",
    )
    assert (record.kind, record.given_by, record.lawful_basis) == ("lawful_basis", "", "vital_interests")
    assert AuditEvent.objects.filter(verb="consent.lawful_basis_recorded").count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"given_on": None}, "given_on"),
        ({"purpose": "  "}, "purpose"),
        ({"organisation_ids": []}, "organisation_ids"),
        ({"data_categories": []}, "data_categories"),
        ({"data_categories": ["medical_history"]}, "data_categories"),
        ({"kind": "implied"}, "kind"),
        ({"given_by": ""}, "given_by"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(world, active_case, change, field):
    field = {"organisation_ids": "organisations"}.get(field, field)
    with pytest.raises(ValidationFailed) as refused:
        record_consent(world, active_case, **change)
    assert field in refused.value.errors
    assert (
        not ConsentRecord.objects.exists()
        and not AuditEvent.objects.filter(verb__startswith="consent.").exists()
    )


def test_dates_must_make_sense(world, active_case):
    tomorrow = TODAY() + datetime.timedelta(days=1)
    with pytest.raises(ValidationFailed, match="today or in the past"):
        record_consent(world, active_case, given_on=tomorrow)
    with pytest.raises(ValidationFailed, match="must be in the future"):
        record_consent(world, active_case, expires_on=TODAY())


def test_it_covers_only_other_organisations_of_the_initiative(world, active_case):
    with pytest.raises(ValidationFailed, match="other than your own"):
        record_consent(world, active_case, organisations=[world.elsewhere])
    with pytest.raises(ValidationFailed, match="other than your own"):
        record_consent(world, active_case, organisations=[world.county])


@pytest.mark.parametrize(
    "name", ["case_manager", "practitioner2", "auditor", "district_worker", "delivery_worker", "outsider"]
)
def test_only_those_who_work_the_case_record_consent(world, active_case, name):
    with pytest.raises(PermissionRefused):
        services.consent_record(
            user=getattr(world, name),
            case=active_case,
            kind="consent",
            given_by="person",
            purpose="x",
            organisation_ids=[world.foodbank.pk],
            data_categories=["needs"],
            given_on=TODAY(),
        )


def test_the_team_manager_records_consent_too(world, active_case):
    record = services.consent_record(
        user=world.team_manager,
        case=active_case,
        kind="consent",
        given_by="person",
        purpose="x",
        organisation_ids=[world.foodbank.pk],
        data_categories=["needs"],
        given_on=TODAY(),
    )
    assert record.created_by == world.team_manager


# Withdrawal.


def _withdraw(world, record, user=None, **kwargs):
    values = {
        "version": record.version,
        "withdrawn_on": TODAY(),
        "withdrawn_by_name": "Margaret Thornton",
        **kwargs,
    }
    return services.consent_withdraw(user=user or world.practitioner, record=record, **values)


def test_withdrawal_is_immediate_and_audited(world, consent):
    _withdraw(world, consent, reason="Changed her mind")

    consent.refresh_from_db()
    assert consent.withdrawn_on == TODAY() and consent.withdrawal_recorded_by == world.practitioner
    from casework.consent import rules

    assert rules.state_on(consent.terms(), TODAY()) == "withdrawn"
    event = AuditEvent.objects.get(verb="consent.consent_withdrawn")
    assert (event.case_id, event.reason) == (consent.case_id, "Changed her mind")


def test_a_person_need_not_give_a_reason_but_a_lawful_basis_must(world, active_case, consent):
    _withdraw(world, consent)
    basis = record_consent(
        world,
        active_case,
        kind="lawful_basis",
        lawful_basis="public_task",
        decided_by_name="A Manager",
        decided_by_role="Head of service",
        decision_reason="Duty",
    )
    with pytest.raises(ValidationFailed) as refused:
        _withdraw(world, basis)
    assert "reason" in refused.value.errors


def test_withdrawal_is_recorded_once(world, consent):
    _withdraw(world, consent)
    consent.refresh_from_db()
    with pytest.raises(DomainError, match="already withdrawn"):
        _withdraw(world, consent)


def test_a_stale_withdrawal_is_refused_and_nothing_is_saved(world, consent):
    with pytest.raises(ConflictError):
        _withdraw(world, consent, version=consent.version + 1)
    consent.refresh_from_db()
    assert consent.withdrawn_on is None


def test_withdrawal_dates_are_checked(world, consent):
    with pytest.raises(ValidationFailed, match="today or in the past"):
        _withdraw(world, consent, withdrawn_on=TODAY() + datetime.timedelta(days=1))
    with pytest.raises(ValidationFailed, match="on or after the date it was given"):
        _withdraw(world, consent, withdrawn_on=consent.given_on - datetime.timedelta(days=1))
    with pytest.raises(ValidationFailed, match="who withdrew"):
        _withdraw(world, consent, withdrawn_by_name=" ")


def test_the_duty_officer_records_a_withdrawal_even_on_a_closed_case(world, consent):
    from casework.cases.models import Case

    Case.objects.filter(pk=consent.case_id).update(status="finished")
    consent.case.refresh_from_db()
    _withdraw(world, consent, user=world.duty_officer)
    assert consent.withdrawn_on == TODAY()


@pytest.mark.parametrize(
    "name", ["case_manager", "auditor", "delivery_worker", "district_worker", "outsider"]
)
def test_others_cannot_withdraw(world, consent, name):
    with pytest.raises(PermissionRefused):
        _withdraw(world, consent, user=getattr(world, name))


def test_the_bases_covering_an_organisation_and_data_today(world, active_case, consent, debt_advice):
    from casework.consent.selectors import consent_bases_covering

    both = record_consent(
        world, active_case, organisations=[world.foodbank, debt_advice], categories=["needs"]
    )
    assert consent_bases_covering(
        case=active_case, organisation_id=world.foodbank.pk, categories=["needs"]
    ) == [both, consent]
    assert (
        consent_bases_covering(
            case=active_case, organisation_id=debt_advice.pk, categories=["needs", "contact_details"]
        )
        == []
    )
    _withdraw(world, both)
    assert (
        consent_bases_covering(case=active_case, organisation_id=debt_advice.pk, categories=["needs"]) == []
    )
