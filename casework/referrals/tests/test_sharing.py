"""The delivery organisation sees only what the basis covers, worked out live; the holder sees everything."""

import datetime

from casework.consent import services as consent_services
from casework.core import clock
from casework.referrals import services
from casework.referrals.sharing import referral_shared, worklist_rows

from .conftest import RESPONSE, SITUATION, record_consent, refer


def _delivery_view(referral, **kwargs):
    return referral_shared(referral, side="delivery", **kwargs)


def test_contact_details_and_needs_but_no_assessment_when_that_is_what_it_covers(world, referral):
    seen = _delivery_view(referral)
    assert seen.shared == ["contact_details", "needs"] and seen.notice == ""
    assert seen.subject.name == "Margaret Thornton" and seen.subject.address_lines
    assert [(n.name, n.note) for n in seen.needs] == [
        ("Access to food", "Cupboards bare since her pension was stopped")
    ]
    assert (seen.circumstances, seen.instructions) == (
        "Lives alone on the second floor",
        "Phone before visiting",
    )
    assert seen.assessment is None
    assert seen.case_id is None and seen.case_reference is None and seen.need_updates == []


def test_needs_only_shares_no_name_or_address(world, active_case, food):
    basis = record_consent(world, active_case, categories=["needs"])
    seen = _delivery_view(refer(world, active_case, [food], basis=basis))
    assert seen.subject is None and seen.needs[0].note
    assert seen.shared == ["needs"]


def test_the_assessment_summary_only_when_covered_and_never_the_answers(world, active_case, food):
    basis = record_consent(world, active_case, categories=["needs", "assessment_summary"])
    seen = _delivery_view(refer(world, active_case, [food], basis=basis))
    assert (seen.assessment.situation, seen.assessment.response) == (SITUATION, RESPONSE)
    assert "Struggling since my husband died" not in repr(seen)  # an answer to the form


def test_after_withdrawal_nothing_more_is_shared(world, referral, consent):
    consent_services.consent_withdraw(
        user=world.practitioner,
        record=consent,
        version=consent.version,
        withdrawn_on=clock.today(),
        withdrawn_by_name="Margaret Thornton",
    )
    referral.basis.refresh_from_db()
    seen = _delivery_view(referral)
    assert seen.notice.startswith("Consent withdrawn on ") and seen.notice.endswith(
        "; nothing more is shared."
    )
    assert seen.shared == [] and seen.subject is None and seen.assessment is None
    assert seen.circumstances is None and seen.instructions is None
    assert [(n.name, n.status, n.note) for n in seen.needs] == [("Access to food", "planned", None)]
    assert "Margaret" not in repr(seen) and "Cupboards" not in repr(seen) and "second floor" not in repr(seen)
    [row] = worklist_rows([referral])
    assert row.subject_name is None and row.notice


def test_after_expiry_nothing_more_is_shared(world, active_case, food):
    basis = record_consent(world, active_case, days_ago=20, expires_in=3)
    referral = refer(world, active_case, [food], basis=basis)
    assert _delivery_view(referral).subject is not None
    later = clock.today() + datetime.timedelta(days=3)
    seen = _delivery_view(referral, day=later)
    assert (
        seen.notice.startswith("Consent expired on ") and seen.subject is None and seen.needs[0].note is None
    )
    assert worklist_rows([referral], day=later)[0].subject_name is None


def test_nothing_more_once_declined(world, referral):
    services.referral_decline(
        user=world.delivery_worker, referral=referral, version=referral.version, reason="Full this month"
    )
    seen = _delivery_view(referral)
    assert seen.subject is None and seen.notice == "This referral was declined; nothing more is shared."


def test_the_holder_sees_everything_and_what_the_delivery_organisation_sees(world, referral, consent):
    consent_services.consent_withdraw(
        user=world.practitioner,
        record=consent,
        version=consent.version,
        withdrawn_on=clock.today(),
        withdrawn_by_name="Margaret Thornton",
    )
    referral.basis.refresh_from_db()
    seen = referral_shared(referral, side="responsible")
    assert seen.subject.name == "Margaret Thornton" and seen.assessment.situation == SITUATION
    assert seen.case_reference == referral.case.reference
    assert seen.shared == [] and seen.notice


def test_the_worklist_row_names_the_person_only_while_shared(world, referral):
    [row] = worklist_rows([referral])
    assert (row.subject_name, row.needs, row.referring_organisation) == (
        "Margaret Thornton",
        ["Access to food"],
        "Test County Council",
    )
