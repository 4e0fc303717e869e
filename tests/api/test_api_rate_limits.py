"""Failed tokens lock an address out of the API for a cool-off (ADR 13), as django-axes does for sign-ins."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from casework.accounts.tokens import api_token_authenticate, api_token_issue
from casework.audit.models import AuditEvent
from casework.core import clock
from casework.core.models import RateLimitWindow

ADDRESS, OTHER_ADDRESS = "203.0.113.7", "198.51.100.20"
WRONG = "cw_deadbeef_not-a-real-secret"


@pytest.fixture
def limits(settings):
    settings.CASEWORK_API_TOKEN_FAILURE_LIMIT = 3
    settings.CASEWORK_API_TOKEN_COOLOFF_SECONDS = 900


def _get(client, world, token, address=ADDRESS):
    return client.get(
        f"/api/v1/people/{world.person.pk}", HTTP_AUTHORIZATION=f"Bearer {token}", REMOTE_ADDR=address
    )


def test_the_failure_that_reaches_the_limit_locks_the_address_out(client, world, limits, frozen_now):
    assert [_get(client, world, WRONG).status_code for _ in range(2)] == [401, 401]
    locked = _get(client, world, WRONG)
    assert locked.status_code == 429
    assert locked["Retry-After"] == "900"
    assert locked.json() == {
        "detail": "Too many failed tokens have been sent from your address. Every request from it is refused "
        "for 15 minutes, even with a valid token.",
        "errors": [],
    }


def test_a_valid_token_is_refused_from_a_locked_out_address_not_another(client, world, limits, frozen_now):
    token = api_token_issue(user=world.practitioner)
    assert _get(client, world, token).status_code == 200
    [_get(client, world, WRONG) for _ in range(3)]
    refused = _get(client, world, token)
    assert refused.status_code == 429 and refused["Retry-After"] == "900"
    assert _get(client, world, token, address=OTHER_ADDRESS).status_code == 200


def test_a_lockout_is_audited_once_however_many_failures_follow(client, world, limits, frozen_now):
    token = api_token_issue(user=world.practitioner)
    audited = AuditEvent.objects.count()
    statuses = [_get(client, world, WRONG).status_code for _ in range(3 + 20)]
    statuses += [_get(client, world, token).status_code for _ in range(5)]
    assert statuses == [401, 401] + [429] * 26
    events = list(AuditEvent.objects.all()[audited:])
    assert [e.verb for e in events] == ["accounts.api_token_refused", "accounts.api_address_locked_out"]
    refused, locked_out = events
    assert refused.actor_id is None and refused.channel == "api"
    assert refused.changes["client_address"]["after"] == ADDRESS
    assert refused.changes["failures"] == {"before": 2, "after": 3}
    until = frozen_now + datetime.timedelta(minutes=15)
    assert locked_out.changes["locked_until"]["after"] == until.isoformat()
    # Refused before anything is counted: the flood wrote nothing either.
    assert RateLimitWindow.objects.get().count == 3


def test_a_failure_with_a_real_tokens_prefix_is_audited_against_that_token(client, world, limits, frozen_now):
    prefix = api_token_issue(user=world.practitioner).split("_")[1]
    [_get(client, world, f"cw_{prefix}_a-wrong-secret") for _ in range(3)]
    refused = AuditEvent.objects.get(verb="accounts.api_token_refused")
    token = world.practitioner.api_tokens.get()
    assert (refused.object_type, refused.object_id) == ("accounts.apitoken", str(token.pk))


def test_the_lockout_ends_with_the_cool_off_and_failures_count_afresh(client, world, limits, frozen_now):
    token = api_token_issue(user=world.practitioner)
    [_get(client, world, WRONG) for _ in range(3)]
    with clock.frozen_at(frozen_now + datetime.timedelta(seconds=899)):
        assert _get(client, world, token).status_code == 429
    with clock.frozen_at(frozen_now + datetime.timedelta(seconds=900)):
        assert _get(client, world, token).status_code == 200
        assert [_get(client, world, WRONG).status_code for _ in range(3)] == [401, 401, 429]
    assert AuditEvent.objects.filter(verb="accounts.api_address_locked_out").count() == 2


def test_failures_from_two_clients_at_one_address_count_together(world, limits, frozen_now):
    first, second = Client(), Client()
    token = api_token_issue(user=world.practitioner)
    assert _get(first, world, WRONG).status_code == 401
    assert _get(second, world, WRONG).status_code == 401
    assert _get(first, world, WRONG).status_code == 429
    assert _get(second, world, token).status_code == 429


def test_a_successful_token_writes_nothing_and_costs_no_query_more(world, limits):
    token = api_token_issue(user=world.practitioner)
    assert api_token_authenticate(token, address=ADDRESS) == world.practitioner  # writes its last use, once
    with CaptureQueriesContext(connection) as queries:
        assert api_token_authenticate(token, address=ADDRESS) == world.practitioner
    assert len(queries) == 1 and queries[0]["sql"].lstrip().upper().startswith("SELECT")
    assert not RateLimitWindow.objects.exists()


def test_a_valid_token_after_some_failures_still_writes_nothing(client, world, limits, frozen_now):
    token = api_token_issue(user=world.practitioner)
    [_get(client, world, WRONG) for _ in range(2)]
    assert _get(client, world, token).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert api_token_authenticate(token, address=ADDRESS) == world.practitioner
    assert len(queries) == 1 and queries[0]["sql"].lstrip().upper().startswith("SELECT")
    assert RateLimitWindow.objects.get().count == 2


def test_requests_without_a_token_are_not_counted(client, world, limits, frozen_now):
    assert [
        client.get(f"/api/v1/people/{world.person.pk}", REMOTE_ADDR=ADDRESS).status_code for _ in range(5)
    ] == [401] * 5
    assert not RateLimitWindow.objects.exists()


def test_the_contract_names_the_429s(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    person = paths["/api/v1/people/{person_id}"]["get"]["responses"]["429"]
    assert "Too many failed tokens from your address" in person["description"]
    assert person["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorOut"}
    assert person["headers"]["Retry-After"]["schema"] == {"type": "integer"}
    search = paths["/api/v1/people/search"]["get"]["responses"]["429"]["description"]
    assert search.startswith("Too many searches of the index by you") and "Too many failed tokens" in search
    assert "429" in paths["/api/v1/cases/{case_id}/accept"]["post"]["responses"]
