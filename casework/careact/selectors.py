"""Reads of the Care Act steps, scoped to the user through the case (the queryset twins of policies.py).

The current record of each kind is the one not superseded. Loading the steps for a user writes an AccessEvent:
they are personal data.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.http import Http404

from casework.accounts.choices import Role
from casework.accounts.models import User
from casework.accounts.selectors import actor_for
from casework.audit.services import access_record
from casework.careact import gates
from casework.careact.choices import AdvocacyActivity, EligibilityKind
from casework.careact.models import (
    AdvocacyDecision,
    EligibilityDetermination,
    FinancialInformationRecord,
    PreventionRecord,
)
from casework.cases.models import Case
from casework.cases.policies import holder_q
from casework.cases.selectors import case_list_visible, case_list_workable
from casework.core.export import Section, model_rows
from casework.core.permissions import has_perm
from casework.core.related import fill_foreign_keys

# Queryset twins of the policies.


def case_list_steps_visible(*, user: User) -> QuerySet[Case]:
    """Cases whose Care Act steps the user may read (twin of careact.view_steps_case)."""
    return case_list_visible(user=user)


def case_list_steps_recordable(*, user: User) -> QuerySet[Case]:
    """Cases the user may record Care Act steps on (twin of careact.record_steps_case)."""
    return case_list_workable(user=user)


def case_list_advocacy_exception(*, user: User) -> QuerySet[Case]:
    """Cases on which the user may record an advocacy exception.

    The twin of careact.record_advocacy_exception_case.
    """
    managing = actor_for(user).organisations_with_role(Role.TEAM_MANAGER)
    if not managing:
        return Case.objects.none()
    return case_list_workable(user=user).filter(holder_q(managing))


# For the user.


def _require_visible(user: User, case: Case) -> None:
    if not has_perm(user, "careact.view_steps_case", case):
        raise Http404("No case found")


@dataclass
class CareActSteps:
    """The current Care Act records of a case, what they block, and what the user may record."""

    case: Case
    advocacy: list[tuple[str, str, AdvocacyDecision | None]]  # (activity, label, current decision)
    prevention: PreventionRecord | None
    financial_information: FinancialInformationRecord | None
    eligibility: list[
        tuple[str, str, EligibilityDetermination | None]
    ]  # (kind, label, current determination)
    assessment_problem: str | None
    support_blocks: list[str] = field(default_factory=list)
    support_warnings: list[str] = field(default_factory=list)
    can_record: bool = False
    can_record_exception: bool = False


def care_act_steps_get_for_user(
    *, user: User, case: Case, purpose: str = "viewed", recorded: bool = True
) -> CareActSteps:
    """The current steps of a case the user may open, else Http404. A fixed number of queries; writes an
    AccessEvent ("careact.steps_<purpose>") naming the records shown.

    `recorded=False`: the caller has read that the case has no current record (case_has_steps_expression),
    so none is read.
    """
    steps, shown = _care_act_steps(user=user, case=case, recorded=recorded)
    access_record(
        user=user,
        verb=f"careact.steps_{purpose}",
        obj=case,
        case_id=case.pk,
        person_id=case.person_id,
        details=shown,
    )
    return steps


def care_act_steps_for_case_section(*, user: User, case: Case, recorded: bool = True) -> CareActSteps:
    """The current steps for the case's Care Act section, as care_act_steps_get_for_user, without an
    AccessEvent of their own: the section's read of the case records the access, naming the section
    (cases.selectors.case_get_for_section; one event per request)."""
    return _care_act_steps(user=user, case=case, recorded=recorded)[0]


def _care_act_steps(
    *, user: User, case: Case, recorded: bool
) -> tuple[CareActSteps, dict[str, list[int] | int | None]]:
    _require_visible(user, case)
    advocacy: dict[str, AdvocacyDecision] = {}
    eligibility: dict[str, EligibilityDetermination] = {}
    prevention = financial = None
    if recorded:
        current = {"case_id": case.pk, "superseded_at__isnull": True}
        advocacy = {d.activity: d for d in AdvocacyDecision.objects.filter(**current)}
        eligibility = {d.kind: d for d in EligibilityDetermination.objects.filter(**current)}
        prevention = PreventionRecord.objects.filter(**current).first()
        financial = FinancialInformationRecord.objects.filter(**current).first()
    # Who recorded them (and agreed any exception): one query for the four kinds, none if nothing is recorded.
    fill_foreign_keys(
        [*advocacy.values(), *eligibility.values(), *filter(None, [prevention, financial])],
        "created_by",
        "exception_by",
    )
    support = gates.support_results(case=case, prevention=prevention, financial_information=financial)
    steps = CareActSteps(
        case=case,
        advocacy=[(value, str(label), advocacy.get(value)) for value, label in AdvocacyActivity.choices],
        prevention=prevention,
        financial_information=financial,
        eligibility=[(value, str(label), eligibility.get(value)) for value, label in EligibilityKind.choices],
        assessment_problem=gates.advocacy_problem_of(
            advocacy.get(AdvocacyActivity.ASSESSMENT), case=case, activity=AdvocacyActivity.ASSESSMENT
        ),
        support_blocks=[r.message for r in support if r.kind == "block"],
        support_warnings=[r.message for r in support if r.kind == "warn"],
        can_record=has_perm(user, "careact.record_steps_case", case),
        can_record_exception=has_perm(user, "careact.record_advocacy_exception_case", case),
    )
    shown = {
        "advocacy_decisions": sorted(d.pk for d in advocacy.values()),
        "eligibility_determinations": sorted(d.pk for d in eligibility.values()),
        "prevention": prevention.pk if prevention else None,
        "financial_information": financial.pk if financial else None,
    }
    return steps, shown


@dataclass
class CareActHistory:
    """Every Care Act record of a case, current and superseded, newest first."""

    advocacy: list[AdvocacyDecision]
    prevention: list[PreventionRecord]
    financial_information: list[FinancialInformationRecord]
    eligibility: list[EligibilityDetermination]


HISTORY_LIMIT = 100


def care_act_history_get_for_user(*, user: User, case: Case) -> CareActHistory:
    """All the records of a case the user may open (at most 100 of each kind), else Http404. Writes an
    AccessEvent ("careact.history_viewed")."""
    _require_visible(user, case)
    history = CareActHistory(
        advocacy=list(
            AdvocacyDecision.objects.filter(case=case)
            .select_related("created_by", "exception_by")
            .order_by("activity", "-created_at", "-id")[:HISTORY_LIMIT]
        ),
        prevention=list(
            PreventionRecord.objects.filter(case=case)
            .select_related("created_by")
            .order_by("-created_at", "-id")[:HISTORY_LIMIT]
        ),
        financial_information=list(
            FinancialInformationRecord.objects.filter(case=case)
            .select_related("created_by")
            .order_by("-created_at", "-id")[:HISTORY_LIMIT]
        ),
        eligibility=list(
            EligibilityDetermination.objects.filter(case=case)
            .select_related("created_by")
            .order_by("kind", "-created_at", "-id")[:HISTORY_LIMIT]
        ),
    )
    access_record(
        user=user,
        verb="careact.history_viewed",
        obj=case,
        case_id=case.pk,
        person_id=case.person_id,
        details={
            "advocacy_decisions": [d.pk for d in history.advocacy],
            "prevention": [r.pk for r in history.prevention],
            "financial_information": [r.pk for r in history.financial_information],
            "eligibility_determinations": [d.pk for d in history.eligibility],
        },
    )
    return history


def advocacy_decision_get_for_user(*, user: User, case: Case, decision_id: int) -> AdvocacyDecision:
    """One advocacy decision of a case the user may open, else Http404. Writes an AccessEvent."""
    _require_visible(user, case)
    decision = (
        AdvocacyDecision.objects.filter(case=case, pk=decision_id).select_related("exception_by").first()
    )
    if decision is None:
        raise Http404("No advocacy decision found")
    access_record(
        user=user,
        verb="careact.advocacy_decision_viewed",
        obj=decision,
        case_id=case.pk,
        person_id=case.person_id,
    )
    return decision


def case_has_steps_expression() -> ExpressionWrapper[Q]:
    """Whether a case has any current Care Act record, as an expression on its row (read with the case by its
    page, which then reads the four kinds only when there is one)."""
    current = {"case_id": OuterRef("pk"), "superseded_at__isnull": True}
    return ExpressionWrapper(
        Q(Exists(AdvocacyDecision.objects.filter(**current)))
        | Q(Exists(EligibilityDetermination.objects.filter(**current)))
        | Q(Exists(PreventionRecord.objects.filter(**current)))
        | Q(Exists(FinancialInformationRecord.objects.filter(**current))),
        output_field=BooleanField(),
    )


def careact_subject_access_sections(*, person_id: int) -> list[Section]:
    """Everything this app holds about the person, section by section, for a subject access bundle.

    Reads across organisations by design (the request is the person's, not one organisation's); the caller
    checks subjectaccess.handle_request and audits the export."""
    on_cases = {"case__person_id": person_id}
    return [
        ("advocacy_decisions", model_rows(AdvocacyDecision.objects.filter(**on_cases))),
        ("prevention_records", model_rows(PreventionRecord.objects.filter(**on_cases))),
        ("financial_information", model_rows(FinancialInformationRecord.objects.filter(**on_cases))),
        ("eligibility_determinations", model_rows(EligibilityDetermination.objects.filter(**on_cases))),
    ]
