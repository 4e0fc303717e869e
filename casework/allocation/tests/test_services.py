"""Allocation against rules stored in the database: rule kinds, order, explanation, bulk, permissions."""

import pytest

from casework.allocation import services
from casework.allocation.models import NamedArea
from casework.audit.models import AuditEvent
from casework.cases.models import Case
from casework.core.errors import DomainError, PermissionRefused, ValidationFailed
from tests.factories import CaseFactory, PersonFactory, RiskCategoryFactory


@pytest.fixture
def policy(world):
    world.county.areas, world.county.capabilities = ["RG40", "RG41"], ["home_visits", "phone"]
    world.county.save()
    world.district.areas, world.district.capabilities = ["North"], ["phone"]
    world.district.save()
    NamedArea.objects.create(initiative=world.initiative, name="North", postcode_districts=["RG41", "RG42"])
    return services.allocation_policy_set_fallback(
        user=world.initiative_admin, initiative_id=world.initiative.pk, organisation=world.county
    )


@pytest.fixture
def high(world):
    return RiskCategoryFactory(initiative=world.initiative, code="high", label="High")


def _case(world, postcode="RG42 1AA", **kwargs):
    person = PersonFactory(created_by_organisation=world.county, postcode=postcode)
    return CaseFactory(person=person, responsible_organisation=None, stage="intake", **kwargs)


def test_allocation_needs_a_fallback_organisation(world):
    case = _case(world)
    with pytest.raises(DomainError, match="fallback"):
        services.case_allocate(user=world.initiative_admin, case=case)


def test_named_area_rule_with_explanation_recorded(world, policy):
    rule = services.allocation_rule_save(
        user=world.initiative_admin,
        initiative_id=world.initiative.pk,
        data={"name": "North to the district", "areas": ["North"], "organisation": world.district},
    )
    case = _case(world, postcode="RG42 1AA")
    decision = services.case_allocate(user=world.initiative_admin, case=case)
    case.refresh_from_db()
    assert case.responsible_organisation == world.district
    assert case.allocation_rule == rule
    assert "area RG42 is in North" in case.allocation_explanation
    assert case.stage == "awaiting_allocation"
    assert AuditEvent.objects.get(verb="cases.case_allocated").reason == decision.explanation


def test_capability_rule_for_high_risk(world, policy, high):
    services.allocation_rule_save(
        user=world.initiative_admin,
        initiative_id=world.initiative.pk,
        data={
            "name": "High risk needs home visits",
            "risk_categories": [high],
            "required_capabilities": ["home_visits"],
        },
    )
    services.allocation_rule_save(
        user=world.initiative_admin,
        initiative_id=world.initiative.pk,
        data={"name": "Others in the north", "areas": ["RG41"], "organisation": world.district},
    )
    case = _case(world, postcode="RG41 1AA", risk_category=high)
    services.case_allocate(user=world.initiative_admin, case=case)
    case.refresh_from_db()
    assert case.responsible_organisation == world.county
    assert "offers home visits" in case.allocation_explanation


def test_existing_worker_wins(world, policy):
    person = PersonFactory(created_by_organisation=world.county, postcode="RG42 1AA")
    earlier = CaseFactory(person=person, responsible_organisation=world.district)
    services.case_accept(user=world.district_worker, case=earlier)
    case = CaseFactory(person=person, responsible_organisation=None, stage="intake")
    services.case_allocate(user=world.initiative_admin, case=case)
    case.refresh_from_db()
    assert case.responsible_organisation == world.district
    assert "already has a worker" in case.allocation_explanation


def test_allocate_all_unallocated(world, policy):
    cases = [_case(world) for _ in range(3)]
    counts = services.cases_allocate_unallocated(
        user=world.initiative_admin, initiative_id=world.initiative.pk
    )
    assert counts == {"allocated": 3, "skipped": 0}
    assert set(
        Case.objects.filter(pk__in=[c.pk for c in cases]).values_list(
            "responsible_organisation_id", flat=True
        )
    ) == {world.county.pk}


def test_only_the_leads_initiative_admin_allocates_and_keeps_rules(world, policy):
    case = _case(world)
    for user in (world.team_manager, world.practitioner, world.district_worker, world.org_admin):
        with pytest.raises(PermissionRefused):
            services.case_allocate(user=user, case=case)
        with pytest.raises(PermissionRefused):
            services.allocation_rule_save(
                user=user, initiative_id=world.initiative.pk, data={"name": "x", "organisation": world.county}
            )


def test_rule_needs_a_target(world, policy):
    with pytest.raises(ValidationFailed):
        services.allocation_rule_save(
            user=world.initiative_admin, initiative_id=world.initiative.pk, data={"name": "Nothing"}
        )


def test_rules_can_be_reordered(world, policy):
    first = services.allocation_rule_save(
        user=world.initiative_admin,
        initiative_id=world.initiative.pk,
        data={"name": "A", "organisation": world.county},
    )
    second = services.allocation_rule_save(
        user=world.initiative_admin,
        initiative_id=world.initiative.pk,
        data={"name": "B", "organisation": world.district},
    )
    services.allocation_rule_move(user=world.initiative_admin, rule=second, direction=-1)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (second.position, first.position) == (1, 2)
    case = _case(world)
    services.case_allocate(user=world.initiative_admin, case=case)
    assert Case.objects.get(pk=case.pk).responsible_organisation == world.district
