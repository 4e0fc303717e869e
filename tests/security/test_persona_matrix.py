"""Issue 12: every persona of another organisation × every page and API operation with an id × the county's
records: refused (403 or 404), no personal data in the answer, and nothing written.

The routes come from the URL patterns and the OpenAPI contract (routes.py); each path parameter is filled with
the id of a county record of the kind it names (KINDS). A parameter with no kind fails the suite, so a new
endpoint cannot be left out. What a persona may reach by design is in ALLOWED with the reason; leaks being
fixed elsewhere are in KNOWN_LEAKS, marked xfail(strict) so that the fix turns them into failures to remove.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from casework.accounts.tokens import api_token_issue
from conftest import mark_mfa_verified
from tests.security.routes import Route, all_routes, example
from tests.security.world import build_matrix_world

pytestmark = pytest.mark.django_db

# Which record each path parameter names: a key of a Subject's records (about a person) or of world.shared.
KINDS = {
    "person_id": "person",
    "household_id": "household",
    "relationship_id": "relationship",
    "case_id": "case",
    "user_id": "colleague",  # a county worker on the case (to remove from it, or to leave a message for)
    "decision_id": "advocacy_decision",
    "assessment_id": "assessment",
    "need_id": "need",
    "record_id": "consent",
    "referral_id": "referral",
    "entry_id": "waiting_list_entry",
    "letter_id": "letter",
    "task_id": "task",  # an advice check: a task, and the advice-check pages' task
    "message_id": "message",
    "concern_id": "concern",
    "grant_id": "break_glass_grant",
    "rule_id": "allocation_rule",
    "definition_id": "need_definition",
    "form_id": "assessment_form",
    "number": "assessment_form_version",
    "template_id": "letter_template",
    "service_id": "directory_service",
    "source_id": "risk_source",
    "import_id": "risk_import",
    "version_id": "risk_model_version",
    "model_category_id": "risk_model_category",
    "factor_definition_id": "risk_factor_definition",
    "risk_rule_id": "risk_rule",
    "matching_model_id": "risk_matching_model",
    "run_id": "risk_matching_run",
    "item_id": "risk_review_item",
    "source_record_id": "risk_source_record",
    "cohort_id": "risk_cohort",
    "initiative_id": "initiative",
    "crisis_id": "crisis_episode",
    "enablement_id": "enablement_episode",
    "sar_id": "subject_access_request",
    "disposal_run_id": "retention_dry_run",
    "class_id": "record_class",
    "hold_id": "legal_hold",
    "review_id": "review",
}
# A parameter whose name alone does not say the kind: the Open Referral API's `pk`.
KINDS_BY_ROUTE = {
    ("openreferral:service", "pk"): "directory_service",
    ("openreferral:service_at_location", "pk"): "directory_service_at_location",
    ("openreferral:taxonomy", "pk"): "directory_taxonomy",
    ("openreferral:taxonomy_term", "pk"): "directory_taxonomy_term",
}
# Parameters that are not ids but one of a fixed list of words: a word the route takes.
CHOICES = {"status": "on_hold", "activity": "review", "kind": "adult", "key": "needs"}

# Who must not see the ordinary county person's records, and who must not see the restricted person's.
OUTSIDERS = ("district_worker", "district_auditor", "delivery_worker", "outsider", "no_roles", "anonymous")
NOT_NAMED = ("practitioner2", "duty_officer", "case_manager")
# Who does the work on a route in the world, for the check that each route reaches its record at all.
OWNERS = {
    "accounts:mfa_user_reset": "org_admin",
    "reporting:dashboard_csv": "team_manager",
    "allocation:rule_edit": "initiative_admin",
    "allocation:rule_move": "initiative_admin",
    "assessments:need_definition_edit": "initiative_admin",
    "assessments:need_definition_retire": "initiative_admin",
    "assessments:assessment_form_edit": "org_admin",
    "assessments:assessment_form_retire": "org_admin",
    "api:/assessments/forms/{form_id}/versions": "org_admin",
    "letters:template_edit": "org_admin",
    "people:break_glass_review": "auditor",
    "people:person_audit": "auditor",
    # Subject access: the county's auditor handles the county person's request.
    **{
        route: "auditor"
        for route in (
            "subjectaccess:request_new",
            "subjectaccess:request_detail",
            "subjectaccess:request_verify_identity",
            "subjectaccess:request_ask_clarification",
            "subjectaccess:request_receive_clarification",
            "subjectaccess:request_extend",
            "subjectaccess:request_prepare_bundle",
            "subjectaccess:request_redact",
            "subjectaccess:request_release",
            "subjectaccess:request_bundle_json",
            "subjectaccess:request_bundle_pdf",
            "api:/subject-access/{sar_id}",
            "api:/subject-access/{sar_id}/verify-identity",
            "api:/subject-access/{sar_id}/ask-clarification",
            "api:/subject-access/{sar_id}/receive-clarification",
            "api:/subject-access/{sar_id}/extend",
            "api:/subject-access/{sar_id}/prepare-bundle",
            "api:/subject-access/{sar_id}/redactions",
            "api:/subject-access/{sar_id}/release",
            "api:/subject-access/{sar_id}/bundle",
        )
    },  # fmt: skip
    # Retention: the county's organisation admin keeps its schedule; its auditor governs its records.
    "retention:class_edit": "org_admin",
    "api:/retention/classes/{class_id}/change": "org_admin",
    **{
        route: "auditor"
        for route in (
            "retention:run_detail",
            "retention:run_status",
            "retention:run_csv",
            "retention:run_appraise",
            "retention:run_dispose",
            "retention:hold_lift",
            "api:/retention/holds/{hold_id}/lift",
            "api:/retention/dry-runs/{disposal_run_id}",
            "api:/retention/dry-runs/{disposal_run_id}/candidates",
            "api:/retention/dry-runs/{disposal_run_id}/appraisals",
            "api:/retention/dry-runs/{disposal_run_id}/dispose",
        )
    },  # fmt: skip
    "careact:advocacy_exception": "team_manager",
    "api:/careact/cases/{case_id}/advocacy/{decision_id}/exception": "team_manager",
    "allocation:case_assign": "team_manager",
    "allocation:case_reassign": "team_manager",
    "allocation:case_transfer": "team_manager",
    "api:/cases/{case_id}/assign": "team_manager",
    "api:/cases/{case_id}/reassign": "team_manager",
    "api:/cases/{case_id}/transfer": "team_manager",
    "allocation:case_allocate": "initiative_admin",
    "api:/cases/{case_id}/allocate": "initiative_admin",
    "contacts:duty_call": "duty_officer",
    "api:/contacts/duty/people/{person_id}/calls": "duty_officer",
    "api:/contacts/duty/people/{person_id}/named-check": "duty_officer",
    "people:person_index_card": "duty_officer",
    "people:person_break_glass": "duty_officer",
    "people:person_restriction": "team_manager",
    "referrals:referral_accept": "debt_worker",
    "referrals:referral_decline": "debt_worker",
    "referrals:referral_plan": "debt_worker",
    "referrals:referral_action_add": "debt_worker",
    "referrals:referral_need_status": "debt_worker",
    "referrals:referral_close": "debt_worker",
    "api:/referrals/{referral_id}/accept": "debt_worker",
    "api:/referrals/{referral_id}/decline": "debt_worker",
    "api:/referrals/{referral_id}/plan": "debt_worker",
    "api:/referrals/{referral_id}/actions": "debt_worker",
    "api:/referrals/{referral_id}/needs/{need_id}/status": "debt_worker",
    "api:/referrals/{referral_id}/close": "debt_worker",
    "plans:personal_budget_approve": "team_manager",
    "api:/plans/cases/{case_id}/budget/personal/approve": "team_manager",
    "api:/plans/cases/{case_id}/budget/personal/refer-up": "team_manager",
    "api:/plans/cases/{case_id}/support-plan/activate": "team_manager",
    "plans:support_plan_activate": "team_manager",
    "reviews:review_sign_authority": "team_manager",
    "api:/reviews/cases/{case_id}/{review_id}/sign-authority": "team_manager",
    "safeguarding:concern_detail": "safeguarding_lead",
    "api:/safeguarding/{concern_id}": "safeguarding_lead",
    # Identify: the lead's initiative admins (and risk analysts, whom the world does not need).
    **{
        route: "initiative_admin"
        for route in (
            "risk:source_detail",
            "risk:source_edit",
            "risk:import_upload",
            "risk:import_detail",
            "risk:import_report",
            "risk:import_records",
            "risk:version_detail",
            "risk:version_edit",
            "risk:version_copy",
            "risk:version_category_add",
            "risk:version_category_remove",
            "risk:version_factor_add",
            "risk:version_factor_remove",
            "api:/risk/sources/{source_id}",
            "api:/risk/sources/{source_id}/imports",
            "api:/risk/imports/{import_id}",
            "api:/risk/imports/{import_id}/problems",
            "api:/risk/models/{version_id}",
            "api:/risk/models/{version_id}/change",
            "api:/risk/models/{version_id}/copy",
            "api:/risk/models/{version_id}/categories",
            "api:/risk/models/{version_id}/factors",
            "risk:version_rule_add",
            "risk:version_rule_edit",
            "risk:version_rule_remove",
            "risk:version_rule_move",
            "api:/risk/models/{version_id}/rules",
            "api:/risk/models/{version_id}/rules/{risk_rule_id}",
            "api:/risk/models/{version_id}/rules/{risk_rule_id}/change",
            "api:/risk/models/{version_id}/rules/{risk_rule_id}/remove",
            "api:/risk/models/{version_id}/rules/{risk_rule_id}/move",
            "risk:matching_model_detail",
            "risk:matching_model_approve",
            "risk:matching_run_detail",
            "risk:import_match",
            "risk:review_item",
            "risk:record_undo_link",
            "api:/risk/matching/models/{matching_model_id}",
            "api:/risk/matching/models/{matching_model_id}/approve",
            "api:/risk/matching/imports/{import_id}/runs",
            "api:/risk/matching/runs/{run_id}",
            "api:/risk/matching/review/{item_id}",
            "api:/risk/matching/review/{item_id}/decide",
            "api:/risk/matching/records/{source_record_id}/undo-link",
            "risk:cohort_generate",
            "risk:cohort_detail",
            "api:/risk/cohorts/{cohort_id}",
            "api:/risk/cohorts/{cohort_id}/rows",
            "risk:cohort_raise_cases",
            "api:/risk/cohorts/{cohort_id}/raise-cases",
        )
    },  # fmt: skip
}

# Routes whose owner the world's state refuses (403 after the record is found): why.
OWNER_REFUSED_BY_STATE = {
    "allocation:case_allocate": "the case has a worker: the allocation rules are for unallocated cases",
    "api:/cases/{case_id}/allocate": "the case has a worker: the allocation rules are for unallocated cases",
    "api:/cases/{case_id}/accept": "the case is accepted already",
}
# Routes that open a person's index card: their owner finds the person by a search first, as at the duty desk.
SEARCH_FIRST = frozenset(
    {
        "people:person_index_card",
        "people:person_break_glass",
        "contacts:duty_call",
        "api:/contacts/duty/people/{person_id}/calls",
        "api:/contacts/duty/people/{person_id}/named-check",
    }
)

# Bodies and query strings that the contract's types alone do not make valid, so that the request is refused
# for who sends it rather than for what it says.
BODIES = {
    "api:/risk/models/{version_id}/rules": {"when": '{"factor": "nhs/shielded"}'},
    "api:/risk/models/{version_id}/rules/{risk_rule_id}/change": {"when": '{"factor": "nhs/shielded"}'},
    "api:/contacts/duty/people/{person_id}/calls": {"who": "person"},
    "api:/plans/cases/{case_id}/budget/personal": {"weekly_cost": "250.00"},
    "api:/subject-access/{sar_id}/redactions": {
        "section": "people/person",
        "record_id": "1",
        "field": "",
        "reason": "third_party",
        "explanation": "About her neighbour",
    },
    "api:/plans/cases/{case_id}/direct-payments": {"weekly_amount": "250", "weekly_contribution": "0"},
    "api:/plans/cases/{case_id}/direct-payments/audit-returns": {"spent": "0", "balance_held": "0"},
    "api:/plans/cases/{case_id}/support-plan/services/suspend": {
        "reference": "ab12",
        "starts_on": "2026-01-05",
    },
    "api:/plans/cases/{case_id}/support-plan/services/restart": {
        "reference": "ab12",
        "restarts_on": "2026-01-05",
    },
}
# (A body field's value is the id of a record of the kind named.)
BODY_RECORDS = {"api:/cases/{case_id}/transfer": {"organisation_id": "responsible_organisation"}}
# (A query parameter's value is the id of a record of the kind named.)
QUERY = {"api:/contacts/duty/people/{person_id}/named-check": {"worker_id": "colleague"}}


@dataclass(frozen=True)
class Expected:
    """What a persona may get from a route: the statuses, what of the person may show, the tables it may
    write."""

    statuses: frozenset[int]
    reason: str
    may_show: frozenset[str] = frozenset()
    may_write: frozenset[str] = frozenset()


REFUSED = Expected(frozenset({403, 404}), "another organisation's record, or a person not named on it")
SIGN_IN = Expected(frozenset({302}), "every page but the public ones needs a sign-in")
NO_TOKEN = Expected(frozenset({401}), "the API needs a token")

PUBLIC_DIRECTORY = Expected(
    frozenset({200}), "the directory of services is public (Open Referral UK): no person is in it"
)
DIRECTORY = Expected(
    frozenset({200}), "anyone signed in may read the directory's services: no person is in them"
)
# A restricted person's case, and what hangs off it, are the holding organisation's: a colleague not named on
# the person may open them (and that is recorded), but must see nothing of the person. Their own record is
# refused.
CASE_OF_A_RESTRICTED_PERSON = Expected(
    frozenset({200, 302, 403, 404, 409, 422}),
    "a restricted person's case is the holding organisation's: a colleague not named on the person may open "
    "it, but sees nothing of the person",
    may_write=frozenset({"audit_accessevent"}),
)
PERSON_OWN_KINDS = frozenset({"person", "relationship"})

# What a persona may reach by design: (persona or "*", route id, method or "*") -> Expected. The most specific
# wins.
ALLOWED: dict[tuple[str, str, str], Expected] = {
    **{
        ("*", f"openreferral:{name}", "GET"): PUBLIC_DIRECTORY
        for name in ("service", "service_at_location", "taxonomy", "taxonomy_term")
    },
    ("*", "directory:service_detail", "GET"): DIRECTORY,
    ("*", "risk_public:how_we_identify", "GET"): Expected(
        frozenset({200}), "how an initiative identifies people is public: no person is in it"
    ),
    ("*", "api:/directory/services/{service_id}", "GET"): DIRECTORY,
    ("anonymous", "directory:service_detail", "GET"): SIGN_IN,
    ("anonymous", "api:/directory/services/{service_id}", "GET"): NO_TOKEN,
    # Break-glass: a caseworker of a responsible organisation may open any unrestricted record of the
    # initiative on a stated reason (audited, and reviewed by an auditor). The page shows the index card:
    # name, birth year and postcode district. (A 404 once the card needs a search first: issue 12.)
    ("district_worker", "people:person_break_glass", "*"): Expected(
        frozenset({200, 404}),
        "break-glass is open to caseworkers of the initiative's responsible organisations",
        may_show=frozenset({"name"}),
        may_write=frozenset({"audit_accessevent"}),
    ),
    # The page reads the index card (recorded: a colleague may see any card of the initiative), then refuses.
    **{
        (persona, "people:person_break_glass", "*"): Expected(
            frozenset({403, 404}),
            "break-glass is never for a restricted record",
            may_write=frozenset({"audit_accessevent"}),
        )
        for persona in NOT_NAMED
    },
    # A household is the organisation's record: whoever may see it sees its address; a restricted member's
    # name is withheld (issue 12).
    **{
        (persona, route_id, "*"): Expected(
            CASE_OF_A_RESTRICTED_PERSON.statuses,
            "a household's own address is shown to whoever may see the household",
            may_show=frozenset({"address", "postcode"}),
            may_write=frozenset({"audit_accessevent"}),
        )
        for persona in NOT_NAMED
        for route_id in ("people:household_detail", "people:household_edit")
    },
    # Anyone who changes records in the holding organisation may record that consent was withdrawn: a person
    # who withdraws it must not wait for their worker (consent/policies.py).
    **{
        (persona, "api:/consents/{record_id}/withdraw", "POST"): Expected(
            frozenset({200}),
            "anyone who changes records in the holding organisation records a withdrawal",
            may_write=frozenset(
                {"audit_accessevent", "audit_auditevent", "audit_chainhead", "consent_consentrecord"}
            ),
        )
        for persona in ("practitioner2", "duty_officer")
    },
    # Anyone who changes records in the holding organisation triages and reprioritises its waiting list, a
    # restricted person's entry too (waiting_list/policies.py): the entry shows nothing of the person. (Found
    # once the contract listed the priorities, making the matrix's example body a valid one: issue 13.)
    **{
        (persona, "api:/waiting-list/{entry_id}/reprioritise", "POST"): Expected(
            frozenset({200}),
            "anyone who changes records in the holding organisation reprioritises its waiting list",
            may_write=frozenset(
                {
                    "audit_accessevent",
                    "audit_auditevent",
                    "audit_chainhead",
                    "waiting_list_reprioritisation",
                    "waiting_list_waitinglistentry",
                }
            ),
        )
        for persona in ("practitioner2", "duty_officer")
    },
    # Anyone who changes records in the holding organisation records a review asked for (the duty desk, as for
    # a task about the case), a restricted person's case too: the request shows nothing of the person.
    **{
        (persona, "api:/reviews/cases/{case_id}/requests", "POST"): Expected(
            frozenset({201}),
            "anyone who changes records in the holding organisation records a request for a review",
            may_write=frozenset(
                {
                    "audit_accessevent",
                    "audit_auditevent",
                    "audit_chainhead",
                    "reviews_review",
                    "reviews_reviewrequest",
                    "tasks_task",
                }
            ),
        )
        for persona in ("practitioner2", "duty_officer")
    },
}


def _each(personas, route_ids, methods, reason) -> dict[tuple[str, str, str], str]:
    return {
        (persona, route_id, method): reason
        for persona in personas
        for route_id in route_ids
        for method in methods
    }


BOTH = ("GET", "POST")
# Known leaks, xfail(strict): a fix turns each into a failure, and its entry is removed.
KNOWN_LEAKS: dict[tuple[str, str, str], str] = {}


@dataclass
class Matrix:
    world: object
    clients: dict[str, Client]
    tokens: dict[str, str]

    def records(self, subject: str) -> dict[str, object]:
        return {**self.world.shared, **self.world.subjects[subject].records}

    def values(self, subject: str, route: Route) -> dict[str, object]:
        records = self.records(subject)
        values = {}
        for param in route.params:
            if param in CHOICES:
                values[param] = CHOICES[param]
                continue
            kind = KINDS_BY_ROUTE.get((route.name, param), KINDS.get(param))
            values[param] = records[kind]
        return values

    def send(self, persona: str, route: Route, method: str, subject: str):
        url = route.url(self.values(subject, route))
        if route.kind == "page":
            client = self.clients[persona]
            return client.get(url) if method == "GET" else client.generic(method, url)
        client = self.clients["api"]
        headers = {"HTTP_AUTHORIZATION": f"Bearer {self.tokens[persona]}"} if persona in self.tokens else {}
        query = {name: example(schema) for name, schema in route.query}
        records = self.records(subject)
        query.update({name: records[kind] for name, kind in QUERY.get(route.id, {}).items()})
        if method == "GET":
            return client.get(url, query, **headers)
        if query:
            url += "?" + "&".join(f"{name}={value}" for name, value in query.items())
        body = example(route.body_schema)
        if route.id in BODIES:
            body = {**body, **BODIES[route.id]}
        if route.id in BODY_RECORDS:
            body = {**body, **{name: records[kind] for name, kind in BODY_RECORDS[route.id].items()}}
        return client.generic(
            method,
            url,
            json.dumps(body) if body is not None else "",
            content_type="application/json",
            **headers,
        )

    def probe(self, persona: str, route: Route, method: str, subject: str):
        """The answer to a persona (who searches for the person first, where the route needs it), undone."""
        from casework.people.selectors import person_index_search

        point = transaction.savepoint()
        try:
            if route.id in SEARCH_FIRST:
                person = self.world.subjects[subject].person
                person_index_search(user=getattr(self.world, persona), nhs_number=person.nhs_number)
            return self.send(persona, route, method, subject)
        finally:
            transaction.savepoint_rollback(point)


@pytest.fixture(scope="module")
def matrix(django_db_setup, django_db_blocker):
    """The world, built once for the module inside a transaction rolled back at its end; each test runs in a
    savepoint of it (pytest-django's `db`)."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            world = build_matrix_world()
            world.debt_worker = _debt_worker(world)
            world.safeguarding_lead = world.safeguarding_team.memberships.order_by("id").first().user
            clients, tokens = {"anonymous": Client(), "api": Client()}, {}
            for name in {*OUTSIDERS, *NOT_NAMED, *OWNERS.values(), "practitioner"} - {"anonymous"}:
                user = getattr(world, name)
                clients[name] = Client()
                clients[name].force_login(user)
                # Built before the function-scoped fixture that finishes each sign-in: finish it here.
                mark_mfa_verified(clients[name], user)
                tokens[name] = api_token_issue(user=user)
            yield Matrix(world=world, clients=clients, tokens=tokens)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _debt_worker(world):
    from tests.factories import MembershipFactory, UserFactory

    user = UserFactory(username="debt_worker")
    MembershipFactory(user=user, organisation=world.debt_advice, role="practitioner")
    return user


# --- The cases ----------------------------------------------------------------------------------------------

SHARED_KINDS = frozenset(
    {
        "allocation_rule",
        "need_definition",
        "assessment_form",
        "assessment_form_version",
        "letter_template",
        "directory_service",
        "directory_service_at_location",
        "directory_taxonomy",
        "directory_taxonomy_term",
        # Identify's records are the initiative's (an import names many people: the world's is about the
        # plain person, whose name must not show to anyone else).
        "risk_source",
        "risk_import",
        "risk_model_version",
        "risk_model_category",
        "risk_factor_definition",
        "risk_matching_model",
        "risk_matching_run",
        "risk_review_item",
        "risk_source_record",
        "risk_cohort",
        "initiative",
        # Retention's records are the organisation's: ids and references, no person's data.
        "retention_dry_run",
        "record_class",
        "legal_hold",
    }
)
# Kinds a restricted person cannot have: break-glass is refused for them.
NOT_FOR_RESTRICTED = frozenset({"break_glass_grant"})


def _kinds(route: Route) -> set[str]:
    kinds = set()
    for param in route.params:
        if param in CHOICES:
            continue
        kind = KINDS_BY_ROUTE.get((route.name, param), KINDS.get(param))
        if kind is None:
            raise AssertionError(
                f"{route.id} takes the parameter {param!r}, which names no kind of record in the persona "
                "matrix: add it to KINDS in tests/security/test_persona_matrix.py (and a record of that kind "
                "to tests/security/world.py), so that the new endpoint is checked for every persona"
            )
        kinds.add(kind)
    return kinds


def _cases():
    cases = []
    for route in all_routes():
        kinds = _kinds(route)
        about_a_person = not kinds <= SHARED_KINDS
        subjects = [("plain", OUTSIDERS)]
        if about_a_person and not kinds & NOT_FOR_RESTRICTED:
            subjects.append(("restricted", NOT_NAMED))
        for subject, personas in subjects:
            for persona in personas:
                for method in route.methods:
                    marks = []
                    reason = KNOWN_LEAKS.get((persona, route.id, method))
                    if reason:
                        marks.append(pytest.mark.xfail(strict=True, reason=reason))
                    cases.append(
                        pytest.param(
                            persona, method, route, subject, marks=marks, id=f"{persona}-{method}-{route.id}"
                        )
                    )
    return cases


CASES = _cases()
ROUTES = [pytest.param(route, id=route.id) for route in all_routes()]

# --- What an answer may hold --------------------------------------------------------------------------------

# Tables a refused request may still write: the session (a flash message), a token's last use.
ALWAYS_WRITTEN = frozenset({"django_session", "accounts_apitoken"})
_WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)


