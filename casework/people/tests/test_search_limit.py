"""Each index search discloses who is known: a user gets so many in a while, pages and API together
(ADR 13)."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework.audit.models import AccessEvent, AuditEvent
from casework.core import clock
from casework.core.errors import RateLimited
from casework.people.selectors import person_index_search

REFUSED = (
    "You have searched the index 3 times in 10 minutes. Wait 10 minutes before searching again, or "
    "ask your manager if your work needs more searches than this."
)
NHS = {"nhs_number": "9434765919"}


@pytest.fixture
def limit(settings):
    settings.CASEWORK_INDEX_SEARCH_LIMIT = 3
    settings.CASEWORK_INDEX_SEARCH_WINDOW_SECONDS = 600


def _searches():
    return AccessEvent.objects.filter(verb="people.index_searched").count()


@pytest.mark.parametrize("page", ["people:person_search", "contacts:duty_desk"])
def test_a_search_page_refuses_beyond_the_limit_with_an_error_summary(login, world, limit, frozen_now, page):
    client = login(world.duty_officer)
    for _ in range(3):
        assert "Margaret Thornton" in client.get(reverse(page), NHS).content.decode()
    refused = client.get(reverse(page), NHS)
    html = refused.content.decode()
    assert refused.status_code == 200
    assert '<div class="govuk-error-summary"' in html and "<title>Error: " in html
    assert REFUSED in html
    assert "Margaret Thornton" not in html  # nothing disclosed
    assert _searches() == 3  # and nothing searched


def test_a_refused_search_reads_nothing_of_the_index(world, limit, frozen_now):
    for _ in range(3):
        person_index_search(user=world.duty_officer, **NHS)
    with CaptureQueriesContext(connection) as queries, pytest.raises(RateLimited) as refused:
        person_index_search(user=world.duty_officer, **NHS)
    assert refused.value.until == frozen_now + datetime.timedelta(minutes=10)
    assert not [query for query in queries if "people_person" in query["sql"]]


def test_the_api_answers_429_and_counts_with_the_pages(login, api, world, limit, frozen_now):
    client = login(world.duty_officer)
    client.get(reverse("people:person_search"), NHS)
    client.get(reverse("contacts:duty_desk"), NHS)
    with clock.frozen_at(frozen_now + datetime.timedelta(minutes=4)):
        assert api(world.duty_officer).get("/people/search", NHS).status_code == 200
        refused = api(world.duty_officer).get("/people/search", NHS)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "360"
    assert refused.json() == {"detail": REFUSED.replace("Wait 10 minutes", "Wait 6 minutes"), "errors": []}
    assert _searches() == 3


def test_two_browsers_of_one_user_count_together(world, limit, frozen_now):
    first, second = Client(), Client()
    first.force_login(world.duty_officer)
    second.force_login(world.duty_officer)
    for client in (first, second, first):
        assert REFUSED not in client.get(reverse("people:person_search"), NHS).content.decode()
    assert REFUSED in second.get(reverse("people:person_search"), NHS).content.decode()


def test_reaching_the_limit_is_audited_once(world, limit, frozen_now):
    for _ in range(3):
        person_index_search(user=world.duty_officer, **NHS)
    for _ in range(5):
        with pytest.raises(RateLimited):
            person_index_search(user=world.duty_officer, **NHS)
    event = AuditEvent.objects.get(verb="people.index_search_limit_reached")
    assert event.actor_id == world.duty_officer.pk and event.organisation_id == world.county.pk
    until = frozen_now + datetime.timedelta(minutes=10)
    assert event.changes == {"refused_until": {"before": None, "after": until.isoformat()}}


def test_searching_is_allowed_again_once_the_window_has_ended(world, limit, frozen_now):
    for _ in range(3):
        person_index_search(user=world.duty_officer, **NHS)
    with clock.frozen_at(frozen_now + datetime.timedelta(minutes=9, seconds=59)), pytest.raises(RateLimited):
        person_index_search(user=world.duty_officer, **NHS)
    with clock.frozen_at(frozen_now + datetime.timedelta(minutes=10)):
        cards = person_index_search(user=world.duty_officer, **NHS)
    assert [card.name for card in cards] == ["Margaret Thornton"]
    assert _searches() == 4


def test_each_user_has_a_limit_of_their_own(world, limit, frozen_now):
    for _ in range(3):
        person_index_search(user=world.duty_officer, **NHS)
    with pytest.raises(RateLimited):
        person_index_search(user=world.duty_officer, **NHS)
    assert len(person_index_search(user=world.practitioner, **NHS)) == 1


def test_someone_who_may_not_search_is_refused_without_being_counted(world, limit, frozen_now):
    from casework.core.errors import PermissionRefused
    from casework.core.models import RateLimitWindow

    with pytest.raises(PermissionRefused):
        person_index_search(user=world.org_admin, **NHS)
    assert not RateLimitWindow.objects.exists()
