"""Allocation pages: the rules, the fallback and allocating in bulk, for the lead's initiative admins only."""

import pytest
from django.urls import reverse

from casework.allocation import services
from casework.allocation.models import AllocationRule, NamedArea
from casework.audit.models import AuditEvent
from casework.cases.models import Case
from tests.factories import CaseFactory, PersonFactory, RiskCategoryFactory


@pytest.fixture
def high(world):
    return RiskCategoryFactory(initiative=world.initiative, code="high", label="High", rank=1)


@pytest.fixture
def fallback(world):
    return services.allocation_policy_set_fallback(
        user=world.initiative_admin, initiative_id=world.initiative.pk, organisation=world.county
    )


def _rule(world, **data):
    return services.allocation_rule_save(
        user=world.initiative_admin, initiative_id=world.initiative.pk, data=data
    )


def test_rules_page_lists_the_rules_in_plain_english(login, world, high, fallback):
    NamedArea.objects.create(initiative=world.initiative, name="North", postcode_districts=["RG41", "RG42"])
    _rule(
        world,
        name="High risk to the district",
        risk_categories=[high],
        areas=["North"],
        organisation=world.district,
    )
    _rule(world, name="Home visits", required_capabilities=["home_visits"])
    response = login(world.initiative_admin).get(reverse("allocation:rules"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Risk category is High" in content
    assert "Area is in North" in content
    assert "Test District Council" in content
    assert "The organisation covering the area that offers home visits" in content
    assert "Cases go to <strong>Test County Council</strong>" in content
    assert "RG41, RG42" in content
    assert 'Move down<span class="govuk-visually-hidden"> rule High risk to the district</span>' in content


@pytest.mark.parametrize("who", ["practitioner", "team_manager", "org_admin", "district_worker", "outsider"])
def test_rules_pages_are_refused_to_everyone_else(login, world, who):
    client = login(getattr(world, who))
    assert client.get(reverse("allocation:rules")).status_code == 403
    assert client.get(reverse("allocation:rule_add")).status_code == 403
    assert client.post(reverse("allocation:allocate_all")).status_code == 403
    assert (
        client.post(reverse("allocation:fallback_set"), {"organisation": world.district.pk}).status_code
        == 403
    )


def test_add_a_rule(login, world, high):
    client = login(world.initiative_admin)
    assert client.get(reverse("allocation:rule_add")).status_code == 200
    response = client.post(
        reverse("allocation:rule_add"),
        {
            "name": "High risk in RG40",
            "risk_categories": [high.pk],
            "areas": "rg40, North town",
            "required_capabilities": ["phone"],
            "recent_days": "",
            "organisation": world.district.pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    rule = AllocationRule.objects.get()
    assert rule.areas == ["RG40", "North town"]
    assert list(rule.risk_categories.all()) == [high]
    assert (rule.organisation, rule.required_capabilities, rule.is_active) == (
        world.district,
        ["phone"],
        True,
    )
    assert AuditEvent.objects.filter(verb="allocation.rule_created").exists()


def test_a_rule_without_a_name_or_a_target_is_refused(login, world):
    client = login(world.initiative_admin)
    response = client.post(reverse("allocation:rule_add"), {"name": "", "areas": ""})
    assert b"There is a problem" in response.content
    assert b"Enter a name for the rule" in response.content
    response = client.post(reverse("allocation:rule_add"), {"name": "Anything", "areas": ""})
    assert b"There is a problem" in response.content
    assert b"Choose an organisation, or the area or capabilities" in response.content
    assert not AllocationRule.objects.exists()


def test_change_a_rule_and_refuse_a_stale_version(login, world):
    rule = _rule(world, name="North", areas=["RG41"], organisation=world.district)
    client = login(world.initiative_admin)
    url = reverse("allocation:rule_edit", args=[rule.pk])
    assert b"RG41" in client.get(url).content
    data = {
        "name": "North and east",
        "areas": "RG41, RG42",
        "organisation": world.district.pk,
        "is_active": "on",
    }
    response = client.post(url, {**data, "version": rule.version})
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.name, rule.areas) == ("North and east", ["RG41", "RG42"])
    response = client.post(url, {**data, "name": "Stale", "version": rule.version - 1})
    assert b"Somebody else changed this rule" in response.content
    rule.refresh_from_db()
    assert rule.name == "North and east"


def test_rules_of_another_initiative_are_not_found(login, world):
    rule = _rule(world, name="North", areas=["RG41"])
    other_rule = AllocationRule.objects.create(
        initiative=world.other_initiative, position=1, name="Far", areas=["X1"]
    )
    client = login(world.initiative_admin)
    assert client.get(reverse("allocation:rule_edit", args=[other_rule.pk])).status_code == 404
    assert client.get(reverse("allocation:rule_edit", args=[rule.pk])).status_code == 200


def test_move_rules_up_and_down(login, world):
    first = _rule(world, name="First", areas=["RG40"])
    second = _rule(world, name="Second", areas=["RG41"])
    client = login(world.initiative_admin)
    response = client.post(reverse("allocation:rule_move", args=[second.pk]), {"direction": "up"})
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (second.position, first.position) == (1, 2)
    client.post(reverse("allocation:rule_move", args=[second.pk]), {"direction": "down"})
    second.refresh_from_db()
    assert second.position == 2
    assert client.get(reverse("allocation:rule_move", args=[second.pk])).status_code == 405


def test_set_the_fallback_organisation(login, world):
    client = login(world.initiative_admin)
    response = client.post(reverse("allocation:fallback_set"), {"organisation": world.district.pk})
    assert response.status_code == 302
    assert world.initiative.allocation_policy.fallback_organisation == world.district
    response = client.post(reverse("allocation:fallback_set"), {"organisation": world.foodbank.pk})
    assert b"There is a problem" in response.content  # a delivery organisation is not on the list
    response = client.post(reverse("allocation:fallback_set"), {"organisation": ""})
    assert b"Select the fallback organisation" in response.content


def test_allocate_all_reports_the_counts(login, world, fallback):
    cases = [
        CaseFactory(
            person=PersonFactory(created_by_organisation=world.county),
            responsible_organisation=None,
            stage="intake",
        )
        for _ in range(3)
    ]
    response = login(world.initiative_admin).post(reverse("allocation:allocate_all"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("cases:case_index")
    assert b"3 cases allocated." in response.content
    assert all(Case.objects.get(pk=case.pk).responsible_organisation == world.county for case in cases)


def test_allocate_all_without_a_fallback_says_what_to_do(login, world):
    CaseFactory(
        person=PersonFactory(created_by_organisation=world.county),
        responsible_organisation=None,
        stage="intake",
    )
    response = login(world.initiative_admin).post(reverse("allocation:allocate_all"), follow=True)
    assert b"Set a fallback organisation" in response.content
    assert Case.objects.filter(responsible_organisation__isnull=True).count() == 1


def test_allocation_rules_are_in_the_navigation_for_initiative_admins_only(login, world):
    assert b'href="/allocation/rules"' in login(world.initiative_admin).get("/").content
    assert b'href="/allocation/rules"' not in login(world.practitioner).get("/").content
    page = login(world.practitioner).get("/").content
    assert (
        b'href="/cases/mine"' in page and b'href="/cases/worklist"' in page and b'href="/cases/index"' in page
    )
