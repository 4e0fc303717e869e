"""Who sees, records and withdraws consent, for every persona; the predicates agree with their twins."""

import datetime

import pytest

from casework.allocation import services as allocation
from casework.cases.selectors import case_list_workable
from casework.consent import policies, selectors
from casework.consent.models import ConsentRecord
from casework.core import clock
from tests.factories import CaseFactory

READERS = {"practitioner", "practitioner2", "team_manager", "duty_officer", "case_manager", "auditor"}
WITHDRAWERS = {"practitioner", "practitioner2", "team_manager", "duty_officer"}


def _record(case, organisation, by):
    record = ConsentRecord.objects.create(
        case=case,
        person=case.person,
        organisation=organisation,
        kind="consent",
        given_by="person",
        purpose="x",
        data_categories=["needs"],
        given_on=clock.today() - datetime.timedelta(days=1),
        created_by=by,
    )
    return record


@pytest.fixture
def records(world, active_case):
    district = allocation.case_accept(
        user=world.district_worker, case=CaseFactory(person=world.district_person)
    )
    elsewhere = CaseFactory(person=world.elsewhere_person)
    return {
        "county": _record(active_case, world.county, world.practitioner),
        "district": _record(district, world.district, world.district_worker),
        "elsewhere": _record(elsewhere, world.elsewhere, world.outsider),
    }


def test_view_matrix(persona, world, records):
    name, user = persona
    assert policies.can_view_consent(user, records["county"]) is (name in READERS)
    assert policies.can_view_consent(user, records["district"]) is (
        name in {"district_worker", "district_auditor"}
    )
    assert policies.can_view_consent(user, records["elsewhere"]) is (name == "outsider")


def test_record_matrix(persona, world, records):
    name, user = persona
    assert policies.can_record_consent(user, records["county"].case) is (
        name in {"practitioner", "team_manager"}
    )
    assert policies.can_record_consent(user, records["district"].case) is (name == "district_worker")


def test_withdraw_matrix(persona, world, records):
    name, user = persona
    assert policies.can_withdraw_consent(user, records["county"]) is (name in WITHDRAWERS)
    assert policies.can_withdraw_consent(user, records["district"]) is (name == "district_worker")


def test_predicates_agree_with_queryset_twins(persona, world, records):
    _name, user = persona
    visible = set(selectors.consent_list_visible(user=user).values_list("pk", flat=True))
    withdrawable = set(selectors.consent_list_withdrawable(user=user).values_list("pk", flat=True))
    workable = set(case_list_workable(user=user).values_list("pk", flat=True))
    for record in records.values():
        assert (record.pk in visible) is policies.can_view_consent(user, record)
        assert (record.pk in withdrawable) is policies.can_withdraw_consent(user, record)
        assert (record.case_id in workable) is policies.can_record_consent(user, record.case)
