"""Need definitions: kept by the lead's initiative admins, read by the whole initiative, retired not
deleted."""

import pytest
from django.urls import reverse

from casework.assessments import selectors, services
from casework.assessments.models import NeedDefinition
from casework.audit.models import AuditEvent
from casework.core.errors import ConflictError, DomainError, PermissionRefused, ValidationFailed
from casework.core.permissions import has_perm


def _add(world, code="debt_advice", name="Debt advice", category="money", **kwargs):
    return services.need_definition_create(
        user=world.initiative_admin,
        initiative_id=world.initiative.pk,
        code=code,
        name=name,
        category=category,
        **kwargs,
    )


def test_the_initiative_admin_adds_a_need_definition(world):
    need = _add(world, description="  Debts or arrears  ")
    assert (need.code, need.name, need.category, need.description) == (
        "debt_advice",
        "Debt advice",
        "money",
        "Debts or arrears",
    )
    event = AuditEvent.objects.get(verb="assessments.need_definition_added")
    assert (event.actor, event.object_id) == (world.initiative_admin, str(need.pk))


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"code": "Debt Advice"}, "code"),
        ({"code": ""}, "code"),
        ({"code": "blank", "name": "  "}, "name"),
        ({"code": "odd", "category": "nonsense"}, "category"),
        ({"code": "debt_advice", "name": "Other"}, "code"),
        ({"code": "other", "name": "debt ADVICE"}, "name"),
    ],
)
def test_bad_or_duplicate_definitions_are_refused_with_the_field(world, changes, field):
    _add(world)
    with pytest.raises(ValidationFailed) as error:
        _add(world, **changes)
    assert error.value.field == field
    assert NeedDefinition.objects.count() == 1


def test_permission_matrix(persona, world):
    name, user = persona
    assert has_perm(user, "assessments.manage_need_definitions", world.initiative.pk) == (
        name == "initiative_admin"
    )


@pytest.mark.parametrize("who", ["practitioner", "team_manager", "org_admin", "district_worker", "outsider"])
def test_only_the_leads_initiative_admin_keeps_the_list(world, who):
    with pytest.raises(PermissionRefused):
        services.need_definition_create(
            user=getattr(world, who),
            initiative_id=world.initiative.pk,
            code="food",
            name="Food",
            category="food_and_shopping",
        )
    need = _add(world)
    with pytest.raises(PermissionRefused):
        services.need_definition_retire(user=getattr(world, who), definition=need, version=need.version)


def test_change_keeps_the_code_and_a_stale_change_is_refused(world):
    need = _add(world)
    stale = need.version
    services.need_definition_update(
        user=world.initiative_admin,
        definition=need,
        version=need.version,
        name="Debt and money advice",
        category="money",
    )
    assert NeedDefinition.objects.get(pk=need.pk).code == "debt_advice"
    with pytest.raises(ConflictError):
        services.need_definition_update(
            user=world.initiative_admin, definition=need, version=stale, name="Lost change", category="money"
        )
    assert NeedDefinition.objects.get(pk=need.pk).name == "Debt and money advice"


def test_retired_definitions_are_kept_but_no_longer_offered(world):
    need = _add(world)
    services.need_definition_retire(user=world.initiative_admin, definition=need, version=need.version)
    assert need not in selectors.need_definition_list_for_user(user=world.practitioner)
    assert need in selectors.need_definition_list_for_user(user=world.practitioner, include_retired=True)
    with pytest.raises(DomainError):
        services.need_definition_retire(user=world.initiative_admin, definition=need, version=need.version)
    services.need_definition_reinstate(user=world.initiative_admin, definition=need, version=need.version)
    assert need in selectors.need_definition_list_for_user(user=world.district_worker)
    assert (
        AuditEvent.objects.filter(
            verb__in=["assessments.need_definition_retired", "assessments.need_definition_reinstated"]
        ).count()
        == 2
    )


def test_the_whole_initiative_reads_the_list_and_nobody_else(world):
    need = _add(world)
    for user in (world.practitioner, world.district_worker, world.delivery_worker):
        assert need in selectors.need_definition_list_for_user(user=user)
    assert not selectors.need_definition_list_for_user(user=world.outsider).exists()


def test_pages(login, world):
    client = login(world.initiative_admin)
    assert "Need definitions" in client.get("/").content.decode()
    response = client.post(
        reverse("assessments:need_definition_add"), {"code": "x y", "name": "", "category": "money"}
    )
    page = response.content.decode()
    assert "There is a problem" in page and "Enter the name of the need" in page
    assert not NeedDefinition.objects.exists()
    response = client.post(
        reverse("assessments:need_definition_add"),
        {"code": "loneliness", "name": "Loneliness", "category": "connection"},
    )
    assert response.status_code == 302
    need = NeedDefinition.objects.get()
    listing = client.get(reverse("assessments:need_definitions")).content.decode()
    assert "Loneliness" in listing and "In use" in listing
    edit = reverse("assessments:need_definition_edit", args=[need.pk])
    assert (
        client.post(
            edit, {"name": "Loneliness and isolation", "category": "connection", "version": need.version}
        ).status_code
        == 302
    )
    stale = client.post(edit, {"name": "Lost", "category": "connection", "version": need.version})
    assert "Somebody else changed this need definition" in stale.content.decode()
    retire = reverse("assessments:need_definition_retire", args=[need.pk])
    client.post(retire, {"version": need.version + 1})
    assert NeedDefinition.objects.get().is_retired
    # Refusals: other roles get 403, another initiative's definition is 404.
    assert login(world.practitioner).get(reverse("assessments:need_definitions")).status_code == 403
    assert login(world.practitioner).post(retire, {"version": 3}).status_code == 403
    assert login(world.outsider).get(edit).status_code == 404


def test_api_reads_the_list(api, world):
    need = _add(world)
    retired = _add(world, code="old", name="Old need")
    services.need_definition_retire(user=world.initiative_admin, definition=retired, version=retired.version)
    body = api(world.district_worker).get("/assessments/need-definitions").json()
    assert [d["code"] for d in body] == [need.code]
    body = api(world.district_worker).get("/assessments/need-definitions?include_retired=true").json()
    assert {d["code"] for d in body} == {"debt_advice", "old"}
    assert api(world.outsider).get("/assessments/need-definitions").json() == []
