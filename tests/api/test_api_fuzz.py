"""Schemathesis over the contract (issue 13): every operation, every check, for three personas.

Each operation is called in-process (config.wsgi) with requests generated from the contract, valid and not, by
a practitioner, a team manager and a delivery organisation's worker, in a world of records
(tests/security/world.py). Every check schemathesis has runs on each answer: no server error, only documented
statuses, bodies and headers as documented, invalid requests refused, valid ones accepted, authentication not
ignored, unsupported methods refused with 405. (use_after_free, ensure_resource_availability and
object_level_authorization judge sequences of calls, which a test of one operation does not make: who may see
what is the persona matrix's, tests/security.) Each example runs in a savepoint rolled back after it, so the
world (and the failed-token count of the address) is the same for every example, and the run is seeded.

A valid request may still be refused for a rule of the domain the contract cannot state (DOMAIN_RULES, each
with why): positive_data_acceptance is run with those refusals, and only those, let through.
"""

from __future__ import annotations

import re

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from schemathesis.specs.openapi.checks import positive_data_acceptance

from casework.accounts.tokens import api_token_issue
from config.api import api
from config.wsgi import application
from tests.factories import MembershipFactory, UserFactory
from tests.security.world import build_matrix_world

CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 13,
        "suppress-health-check": ["all"],
        "generation": {"max-examples": 5, "deterministic": True, "database": "none"},
    }
)
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(), config=CONFIG)
schema.app = application

PERSONAS = ("practitioner", "team_manager", "delivery_worker")

# Refusals (422) of requests the contract calls valid, for rules it cannot state: a pattern of the message of
# each field error, and why the contract cannot say it.
DOMAIN_RULES = (
    # Bounds that move with the day.
    (
        r"^The date must be (today or in the past|the same as or (after|before) )",
        "1890 to today or 5 years on",
    ),
    (r"^The due date must be today or in the future", "relative to today"),
    (r"^The date and time of the contact must be in the past", "relative to now"),
    (r"^The expiry date must be in the future", "relative to today"),
    # One field against another.
    (r"must be on or after the date it was given|must be the same as or after the first day", "date order"),
    (r"^The end date must be the same as or after the start date", "date order (the dashboard's period)"),
    (r"^Give both scope and scope_id, or neither", "two fields given together"),
    (r"^Send the version you last read, as If-Match or a version field", "the body's version, or If-Match"),
    (r"^A case is about one person or one household", "one of two ids"),
    (r"^Record the contact on a case or a person|^Say who the concern is about", "one of two ids"),
    (r"^Give the task to one worker or to one team|^A task about nobody in particular", "one of two ids"),
    (r"^Enter a (family name|date of birth), or search by NHS number", "one of two search terms"),
    (r"^Enter the prevention and community services", "free text or directory ids: one of two lists"),
    (
        r"^Only an attempt to reach the person has a next|^An attempt to reach the person is an outbound",
        "ditto",
    ),
    (
        r"^If someone is in immediate danger|^Deteriorating health is part of the carers",
        "one answer vs another",
    ),
    (r"^Say what did not help|^Enter the reason$|^Enter the reason for the determination", "needed for some"),
    (r"^Enter why (the activity may start|your decision differs|the data may be shared)", "needed for some"),
    (r"^Enter the (name of the advocate|advocacy service|name of the representative)", "needed for some"),
    (r"^Select who|^Enter (the name|their (role|relationship))|^Select the lawful basis", "needed for some"),
    (
        r"is not one of the specified outcomes for (an adult|a carer)",
        "an adult's and a carer's outcomes differ",
    ),
    (r"^Choose why it ended early|^Enablement is planned for at most 6 weeks", "needed for some"),
    (r"^The planned end must be on or after|^The response must start after|must be in the past\.$", "dates"),
    (
        r"^Choose a provider: |^A service is listed twice|^The suspension must start while the service runs"
        r"|^The service (is already suspended then|restarts on a day after)|^Say why the service is suspended"
        r"|^Give the reason the plan was not signed",
        "support plans: one of two providers, a service against its dates and its suspensions",
    ),
    (
        r"^Choose the decision before sending|^Enter the provider who helped"
        r"|^Give the reason the review was not|^Say whether (each outcome|the outcome is)"
        r"|^Enter the outcome in at most",
        "reviews: what finishing a review needs, and a provider's name when one helped",
    ),
    (
        r"^Enter the name of the nominated or authorised person"
        r"|^The weekly (amount must be above|contribution cannot be more)"
        r"|^The end must be on or after the start\.$|^Enter why the payment is held"
        r"|^The end of the period must be on or after its start",
        "direct payments: a name for some recipients, amounts and dates against each other",
    ),
    # Ids: a record that is not there, or that does not go with the rest of the request.
    (r"^No such |is not on this case|is about someone else|no longer in the directory", "what the id names"),
    (r"^Select (one of |a consent|a delivery organisation|the needs to refer|needs recorded)", "ditto"),
    (r"^Select (a service from the directory|organisations of the initiative)", "what the id names"),
    (r"is not a team of ", "what the id names"),
    # The state of the records.
    (
        r"already (the primary worker|with that organisation|recorded on this case)|^The need is already",
        "state",
    ),
    (r"^Record whether the advice helped|^There is no live consent", "the state of the records"),
    (r"is already referred: wait for the answer", "the state of the records"),
    (r"^Change the priority, the rating or the crisis flag", "the entry as it is"),
    (r"^Select the outcome", "the outcomes are the initiative's own (GET /api/v1/cases/outcomes)"),
    # Forms the contract's formats do not match exactly.
    (r"^Enter a (real|valid) NHS number", "the NHS number's check digit"),
    (r"^Enter a real postcode", "a postcode's form, in any case and spacing"),
    (r"^Enter a valid email address", "an email address as Django's EmailValidator takes it"),
)


def _refused_for_a_domain_rule(response) -> bool:
    if response.status_code != 422:
        return False
    errors = response.json().get("errors") or [{"message": response.json().get("detail", "")}]
    return all(any(re.search(rule, error["message"]) for rule, _why in DOMAIN_RULES) for error in errors)


def positive_data_acceptance_but_for_domain_rules(ctx, response, case):
    if _refused_for_a_domain_rule(response):
        return None
    return positive_data_acceptance(ctx, response, case)


@pytest.fixture(scope="module")
def tokens(django_db_setup, django_db_blocker):
    """The world, built once for the module in a transaction rolled back at its end; each persona's token."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            world = build_matrix_world()
            # The delivery organisation the world's referrals go to, and someone who works there.
            world.delivery_worker = UserFactory(username="debt_worker")
            MembershipFactory(user=world.delivery_worker, organisation=world.debt_advice, role="practitioner")
            yield {name: api_token_issue(user=getattr(world, name)) for name in PERSONAS}
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def in_process(db):
    """Requests served in the test's thread and transaction: as Django's test client does, the connection is
    kept open across requests (a request's end would close it, and with it the test's transaction)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.parametrize("persona", PERSONAS)
@schema.parametrize()
def test_the_api_keeps_its_contract(case, persona, tokens, in_process):
    point = transaction.savepoint()
    try:
        case.call_and_validate(
            headers={"Authorization": f"Bearer {tokens[persona]}"},
            excluded_checks=[positive_data_acceptance],
            additional_checks=[positive_data_acceptance_but_for_domain_rules],
        )
    finally:
        transaction.savepoint_rollback(point)
