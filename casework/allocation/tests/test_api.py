"""Allocation's API, mounted at /cases before the cases router: allocating in bulk reaches its own operation
(not the GET of /cases/{case_id}), and is the lead's initiative admins' alone."""

from casework.allocation import services
from casework.cases.models import Case
from tests.factories import CaseFactory, PersonFactory


def _intake_cases(world, n):
    return [
        CaseFactory(
            person=PersonFactory(created_by_organisation=world.county),
            responsible_organisation=None,
            stage="intake",
        )
        for _ in range(n)
    ]


def test_initiative_admin_allocates_every_unallocated_case(api, world):
    services.allocation_policy_set_fallback(
        user=world.initiative_admin, initiative_id=world.initiative.pk, organisation=world.district
    )
    cases = _intake_cases(world, 2)
    response = api(world.initiative_admin).post(
        f"/cases/allocate-unallocated?initiative_id={world.initiative.pk}", {}
    )
    assert response.status_code == 200, response.content
    assert response.json() == {"allocated": 2, "skipped": 0}
    assert set(
        Case.objects.filter(pk__in=[c.pk for c in cases]).values_list("responsible_organisation", flat=True)
    ) == {world.district.pk}


def test_allocating_every_case_is_refused_to_others(api, world):
    [case] = _intake_cases(world, 1)
    for user in (world.team_manager, world.practitioner, world.org_admin):
        response = api(user).post(f"/cases/allocate-unallocated?initiative_id={world.initiative.pk}", {})
        assert response.status_code == 403, user
    assert Case.objects.get(pk=case.pk).responsible_organisation_id is None
