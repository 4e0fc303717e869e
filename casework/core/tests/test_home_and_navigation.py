"""Issue 14: the navigation offers only what the signed-in person's roles can use, and the home page is a
worker's day (their cases, tasks due, unread messages, waiting-list breaches for managers, new referrals)."""

import datetime

import pytest
from django.urls import reverse

from casework.allocation import services as allocation
from casework.core import clock
from casework.tasks.services import task_create
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

CASE_PAGES = {"My cases", "Team worklist", "Waiting list", "Duty desk", "Case index"}


def _nav(client) -> list[str]:
    return [item["label"] for item in client.get(reverse("core:home")).context["casework_nav"]]


@pytest.mark.parametrize(
    ("name", "offered", "not_offered"),
    [
        # A foodbank works the referrals sent to it, never cases: none of the case pages.
        ("delivery_worker", {"Referrals", "Find a service", "Tasks"}, CASE_PAGES),
        ("practitioner", {"My cases", "Team worklist", "Waiting list", "Case index"}, {"Referrals"}),
        ("district_worker", {"My cases", "Team worklist", "Waiting list", "Case index"}, set()),
        ("duty_officer", {"Duty desk", "Waiting list", "Find a person"}, {"My cases", "Team worklist"}),
        ("auditor", {"Break-glass review", "Case index"}, {"My cases", "Team worklist", "Duty desk"}),
        ("org_admin", {"Failed jobs"}, {"My cases", "Team worklist", "Waiting list", "Duty desk"}),
        ("no_roles", {"Find a service"}, CASE_PAGES | {"Tasks", "Messages"}),
    ],
)
def test_the_navigation_offers_what_the_roles_can_use(world, login, name, offered, not_offered):
    labels = set(_nav(login(getattr(world, name))))
    assert offered <= labels, offered - labels
    assert not (not_offered & labels), not_offered & labels


def test_each_page_offered_opens_for_the_user(world, login):
    """Nothing offered is refused: every item of every persona's navigation answers 200."""
    for name in ("delivery_worker", "practitioner", "duty_officer", "auditor", "org_admin", "team_manager"):
        client = login(getattr(world, name))
        for item in client.get(reverse("core:home")).context["casework_nav"]:
            assert client.get(item["url"]).status_code == 200, (name, item["label"])


def test_a_workers_day_shows_their_cases_and_tasks_due(world, login, frozen_now):
    case = allocation.case_accept(user=world.practitioner, case=CaseFactory(person=world.person))
    today = clock.today()
    task_create(
        user=world.practitioner,
        title="Ring Margaret back",
        due_date=today,
        case=case,
        assigned_to_user=world.practitioner,
    )
    earlier = today - datetime.timedelta(days=5)
    with clock.frozen_at(datetime.datetime.combine(earlier, datetime.time(10), tzinfo=datetime.UTC)):
        task_create(
            user=world.practitioner,
            title="Chase the GP letter",
            due_date=today - datetime.timedelta(days=3),
            case=case,
            assigned_to_user=world.practitioner,
        )
    page = login(world.practitioner).get(reverse("core:home")).content.decode()
    assert case.reference in page and "Margaret Thornton" in page
    assert "Ring Margaret back" in page and "Chase the GP letter" in page
    assert "2 open: 1 overdue, 1 due today." in page
    # Someone else's day has neither.
    other = login(world.practitioner2).get(reverse("core:home")).content.decode()
    assert case.reference not in other and "Ring Margaret back" not in other
    assert "You have no open cases" in other and "You have no open tasks" in other


def test_a_restricted_persons_name_stays_withheld_on_a_colleagues_home(world, login):
    case = allocation.case_accept(user=world.practitioner2, case=CaseFactory(person=world.restricted_person))
    page = login(world.practitioner2).get(reverse("core:home")).content.decode()
    assert case.reference in page and "Restricted record" in page and "Hidden" not in page


def test_a_team_manager_sees_the_waiting_list_breaches(world, login):
    from casework.waiting_list.services import waiting_list_add

    page = login(world.team_manager).get(reverse("core:home")).content.decode()
    assert "0 waiting on your organisation's lists" in page
    with clock.frozen_at(datetime.datetime(2026, 10, 1, 10, tzinfo=datetime.UTC)):
        entry = waiting_list_add(
            user=world.duty_officer,
            case=CaseFactory(person=world.person),
            list_kind="assessment",
            priority="urgent",
            rag="red",
            rag_reason="No food in",
        )
    page = login(world.team_manager).get(reverse("core:home")).content.decode()
    assert "1 waiting on your organisation's lists: <strong>1 past their due date</strong>" in page
    assert entry.case.reference not in page  # counts, not people
    # A practitioner is not shown the breaches: managing them is the manager's.
    assert "past their due date" not in login(world.practitioner).get(reverse("core:home")).content.decode()


def test_a_delivery_worker_sees_their_new_referrals(world, login):
    page = login(world.delivery_worker).get(reverse("core:home")).content.decode()
    assert "0 new referrals to accept or decline" in page
    assert "Your cases" not in page


def test_the_home_page_reads_a_fixed_number_of_queries(world, login, django_assert_max_num_queries):
    client = login(world.practitioner)
    client.get(reverse("core:home"))
    for _ in range(8):
        case = allocation.case_accept(user=world.practitioner, case=CaseFactory(person=world.person))
        task_create(
            user=world.practitioner,
            title="Call",
            due_date=clock.today(),
            case=case,
            assigned_to_user=world.practitioner,
        )
    with django_assert_max_num_queries(20):
        response = client.get(reverse("core:home"))
    assert response.status_code == 200
