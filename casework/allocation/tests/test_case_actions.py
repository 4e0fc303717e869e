"""The actions that give a case its organisation and worker, as pages: accept from the worklist, assign,
reassign, transfer and allocate; the happy path, the refusal, and a stale version changing nothing."""

from django.urls import reverse

from casework.allocation import services as allocation
from casework.audit.models import AuditEvent
from casework.cases.models import Case
from tests.factories import CaseFactory, PersonFactory


def _reload(case):
    return Case.objects.get(pk=case.pk)


def _intake_case(world):
    """A case raised by the county that no organisation holds yet."""
    return CaseFactory(
        person=PersonFactory(created_by_organisation=world.county),
        responsible_organisation=None,
        stage="intake",
    )


def _url(name, case, *args):
    return reverse(f"allocation:{name}", args=[case.pk, *args])


def test_accept_from_the_worklist(login, world, unallocated):
    response = login(world.practitioner).post(
        _url("case_accept", unallocated), {"version": unallocated.version, "return_to": "worklist"}
    )
    assert response.status_code == 302
    # The case's own actions come back to its overview (the stages and who holds it).
    assert response["Location"] == reverse("cases:case_overview", args=[unallocated.pk])
    case = _reload(unallocated)
    assert (case.primary_worker, case.status, case.stage) == (world.practitioner, "active", "contact")


def test_a_stale_accept_is_refused_with_the_message(login, world, unallocated):
    Case.objects.filter(pk=unallocated.pk).update(version=7)
    client = login(world.practitioner)
    response = client.post(
        _url("case_accept", unallocated), {"version": 1, "return_to": "worklist"}, follow=True
    )
    assert b"Somebody else changed this case" in response.content
    assert response.redirect_chain[-1][0] == reverse("allocation:worklist")
    assert _reload(unallocated).primary_worker is None


def test_accept_refused_to_read_only_roles_and_hidden_from_others(login, world, unallocated):
    assert login(world.case_manager).post(_url("case_accept", unallocated), {"version": 1}).status_code == 403
    assert (
        login(world.district_worker).post(_url("case_accept", unallocated), {"version": 1}).status_code == 404
    )
    assert _reload(unallocated).primary_worker is None


# The case page.


def test_team_manager_assigns_an_unallocated_case(login, world, unallocated):
    client = login(world.team_manager)
    assert "Assign a worker" in client.get(unallocated.get_absolute_url()).content.decode()
    response = client.post(
        _url("case_assign", unallocated), {"worker": world.practitioner2.pk, "version": unallocated.version}
    )
    assert response.status_code == 302
    assert _reload(unallocated).primary_worker == world.practitioner2
    assert AuditEvent.objects.filter(verb="cases.worker_assigned", case_id=unallocated.pk).exists()


def test_assign_refused_to_practitioners(login, world, unallocated):
    client = login(world.practitioner)
    assert client.get(_url("case_assign", unallocated)).status_code == 403
    response = client.post(_url("case_assign", unallocated), {"worker": world.practitioner2.pk, "version": 1})
    assert response.status_code == 403
    assert _reload(unallocated).primary_worker is None


def test_reassign_needs_a_reason(login, world, active_case):
    client = login(world.team_manager)
    url = _url("case_reassign", active_case)
    response = client.post(
        url, {"worker": world.practitioner2.pk, "version": active_case.version, "reason": ""}
    )
    assert b"There is a problem" in response.content
    assert _reload(active_case).primary_worker == world.practitioner
    response = client.post(
        url,
        {"worker": world.practitioner2.pk, "version": active_case.version, "reason": "Practitioner on leave"},
    )
    assert response.status_code == 302
    assert _reload(active_case).primary_worker == world.practitioner2


def test_a_stale_reassign_is_refused(login, world, active_case):
    Case.objects.filter(pk=active_case.pk).update(version=active_case.version + 1)
    response = login(world.team_manager).post(
        _url("case_reassign", active_case),
        {"worker": world.practitioner2.pk, "version": active_case.version, "reason": "Leave"},
    )
    assert b"Somebody else changed this case" in response.content
    assert _reload(active_case).primary_worker == world.practitioner


def test_team_manager_transfers_the_case_to_another_organisation(login, world, active_case):
    client = login(world.team_manager)
    page = client.get(_url("case_transfer", active_case)).content.decode()
    assert "Test District Council" in page
    assert "Other Council" not in page
    response = client.post(
        _url("case_transfer", active_case),
        {
            "organisation": world.district.pk,
            "reason": "Lives in the district",
            "version": active_case.version,
        },
    )
    assert response.status_code == 302
    case = _reload(active_case)
    assert case.responsible_organisation == world.district
    assert case.primary_worker is None
    # The county no longer holds the case, so the team manager goes to the index, not a 404.
    assert response["Location"] == reverse("cases:case_index")


def test_transfer_needs_a_reason_and_is_refused_to_practitioners(login, world, active_case):
    response = login(world.team_manager).post(
        _url("case_transfer", active_case),
        {"organisation": world.district.pk, "reason": "", "version": active_case.version},
    )
    assert b"There is a problem" in response.content
    assert _reload(active_case).responsible_organisation == world.county
    assert login(world.practitioner).get(_url("case_transfer", active_case)).status_code == 403
    assert login(world.outsider).get(_url("case_transfer", active_case)).status_code == 404


def test_initiative_admin_allocates_from_the_index(login, world):
    allocation.allocation_policy_set_fallback(
        user=world.initiative_admin, initiative_id=world.initiative.pk, organisation=world.district
    )
    case = _intake_case(world)
    client = login(world.initiative_admin)
    index = client.get(reverse("cases:case_index")).content.decode()
    assert f'Allocate<span class="govuk-visually-hidden"> case {case.reference}</span>' in index
    response = client.post(
        _url("case_allocate", case), {"version": case.version, "return_to": "index"}, follow=True
    )
    assert b"fallback organisation" in response.content
    assert _reload(case).responsible_organisation == world.district


def test_allocate_refused_to_practitioners(login, world):
    case = _intake_case(world)
    assert login(world.practitioner).post(_url("case_allocate", case), {"version": 1}).status_code == 403


# Raising a case.