def _written(queries) -> set[str]:
    return {match.group(1) for query in queries.captured_queries if (match := _WRITE.match(query["sql"]))}


def _pdf_templates(response) -> list[str]:
    """A PDF made from a *_pdf.html template (a support plan's copy): that template rendered again with the
    context it had, which is what the PDF says."""
    from django.template.loader import render_to_string

    templates = list(getattr(response, "templates", None) or [])
    contexts = response.context if isinstance(response.context, list) else [response.context]
    return [
        render_to_string(template.name, context.flatten())
        for template, context in zip(templates, contexts, strict=False)
        if template.name and template.name.endswith("_pdf.html") and context is not None
    ]


def _text(response) -> str:
    """The answer as text: its body and the headers that may carry a name. A PDF is one of the person's
    letters: its text is the letter as rendered (kept with it), which is what the PDF says; or it is made from
    a *_pdf.html template, and its text is that template as rendered."""
    from casework.letters.models import Letter

    body = b"".join(response.streaming_content) if response.streaming else response.content
    headers = " ".join(response.get(name, "") for name in ("Location", "Content-Disposition"))
    if response.get("Content-Type", "").startswith("application/pdf"):
        letters = [
            f"{letter.addressed_to} {letter.html}"
            for letter in Letter.objects.all()
            if bytes(letter.pdf) == body
        ] or _pdf_templates(response)
        assert letters, "A PDF that is none of the letters sent, nor made from a *_pdf.html template"
        return " ".join(letters) + " " + headers
    return body.decode("utf-8", "replace") + " " + headers


