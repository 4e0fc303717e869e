"""Who may use Identify. Predicates here; their queryset twins are in selectors.py.

Only the lead organisation's initiative admins and risk analysts see sources, imports, imported records (with
names), the risk model, the review queue and the cohort, and only for the initiatives their organisation
leads. Responsible organisations see a case's category and reasons on the cases they hold (cases' own
policies); everyone else sees nothing here.
"""

from __future__ import annotations

from casework.accounts.choices import Role
from casework.accounts.models import AnyUser
from casework.accounts.selectors import actor_for
from casework.core.permissions import register
from casework.risk.cohort_models import Cohort
from casework.risk.models import (
    MatchingModel,
    MatchingRun,
    ReviewItem,
    RiskImport,
    RiskModelVersion,
    RiskSource,
    SourceRecord,
)

IDENTIFY_ROLES = (Role.INITIATIVE_ADMIN, Role.RISK_ANALYST)


def identify_initiative_ids(user: AnyUser) -> frozenset[int]:
    """The initiatives whose Identify the user works on: led by an organisation where they are an initiative
    admin or a risk analyst."""
    actor = actor_for(user)
    return frozenset(
        initiative_id
        for initiative_id in actor.lead_of_initiative_ids
        if any(actor.has_lead_role(role, initiative_id) for role in IDENTIFY_ROLES)
    )


@register("risk.use_identify")
def can_use_identify(user: AnyUser, initiative_id: int | None = None) -> bool:
    """Work on Identify at all (without an initiative), or on the initiative's (sources, imports, models).
    Twin: identify_initiative_ids."""
    ids = identify_initiative_ids(user)
    return bool(ids) if initiative_id is None else initiative_id in ids


@register("risk.view_source")
def can_view_source(user: AnyUser, source: RiskSource) -> bool:
    """Twin: selectors.source_list_for_user."""
    return source.initiative_id in identify_initiative_ids(user)


@register("risk.view_import")
def can_view_import(user: AnyUser, risk_import: RiskImport) -> bool:
    """Twin: selectors.import_list_for_user."""
    return risk_import.source.initiative_id in identify_initiative_ids(user)


@register("risk.view_source_record")
def can_view_source_record(user: AnyUser, record: SourceRecord) -> bool:
    """An imported record, names and all. Twin: selectors.source_record_list_for_user."""
    return record.initiative_id in identify_initiative_ids(user)


@register("risk.view_risk_model")
def can_view_risk_model(user: AnyUser, model_version: RiskModelVersion) -> bool:
    """Twin: selectors.risk_model_version_list_for_user."""
    return model_version.model.initiative_id in identify_initiative_ids(user)


@register("risk.change_risk_model")
def can_change_risk_model(user: AnyUser, model_version: RiskModelVersion) -> bool:
    """Change a version: one that has never run. Twin: selectors.risk_model_version_list_changeable."""
    return not model_version.has_run and can_view_risk_model(user, model_version)


# --- Record linkage: matching models, thresholds, runs, clerical review (twins in linking_selectors.py) ---


def matching_settings_initiative_ids(user: AnyUser) -> frozenset[int]:
    """The initiatives whose matching thresholds the user may change: the lead's initiative admins only."""
    actor = actor_for(user)
    return frozenset(
        initiative_id
        for initiative_id in actor.lead_of_initiative_ids
        if actor.has_lead_role(Role.INITIATIVE_ADMIN, initiative_id)
    )


@register("risk.change_matching_settings")
def can_change_matching_settings(user: AnyUser, initiative_id: int | None = None) -> bool:
    """Change some initiative's thresholds (without an initiative), or the initiative's.
    Twin: matching_settings_initiative_ids."""
    ids = matching_settings_initiative_ids(user)
    return bool(ids) if initiative_id is None else initiative_id in ids


@register("risk.view_matching_model")
def can_view_matching_model(user: AnyUser, matching_model: MatchingModel) -> bool:
    """Twin: linking_selectors.matching_model_list_for_user."""
    return matching_model.initiative_id in identify_initiative_ids(user)


@register("risk.approve_matching_model")
def can_approve_matching_model(user: AnyUser, matching_model: MatchingModel) -> bool:
    """A model not yet approved, by an initiative admin or risk analyst at the lead.
    Twin: linking_selectors.matching_model_list_approvable."""
    return not matching_model.is_approved and can_view_matching_model(user, matching_model)


@register("risk.view_matching_run")
def can_view_matching_run(user: AnyUser, run: MatchingRun) -> bool:
    """Twin: linking_selectors.matching_run_list_for_user."""
    return run.matching_model.initiative_id in identify_initiative_ids(user)


@register("risk.review_match")
def can_review_match(user: AnyUser, item: ReviewItem) -> bool:
    """See a pair (both records, names and all) and decide it while it is open.
    Twin: linking_selectors.review_item_list_for_user (open ones: review_item_list_open)."""
    return item.initiative_id in identify_initiative_ids(user)


@register("risk.undo_link")
def can_undo_link(user: AnyUser, record: SourceRecord) -> bool:
    """Undo a record's link to a person. Twin: linking_selectors.source_record_list_undoable."""
    return record.resolution == "linked" and can_view_source_record(user, record)


# --- The cohort (twin in cohort_selectors.py) ---


@register("risk.view_cohort")
def can_view_cohort(user: AnyUser, cohort: Cohort) -> bool:
    """The cohort with names: the lead's initiative admins and risk analysts.
    Twin: cohort_selectors.cohort_list_for_user."""
    return cohort.initiative_id in identify_initiative_ids(user)


@register("risk.raise_cases")
def can_raise_cases(user: AnyUser, cohort: Cohort) -> bool:
    """Raise cases from a generated cohort. Twin: cohort_selectors.cohort_list_raisable."""
    return cohort.status == "done" and can_view_cohort(user, cohort)
