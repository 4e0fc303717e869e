"""Issue 14: every permission in the registry (core/permissions.py) is in a persona matrix, or pending with a
reason. A permission is in a matrix when tests/security checks, for every persona of the matrix world
(tests/security/world.py), signed out included, whether they hold it: its queryset twin in
test_queryset_twins.TWINS, or here in GRANTS, which names the world's record it is asked of and the
personas who hold it there. A PENDING entry that is covered, or no longer registered, fails: remove it.

And no predicate mistakes a missing id for the signed-out user's (None == None): asked of records whose
nullable references are all empty, a signed-out user holds nothing."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.apps import apps

from casework.core.permissions import has_perm, registered_permissions
from tests.security.personas import WORLD_PERSONAS, persona_user
from tests.security.test_queryset_twins import TWINS

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Grant:
    """What the permission is asked of in the world (a key of the plain subject's records or world.shared,
    "unallocated_case", "initiative" or "organisation" for the county's ids, "scope:<word>", or None for a
    permission held as a whole), and the personas who hold it there (anyone else, signed out included, must
    not)."""

    of: str | None
    holders: tuple[str, ...]


GRANTS: dict[str, Grant] = {
    "accounts.reset_mfa": Grant("colleague", ("org_admin",)),
    "careact.record_advocacy_exception_case": Grant("case", ("team_manager",)),
    "careact.record_steps_case": Grant("case", ("practitioner", "team_manager", "colleague")),
    "careact.view_steps_case": Grant(
        "case",
        (
            "practitioner",
            "practitioner2",
            "team_manager",
            "duty_officer",
            "case_manager",
            "auditor",
            "colleague",
            "safeguarder",
            "safeguarding_lead",
        ),
    ),
    "allocation.accept_case": Grant(
        "unallocated_case",
        ("practitioner", "practitioner2", "team_manager", "colleague", "safeguarder", "safeguarding_lead"),
    ),
    "allocation.allocate_case": Grant("unallocated_case", ("initiative_admin",)),
    "allocation.assign_case": Grant("case", ("team_manager",)),
    "cases.list_my_cases": Grant(
        None,
        (
            "practitioner",
            "practitioner2",
            "team_manager",
            "duty_officer",
            "case_manager",
            "district_worker",
            "delivery_worker",
            "outsider",
            "colleague",
            "safeguarder",
            "safeguarding_lead",
            "debt_worker",
        ),
    ),
    "allocation.manage_allocation_rules": Grant(None, ("initiative_admin",)),
    "cases.manage_outcomes": Grant("initiative", ("initiative_admin",)),
    "cases.manage_workers_case": Grant("case", ("practitioner", "team_manager")),
    "cases.raise_case": Grant(
        None,
        (
            "practitioner",
            "practitioner2",
            "team_manager",
            "duty_officer",
            "district_worker",
            "delivery_worker",
            "outsider",
            "colleague",
            "safeguarder",
            "safeguarding_lead",
            "debt_worker",
        ),
    ),
    "allocation.transfer_case": Grant("case", ("team_manager", "initiative_admin")),
    "cases.view_case": Grant(
        "case",
        (
            "practitioner",
            "practitioner2",
            "team_manager",
            "duty_officer",
            "case_manager",
            "auditor",
            "colleague",
            "safeguarder",
            "safeguarding_lead",
        ),
    ),
    "cases.view_case_index": Grant(
        "case",
        (
            "practitioner",
            "practitioner2",
            "team_manager",
            "duty_officer",
            "case_manager",
            "auditor",
            "org_admin",
            "initiative_admin",
            "colleague",
            "safeguarder",
            "safeguarding_lead",
        ),
    ),
    "cases.work_case": Grant("case", ("practitioner", "team_manager", "colleague")),
    "consent.record_consent": Grant("case", ("practitioner", "team_manager", "colleague")),
    "consent.view_consent": Grant(
        "consent",
        (
            "practitioner",
            "practitioner2",
            "team_manager",
            "duty_officer",
            "case_manager",
            "auditor",
            "colleague",
            "safeguarder",
            "safeguarding_lead",
        ),
    ),
    "consent.withdraw_consent": Grant(
        "consent",
        (
            "practitioner",
            "practitioner2",
            "team_manager",
            "duty_officer",
            "colleague",
            "safeguarder",
            "safeguarding_lead",
        ),
    ),
    "people.break_glass_person": Grant("person", ("district_worker",)),
    "people.change_household": Grant(
        "household",
        (
            "practitioner",
            "practitioner2",
            "team_manager",
            "duty_officer",
            "colleague",
            "safeguarder",
            "safeguarding_lead",
        ),
    ),
    "people.change_person": Grant(
        "person",
        (
            "practitioner",
            "practitioner2",
            "team_manager",
            "duty_officer",
            "colleague",
            "safeguarder",
            "safeguarding_lead",
        ),
    ),
    "people.create_person": Grant(
        None,
        (
            "practitioner",
            "practitioner2",
            "team_manager",
            "duty_officer",
            "district_worker",
            "delivery_worker",
            "outsider",
            "colleague",
            "safeguarder",
            "safeguarding_lead",
            "debt_worker",
        ),
    ),
    "people.manage_restriction_person": Grant("person", ("team_manager", "org_admin")),
    "people.review_break_glass": Grant("break_glass_grant", ("auditor",)),
    "people.search_index": Grant(
        None,
        (
            "practitioner",
            "practitioner2",
            "team_manager",
            "duty_officer",
            "case_manager",
            "district_worker",
            "delivery_worker",
            "outsider",
            "colleague",
            "safeguarder",
            "safeguarding_lead",
            "debt_worker",
        ),
    ),
    "people.view_audit_person": Grant("person", ("auditor",)),
    "subjectaccess.handle_request": Grant("person", ("auditor",)),
    "people.view_household": Grant(
        "household",
        (
            "practitioner",
            "practitioner2",
            "team_manager",
            "duty_officer",
            "case_manager",
            "auditor",
            "colleague",
            "safeguarder",
            "safeguarding_lead",
        ),
    ),
    "people.view_index_card": Grant(
        "person",
        (
            "practitioner",
            "practitioner2",
            "team_manager",
            "duty_officer",
            "case_manager",
            "district_worker",
            "delivery_worker",
            "colleague",
            "safeguarder",
            "safeguarding_lead",
            "debt_worker",
        ),
    ),
    "people.view_person": Grant(
        "person",
        (
            "practitioner",
            "practitioner2",
            "team_manager",
            "duty_officer",
            "case_manager",
            "auditor",
            "colleague",
            "safeguarder",
            "safeguarding_lead",
        ),
    ),
    "plans.manage_budget_settings": Grant("organisation", ("org_admin",)),
    "plans.manage_charging_figures": Grant("organisation", ("org_admin",)),
    "plans.view_charging_backlog": Grant("organisation", ("team_manager", "case_manager", "org_admin")),
    "plans.record_budget_case": Grant("case", ("practitioner", "team_manager", "colleague")),
    "plans.approve_budget_case": Grant("case", ("team_manager", "case_manager")),
    "plans.view_budget_case": Grant(
        "case",
        (
            "practitioner",
            "practitioner2",
            "team_manager",
            "duty_officer",
            "case_manager",
            "auditor",
            "colleague",
            "safeguarder",
            "safeguarding_lead",
        ),
    ),
    "plans.manage_direct_payments_case": Grant("case", ("practitioner", "team_manager", "colleague")),
    "plans.view_direct_payments_case": Grant(
        "case",
        (
            "practitioner",
            "practitioner2",
            "team_manager",
            "duty_officer",
            "case_manager",
            "auditor",
            "colleague",
            "safeguarder",
            "safeguarding_lead",
        ),
    ),
    "plans.record_episode_case": Grant("case", ("practitioner", "team_manager", "colleague")),
    "plans.view_episodes_case": Grant(
        "case",
        (
            "practitioner",
            "practitioner2",
            "team_manager",
            "duty_officer",
            "case_manager",
            "auditor",
            "colleague",
            "safeguarder",
            "safeguarding_lead",
        ),
    ),
    "plans.record_support_plan_case": Grant("case", ("practitioner", "team_manager", "colleague")),
    "plans.activate_support_plan_case": Grant("case", ("team_manager", "case_manager")),
    "plans.view_support_plan_case": Grant(
        "case",
        (
            "practitioner",
            "practitioner2",
            "team_manager",
            "duty_officer",
            "case_manager",
            "auditor",
            "colleague",
            "safeguarder",
            "safeguarding_lead",
        ),
    ),
    "plans.record_financial_assessment_case": Grant("case", ("practitioner", "team_manager", "colleague")),
    "plans.view_financial_assessment_case": Grant(
        "case",
        (
            "practitioner",
            "practitioner2",
            "team_manager",
            "duty_officer",
            "case_manager",
            "auditor",
            "colleague",
            "safeguarder",
            "safeguarding_lead",
        ),
    ),
    "reviews.view_review_case": Grant(
        "case",
        (
            "practitioner",
            "practitioner2",
            "team_manager",
            "duty_officer",
            "case_manager",
            "auditor",
            "colleague",
            "safeguarder",
            "safeguarding_lead",
        ),
    ),
    "reviews.record_review_case": Grant("case", ("practitioner", "team_manager", "colleague")),
    "reviews.sign_off_review_case": Grant("case", ("team_manager", "case_manager")),
    "reviews.manage_settings": Grant("organisation", ("org_admin",)),
    "reviews.request_review_case": Grant(
        "case",
        (
            "practitioner",
            "practitioner2",
            "team_manager",
            "duty_officer",
            "colleague",
            "safeguarder",
            "safeguarding_lead",
        ),
    ),
    "reviews.view_reviews_worklist": Grant(
        None,
        (
            "practitioner",
            "practitioner2",
            "team_manager",
            "district_worker",
            "delivery_worker",
            "outsider",
            "colleague",
            "safeguarder",
            "safeguarding_lead",
            "debt_worker",
        ),
    ),
    "referrals.make_referral": Grant("case", ("practitioner", "team_manager", "colleague")),
    "referrals.view_referral": Grant(
        "referral",
        (
            "practitioner",
            "practitioner2",
            "team_manager",
            "duty_officer",
            "case_manager",
            "auditor",
            "colleague",
            "safeguarder",
            "safeguarding_lead",
            "debt_worker",
        ),
    ),
    "referrals.view_worklist": Grant(None, ("delivery_worker", "debt_worker")),
    "referrals.work_referral": Grant("referral", ("debt_worker",)),
    "reporting.export_case_snapshot": Grant(
        "scope:organisation",
        (
            "practitioner",
            "practitioner2",
            "team_manager",
            "duty_officer",
            "case_manager",
            "auditor",
            "district_worker",
            "district_auditor",
            "delivery_worker",
            "outsider",
            "colleague",
            "safeguarder",
            "safeguarding_lead",
            "debt_worker",
        ),
    ),
    "reporting.view_hit_rate": Grant("initiative", ("initiative_admin",)),
    "reporting.view_team_dashboard": Grant(None, ("team_manager",)),
    "reporting.view_organisation_dashboard": Grant("organisation", ("case_manager", "org_admin")),
    "reporting.view_initiative_dashboard": Grant("initiative", ("initiative_admin",)),
    "reporting.load_population": Grant("initiative", ("initiative_admin",)),
    "reporting.export_cld": Grant("organisation", ("org_admin",)),
    "risk.change_risk_model": Grant("risk_model_version", ("initiative_admin",)),
    "risk.use_identify": Grant("initiative", ("initiative_admin",)),
    "risk.view_import": Grant("risk_import", ("initiative_admin",)),
    "risk.view_risk_model": Grant("risk_model_version", ("initiative_admin",)),
    "risk.view_source": Grant("risk_source", ("initiative_admin",)),
    "risk.view_source_record": Grant("source_record", ("initiative_admin",)),
    "risk.change_matching_settings": Grant("initiative", ("initiative_admin",)),
    "risk.view_matching_model": Grant("risk_matching_model", ("initiative_admin",)),
    # The world's model is approved already: nobody may approve it again (a fresh model: risk's own tests).
    "risk.approve_matching_model": Grant("risk_matching_model", ()),
    "risk.view_matching_run": Grant("risk_matching_run", ("initiative_admin",)),
    "risk.review_match": Grant("risk_review_item", ("initiative_admin",)),
    "risk.undo_link": Grant("risk_source_record", ("initiative_admin",)),
    "risk.view_cohort": Grant("risk_cohort", ("initiative_admin",)),
    "risk.raise_cases": Grant("risk_cohort", ("initiative_admin",)),
    "cases.raise_index_case": Grant("initiative", ("initiative_admin",)),
    "tasks.add_task": Grant(
        None,
        (
            "practitioner",
            "practitioner2",
            "team_manager",
            "duty_officer",
            "district_worker",
            "delivery_worker",
            "outsider",
            "colleague",
            "safeguarder",
            "safeguarding_lead",
            "debt_worker",
        ),
    ),
    "tasks.add_task_case": Grant(
        "case",
        (
            "practitioner",
            "practitioner2",
            "team_manager",
            "duty_officer",
            "colleague",
            "safeguarder",
            "safeguarding_lead",
        ),
    ),
    "tasks.add_task_person": Grant(
        "person",
        (
            "practitioner",
            "practitioner2",
            "team_manager",
            "duty_officer",
            "colleague",
            "safeguarder",
            "safeguarding_lead",
        ),
    ),
    "tasks.cancel_task": Grant("task", ("practitioner", "team_manager")),
    "tasks.complete_task": Grant("task", ("practitioner", "team_manager")),
    "tasks.reassign_task": Grant("task", ("practitioner", "team_manager")),
    "tasks.reschedule_task": Grant("task", ("practitioner", "team_manager")),
    "tasks.view_my_tasks": Grant(
        None,
        (
            "practitioner",
            "practitioner2",
            "team_manager",
            "duty_officer",
            "district_worker",
            "delivery_worker",
            "outsider",
            "colleague",
            "safeguarder",
            "safeguarding_lead",
            "debt_worker",
        ),
    ),
    "tasks.view_task": Grant("task", ("practitioner", "team_manager")),
    "tasks.view_team_tasks": Grant(
        None,
        ("practitioner", "practitioner2", "team_manager", "colleague", "safeguarder", "safeguarding_lead"),
    ),
}
# Registered permissions no persona matrix checks yet: name -> why, and the issue that will cover it.
PENDING: dict[str, str] = {}

# The model of each kind of record a permission is asked of.
MODELS = {
    "case": "cases.Case",
    "unallocated_case": "cases.Case",
    "person": "people.Person",
    "household": "people.Household",
    "break_glass_grant": "people.BreakGlassGrant",
    "colleague": "accounts.User",
    "referral": "referrals.Referral",
    "consent": "consent.ConsentRecord",
    "task": "tasks.Task",
    "letter": "letters.Letter",
    "concern": "safeguarding.SafeguardingConcern",
    "risk_source": "risk.RiskSource",
    "risk_import": "risk.RiskImport",
    "risk_model_version": "risk.RiskModelVersion",
    "source_record": "risk.SourceRecord",
    "risk_source_record": "risk.SourceRecord",
    "risk_matching_model": "risk.MatchingModel",
    "risk_matching_run": "risk.MatchingRun",
    "risk_review_item": "risk.ReviewItem",
    "risk_cohort": "risk.Cohort",
}


def test_every_registered_permission_is_in_a_persona_matrix_or_pending():
    registered = set(registered_permissions())
    covered = set(TWINS) | set(GRANTS)
    assert not set(TWINS) & set(GRANTS), "a permission is checked in one matrix"
    assert sorted(registered - covered - set(PENDING)) == [], (
        "registered permissions in no persona matrix: add each to GRANTS (or to TWINS in "
        "test_queryset_twins.py), or to PENDING with the reason"
    )
    assert sorted(covered - registered) == [], "matrix entries for permissions no longer registered"
    assert sorted(set(PENDING) & covered) == [], "stale PENDING entries: they are covered now, remove them"
    assert sorted(set(PENDING) - registered) == [], "stale PENDING entries: no longer registered"
    assert all(reason.strip() for reason in PENDING.values()), "every PENDING entry says why"


def _asked_of(world, of: str | None):
    if of is None:
        return None
    if of == "initiative":
        return world.initiative.pk
    if of == "organisation":
        return world.county.pk
    if of.startswith("scope:"):
        return of.removeprefix("scope:")
    model = apps.get_model(MODELS[of])
    if of == "unallocated_case":
        return model.objects.get(pk=world.unallocated_case.pk)
    if of == "source_record":
        return model.objects.order_by("pk").first()
    records = {**world.shared, **world.subjects["plain"].records}
    return model.objects.get(pk=records[of])


@pytest.mark.parametrize("permission", sorted(GRANTS))
def test_each_persona_holds_exactly_its_grants(twin_world, permission):
    grant = GRANTS[permission]
    assert (
        grant.of is None
        or grant.of in MODELS
        or grant.of in {"initiative", "organisation"}
        or (grant.of.startswith("scope:"))
    )
    held = tuple(
        persona
        for persona in WORLD_PERSONAS
        if has_perm(persona_user(twin_world, persona), permission, _asked_of(twin_world, grant.of))
    )
    assert held == grant.holders, held


def _nulled(record):
    """The record as read afresh, with every nullable reference emptied (in memory only)."""
    record = type(record).objects.get(pk=record.pk)
    for field in record._meta.concrete_fields:
        if field.many_to_one and field.null:
            setattr(record, field.attname, None)
    return record


def _records_with_nothing_set(world):
    """Every kind of record a permission is asked of, with its references empty; and each record about a case
    with the case's references empty too (no worker, no team, no responsible organisation)."""
    records = {**world.shared, **world.subjects["plain"].records}
    for kind, label in MODELS.items():
        model = apps.get_model(label)
        if kind == "unallocated_case":
            continue
        record = (
            model.objects.order_by("pk").first()
            if kind == "source_record"
            else model.objects.get(pk=records[kind])
        )
        yield model, _nulled(record)
        if getattr(record, "case_id", None) is not None:
            emptied = _nulled(record)
            emptied.case = _nulled(record.case)
            yield model, emptied


def test_a_signed_out_user_holds_nothing_however_empty_the_record(twin_world):
    import inspect

    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    records = list(_records_with_nothing_set(twin_world))
    held = []
    for name, predicate in registered_permissions().items():
        parameters = list(inspect.signature(predicate).parameters.values())[1:]
        if not parameters:
            asked = [None]
        elif parameters[0].name in ("initiative_id", "organisation_id"):
            asked = [None, twin_world.initiative.pk, twin_world.county.pk]
        elif parameters[0].name == "scope":
            asked = ["organisation", "initiative"]
        elif parameters[0].name == "team_id":
            asked = [None, *apps.get_model("accounts.Team").objects.values_list("pk", flat=True)]
        else:
            wanted = parameters[0].annotation
            asked = [r for model, r in records if getattr(wanted, "__name__", wanted) == model.__name__]
            assert asked, f"{name}: no record of the kind it is asked of"
        held += [f"{name} of {record!r}" for record in asked if has_perm(anonymous, name, record)]
    assert held == []