def _expected(persona: str, route: Route, method: str) -> Expected:
    for key in (
        (persona, route.id, method),
        (persona, route.id, "*"),
        ("*", route.id, method),
        ("*", route.id, "*"),
    ):
        if key in ALLOWED:
            return ALLOWED[key]
    if persona == "anonymous":
        return SIGN_IN if route.kind == "page" else NO_TOKEN
    if persona in NOT_NAMED and not _kinds(route) <= PERSON_OWN_KINDS:
        return CASE_OF_A_RESTRICTED_PERSON
    return REFUSED


@pytest.mark.parametrize(("persona", "method", "route", "subject"), CASES)
def test_another_organisations_record_is_refused_and_nothing_of_it_shows(
    matrix, persona, method, route, subject
):
    with CaptureQueriesContext(connection) as queries:
        response = matrix.send(persona, route, method, subject)
    status = response.status_code
    shown = matrix.world.subjects[subject].personal_data.found_in(_text(response))
    written = _written(queries) - ALWAYS_WRITTEN
    expected = _expected(persona, route, method)
    where = f"{persona} {method} {route.url(matrix.values(subject, route))}"
    if status == 405 and route.kind == "page":
        owner = OWNERS.get(route.id, "practitioner")
        owned = matrix.probe(owner, route, method, subject).status_code
        assert owned == 405, f"{where}: 405, but {owner} gets {owned}: the route takes {method}"
    else:
        assert status in expected.statuses, (
            f"{where}: {status}, expected {sorted(expected.statuses)} "
            f"({expected.reason}); shows {shown or 'nothing'}"
        )
    if status == 302 and expected is SIGN_IN:
        assert response["Location"].startswith("/accounts/login"), (
            f"{where} redirects to {response['Location']}"
        )
    assert set(shown) <= expected.may_show, (
        f"{where} shows the person's {sorted(set(shown) - expected.may_show)}: {shown} ({expected.reason})"
    )
    assert written <= expected.may_write, f"{where} wrote to {sorted(written - expected.may_write)}"


@pytest.mark.parametrize("route", ROUTES)
def test_each_route_reaches_its_record_for_the_one_who_works_on_it(matrix, route):
    """The matrix is only as good as its ids: the owner of each record gets past the access checks."""
    owner = OWNERS.get(route.id, "practitioner")
    method = route.methods[0]
    response = matrix.probe(owner, route, method, "plain")
    if response.status_code == 405 and route.kind == "page":
        method = "POST"
        response = matrix.probe(owner, route, method, "plain")
    status = response.status_code
    where = f"{owner} {method} {route.url(matrix.values('plain', route))}"
    if route.id in OWNER_REFUSED_BY_STATE:
        assert status == 403, f"{where}: {status}, expected 403 ({OWNER_REFUSED_BY_STATE[route.id]})"
        return
    assert status not in (401, 403, 404, 405), f"{where}: {status}: {_text(response)[:300]}"
    assert status < 500, where
    if status == 302:
        assert not response["Location"].startswith("/accounts/login"), where
