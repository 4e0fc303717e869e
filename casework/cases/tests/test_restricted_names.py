"""Issue 12: a restricted person's name is withheld wherever their case is shown, to all but the named
users."""

import pytest
from django.urls import reverse

from casework.allocation import services as allocation
from casework.waiting_list import services as waiting_list
from tests.factories import CaseFactory

NAME = "Alex Hidden"


@pytest.fixture
def restricted_case(world, risk):
    """A case of the county about world.restricted_person (on whom only world.practitioner is named)."""
    case = CaseFactory(person=world.restricted_person, risk_category=risk["high"], allocated_team=world.team)
    return allocation.case_accept(user=world.practitioner, case=case)


def test_the_case_page_withholds_the_name_from_a_colleague_not_named(login, world, restricted_case):
    page = login(world.practitioner2).get(restricted_case.get_absolute_url()).content.decode()
    assert restricted_case.reference in page
    assert "Hidden" not in page
    assert "a person whose record is restricted" in page
    assert world.restricted_person.get_absolute_url() not in page


def test_the_case_page_names_the_person_to_a_named_user(login, world, restricted_case):
    page = login(world.practitioner).get(restricted_case.get_absolute_url()).content.decode()
    assert NAME in page and world.restricted_person.get_absolute_url() in page


def test_the_case_api_withholds_the_name_from_a_colleague_not_named(api, world, restricted_case):
    colleague = api(world.team_manager)
    response = colleague.get(f"/cases/{restricted_case.pk}")
    assert response.json()["subject_name"] == "Restricted record"
    listed = colleague.get("/cases", {"scope": "visible"})
    assert restricted_case.reference in listed.content.decode()
    assert "Hidden" not in response.content.decode() + listed.content.decode()
    named = api(world.practitioner)
    assert named.get(f"/cases/{restricted_case.pk}").json()["subject_name"] == NAME
    [row] = [
        r for r in named.get("/cases", {"scope": "mine"}).json()["items"] if r["id"] == restricted_case.pk
    ]
    assert row["subject_name"] == NAME


def test_lists_withhold_the_name_from_colleagues(login, world, risk):
    case = CaseFactory(person=world.restricted_person, risk_category=risk["high"], allocated_team=world.team)
    waiting_list.waiting_list_add(
        user=world.duty_officer,
        case=case,
        list_kind="assessment",
        priority="normal",
        rag="amber",
        rag_reason="Managing",
    )
    client = login(world.team_manager)
    worklist = client.get(reverse("allocation:worklist")).content.decode()
    waiting = client.get(reverse("waiting_list:waiting_list")).content.decode()
    export = b"".join(client.get(reverse("waiting_list:waiting_list_export")).streaming_content).decode()
    for shown in (worklist, waiting, export):
        assert case.reference in shown and "Hidden" not in shown


def test_my_cases_names_the_person_to_the_named_worker(login, world, restricted_case):
    page = login(world.practitioner).get(reverse("cases:my_cases")).content.decode()
    assert restricted_case.reference in page and NAME in page


def test_household_and_relationships_withhold_the_name(login, world):
    from casework.people import services as people

    household = people.household_create(
        user=world.practitioner, data={"name": "Shared house", "postcode": "RG40 1AA"}
    )
    for member in (world.person, world.restricted_person):
        people.household_move_person(
            user=world.practitioner, person=member, household=household, role="other", start_date=None
        )
    people.relationship_create(
        user=world.practitioner,
        person=world.person,
        related_person=world.restricted_person,
        kind="family",
        description="",
    )
    client = login(world.practitioner2)
    for url in (household.get_absolute_url(), world.person.get_absolute_url()):
        page = client.get(url).content.decode()
        assert "Margaret" in page and "Restricted record" in page
        assert "Alex" not in page and "Hidden" not in page
    assert "Alex Hidden" in login(world.practitioner).get(world.person.get_absolute_url()).content.decode()


def test_a_household_made_for_a_restricted_person_is_not_named_after_them(world):
    from casework.people.services import household_name_for

    assert household_name_for(world.person) == "Thornton household"
    assert "Hidden" not in household_name_for(world.restricted_person)
