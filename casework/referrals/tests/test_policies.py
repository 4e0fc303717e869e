"""Who sees and works referrals, for every persona; the predicates agree with their queryset twins."""

import pytest

from casework.allocation import services as allocation
from casework.assessments import services as assessments
from casework.cases.selectors import case_list_workable
from casework.consent import services as consent_services
from casework.core import clock
from casework.referrals import policies, selectors
from tests.factories import CaseFactory

from .conftest import refer

COUNTY_READERS = {"practitioner", "practitioner2", "team_manager", "duty_officer", "case_manager", "auditor"}


@pytest.fixture
def referrals(world, referral, needs):
    district_case = allocation.case_accept(
        user=world.district_worker, case=CaseFactory(person=world.district_person)
    )
    need = assessments.need_record(user=world.district_worker, case=district_case, definition=needs["food"])
    basis = consent_services.consent_record(
        user=world.district_worker,
        case=district_case,
        kind="consent",
        given_by="person",
        purpose="Food",
        data_categories=["needs"],
        organisation_ids=[world.foodbank.pk],
        given_on=clock.today(),
    )
    district = refer(world, district_case, [need], basis=basis, user=world.district_worker)
    return {"county": referral, "district": district}


def test_view_matrix(persona, world, referrals):
    name, user = persona
    assert policies.can_view_referral(user, referrals["county"]) is (
        name in COUNTY_READERS | {"delivery_worker"}
    )
    assert policies.can_view_referral(user, referrals["district"]) is (
        name in {"district_worker", "district_auditor", "delivery_worker"}
    )


def test_work_matrix(persona, world, referrals):
    name, user = persona
    for referral in referrals.values():
        assert policies.can_work_referral(user, referral) is (name == "delivery_worker")


def test_make_and_worklist_matrix(persona, world, referrals):
    name, user = persona
    assert policies.can_make_referral(user, referrals["county"].case) is (
        name in {"practitioner", "team_manager"}
    )
    assert policies.can_view_worklist(user) is (name == "delivery_worker")


def test_predicates_agree_with_queryset_twins(persona, world, referrals):
    _name, user = persona
    visible = set(selectors.referral_list_visible(user=user).values_list("pk", flat=True))
    workable = set(selectors.referral_list_workable(user=user).values_list("pk", flat=True))
    cases = set(case_list_workable(user=user).values_list("pk", flat=True))
    received = set(selectors.referral_worklist(user=user, status="all").values_list("pk", flat=True))
    for referral in referrals.values():
        assert (referral.pk in visible) is policies.can_view_referral(user, referral)
        assert (referral.pk in workable) is policies.can_work_referral(user, referral)
        assert (referral.case_id in cases) is policies.can_make_referral(user, referral.case)
        assert (referral.pk in received) is policies.is_delivery_reader(user, referral)


def test_a_second_delivery_organisation_sees_none_of_the_foodbanks_referrals(world, referrals, debt_advice):
    for referral in referrals.values():
        assert not policies.can_view_referral(world.debt_worker, referral)
    assert not selectors.referral_list_visible(user=world.debt_worker).exists()
    assert policies.can_view_worklist(world.debt_worker)
