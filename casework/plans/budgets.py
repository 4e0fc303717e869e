"""Writes of resource allocation and personal budgets: the organisation admin's RAS questionnaire (a draft
edited, then published as a version that never changes) and budget settings; a case's indicative budget (the
worker's answers, computed by plans/ras) and personal budget (the three Care Act figures, sent for approval
and approved within each approver's annual limit, or referred up to the next level).

Keyword-only, atomic and audited; a stale write is refused (ConflictError), never silently lost."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max

from casework.accounts.choices import Role
from casework.accounts.models import User
from casework.accounts.selectors import actor_for
from casework.audit.chain import to_json_safe
from casework.audit.services import audit_record, audited_write_if_version
from casework.cases.models import Case
from casework.cases.policies import holding_organisation_id
from casework.core import clock
from casework.core.errors import ConflictError, DomainError, ValidationFailed, stale_message
from casework.core.permissions import require_perm
from casework.plans.budget_choices import (
    APPROVING_ROLES,
    FA_WORKING_DAYS_MAX,
    FA_WORKING_DAYS_MIN,
    ApprovalDecision,
    PersonalBudgetStatus,
    QuestionnaireStatus,
)
from casework.plans.budget_models import (
    BudgetApproval,
    BudgetSettings,
    IndicativeBudget,
    PersonalBudget,
    RasQuestionnaire,
)
from casework.plans.budget_selectors import (
    approval_levels,
    budget_settings_for,
    ras_questionnaire_current,
    ras_questionnaire_draft,
)
from casework.plans.choices import FinancialAssessmentStatus
from casework.plans.models import FinancialAssessment
from casework.plans.ras import budget as money
from casework.plans.ras import questionnaire as ras
from casework.plans.ras.default import default_questionnaire

REFUSED_SETTINGS = "Only your organisation's admins set its resource allocation and budget approval limits."
REFUSED_RECORD = "Only the case's workers and team managers can record its budget."
REFUSED_APPROVE = (
    "Only the team managers and case managers of the organisation holding the case approve budgets."
)
CLOSED = "This case is closed: raise a new case instead."
STALE_DRAFT = stale_message("the draft questionnaire", did="changed", then="check it and try again")
STALE_SETTINGS = stale_message("the budget settings", did="changed", then="check them and try again")
STALE_BUDGET = stale_message("this personal budget", did="changed", then="check it and try again")
MAX_WEEKLY_COST = Decimal("99999.99")
REASON_LENGTH = 4000
ROLE_NAMES = {role.value: role.label.lower() for role in Role}


def role_name(role: str) -> str:
    return ROLE_NAMES.get(role, role)


def _gbp(amount: Decimal) -> str:
    return f"£{amount:,.2f}"


# --- The organisation's questionnaire ---


def _require_settings(user: User, organisation_id: int) -> None:
    require_perm(user, "plans.manage_budget_settings", organisation_id, REFUSED_SETTINGS)


def ras_draft_open(*, user: User, organisation_id: int) -> RasQuestionnaire:
    """The organisation's draft questionnaire, made from its latest published version (or empty) when there is
    none. Audited as "plans.ras_draft_opened" when made. Raises PermissionRefused."""
    _require_settings(user, organisation_id)
    with transaction.atomic():
        draft = ras_questionnaire_draft(organisation_id=organisation_id)
        if draft is not None:
            return draft
        current = ras_questionnaire_current(organisation_id=organisation_id)
        try:
            with transaction.atomic():
                draft = RasQuestionnaire.objects.create(
                    organisation_id=organisation_id,
                    content=dict(current.content) if current else {"questions": [], "bands": []},
                    created_by=user,
                    modified_by=user,
                )
        except IntegrityError:  # somebody else opened it at the same moment: theirs is the draft
            found = ras_questionnaire_draft(organisation_id=organisation_id)
            assert found is not None
            return found
        audit_record(
            user=user,
            verb="plans.ras_draft_opened",
            obj=draft,
            organisation_id=organisation_id,
            changes={"from_version": {"before": None, "after": current.number if current else None}},
        )
    return draft


def _draft_write(
    *, user: User, draft: RasQuestionnaire, version: int, content: ras.Questionnaire, verb: str
) -> None:
    _require_settings(user, draft.organisation_id)
    if draft.status != QuestionnaireStatus.DRAFT:
        raise DomainError("A published questionnaire never changes: change the draft and publish it.")
    before = ras.from_json(draft.content)
    audited_write_if_version(
        user=user,
        obj=draft,
        version=version,
        fields={"content": ras.as_json(content)},
        stale_message=STALE_DRAFT,
        verb=verb,
        organisation_id=draft.organisation_id,
        changes={
            "questions": {"before": len(before.questions), "after": len(content.questions)},
            "bands": {"before": len(before.bands), "after": len(content.bands)},
        },
    )


def ras_draft_question_add(
    *, user: User, draft: RasQuestionnaire, version: int, text: str, answers: str
) -> RasQuestionnaire:
    """Add a question with its answers ("points | answer", one a line) to the draft. Audited as
    "plans.ras_question_added". Raises PermissionRefused, ValidationFailed, ConflictError."""
    try:
        parsed = ras.parse_answers(answers)
    except ras.RasError as error:
        raise ValidationFailed(str(error), field="answers") from None
    try:
        content = ras.with_question(ras.from_json(draft.content), text, parsed)
    except ras.RasError as error:
        raise ValidationFailed(str(error), field="text") from None
    _draft_write(user=user, draft=draft, version=version, content=content, verb="plans.ras_question_added")
    return draft


def ras_draft_question_remove(
    *, user: User, draft: RasQuestionnaire, version: int, question: str
) -> RasQuestionnaire:
    """Remove a question from the draft. Audited as "plans.ras_question_removed"."""
    try:
        content = ras.without_question(ras.from_json(draft.content), question)
    except ras.RasError as error:
        raise ValidationFailed(str(error), field="question") from None
    _draft_write(user=user, draft=draft, version=version, content=content, verb="plans.ras_question_removed")
    return draft


def ras_draft_bands_set(*, user: User, draft: RasQuestionnaire, version: int, bands: str) -> RasQuestionnaire:
    """Set the draft's points-to-pounds table ("from points | £ a week [| £ a point above]", one a line).
    Audited as "plans.ras_bands_set"."""
    try:
        parsed = ras.parse_bands(bands)
    except ras.RasError as error:
        raise ValidationFailed(str(error), field="bands") from None
    content = ras.with_bands(ras.from_json(draft.content), parsed)
    _draft_write(user=user, draft=draft, version=version, content=content, verb="plans.ras_bands_set")
    return draft


def ras_draft_publish(*, user: User, draft: RasQuestionnaire, version: int) -> RasQuestionnaire:
    """Publish the draft as the organisation's next version; from then on it never changes, and new indicative
    budgets use it (those made before keep theirs). Audited as "plans.ras_published". Raises
    PermissionRefused, ValidationFailed (what stops it), ConflictError."""
    _require_settings(user, draft.organisation_id)
    if draft.status != QuestionnaireStatus.DRAFT:
        raise DomainError("This version is published already.")
    problems = ras.validate(ras.from_json(draft.content))
    if problems:
        raise ValidationFailed(" ".join(problems))
    with transaction.atomic():
        latest = (
            RasQuestionnaire.objects.select_for_update()
            .filter(organisation_id=draft.organisation_id, status=QuestionnaireStatus.PUBLISHED)
            .aggregate(latest=Max("number"))["latest"]
        )
        audited_write_if_version(
            user=user,
            obj=draft,
            version=version,
            fields={
                "status": QuestionnaireStatus.PUBLISHED,
                "number": (latest or 0) + 1,
                "published_at": clock.now(),
                "published_by": user,
            },
            stale_message=STALE_DRAFT,
            verb="plans.ras_published",
            organisation_id=draft.organisation_id,
            changes={"number": {"before": None, "after": (latest or 0) + 1}},
        )
    return draft


def plans_seed_ras(*, organisation_id: int, user: User | None = None) -> RasQuestionnaire:
    """Publish the default questionnaire (plans/ras/default.py) as the organisation's first version, unless it
    has published one; for the demo, a new organisation and tests. Audited as "plans.ras_published"."""
    with transaction.atomic():
        current = ras_questionnaire_current(organisation_id=organisation_id)
        if current is not None:
            return current
        record = RasQuestionnaire.objects.create(
            organisation_id=organisation_id,
            status=QuestionnaireStatus.PUBLISHED,
            number=1,
            content=ras.as_json(default_questionnaire()),
            published_at=clock.now(),
            published_by=user,
            created_by=user,
            modified_by=user,
        )
        audit_record(
            user=user,
            verb="plans.ras_published",
            obj=record,
            organisation_id=organisation_id,
            changes={"number": {"before": None, "after": 1}, "seeded": {"before": None, "after": True}},
        )
    return record


# --- The organisation's budget settings ---


# The default approval limits a seeded organisation starts with: team managers up to £49,000 a year (as
# Doncaster set in 2023), case managers (the head of service's level) without a limit.
DEFAULT_APPROVAL_LIMITS: dict[str, str | None] = {"team_manager": "49000.00", "case_manager": None}


def plans_seed_budget_settings(*, organisation_id: int, user: User | None = None) -> BudgetSettings:
    """Give the organisation the default budget settings (10 %, DEFAULT_APPROVAL_LIMITS) unless it has some;
    for the demo, a new organisation and tests. Audited as "plans.budget_settings_set"."""
    with transaction.atomic():
        row, made = BudgetSettings.objects.get_or_create(
            organisation_id=organisation_id,
            defaults={
                "approval_limits": dict(DEFAULT_APPROVAL_LIMITS),
                "created_by": user,
                "modified_by": user,
            },
        )
        if made:
            audit_record(
                user=user,
                verb="plans.budget_settings_set",
                obj=row,
                organisation_id=organisation_id,
                changes=to_json_safe(
                    {
                        "difference_threshold_percent": {
                            "before": None,
                            "after": row.difference_threshold_percent,
                        },
                        "approval_limits": {"before": None, "after": row.approval_limits},
                        "seeded": {"before": None, "after": True},
                    }
                ),
            )
    return row


def budget_settings_set(
    *,
    user: User,
    organisation_id: int,
    version: int,
    difference_threshold_percent: Decimal,
    approval_limits: Mapping[str, Decimal | None],
    financial_assessment_working_days: int | None = None,
) -> BudgetSettings:
    """Set the difference threshold (percent of the indicative budget), the annual approval limit of each
    approving role (None: no limit; a role left out does not approve) and the working days a financial
    assessment is due in (1 to 60; None leaves it as it is). Audited as "plans.budget_settings_set".
    Raises PermissionRefused, ValidationFailed, ConflictError."""
    _require_settings(user, organisation_id)
    if not Decimal("0") <= difference_threshold_percent <= Decimal("100"):
        raise ValidationFailed("Enter a percentage from 0 to 100", field="difference_threshold_percent")
    if financial_assessment_working_days is not None and not (
        FA_WORKING_DAYS_MIN <= financial_assessment_working_days <= FA_WORKING_DAYS_MAX
    ):
        raise ValidationFailed(
            f"Enter a number of working days from {FA_WORKING_DAYS_MIN} to {FA_WORKING_DAYS_MAX}",
            field="financial_assessment_working_days",
        )
    limits: dict[str, str | None] = {}
    for role, limit in approval_limits.items():
        if role not in APPROVING_ROLES:
            raise ValidationFailed(f"{role} does not approve budgets", field="approval_limits")
        if limit is not None and not Decimal("0") <= limit <= Decimal("9999999999.99"):
            raise ValidationFailed(
                "Enter an annual limit from £0 to £9,999,999,999.99", field=f"limit_{role}"
            )
        limits[role] = None if limit is None else str(money.pounds(limit))
    with transaction.atomic():
        row, _ = BudgetSettings.objects.get_or_create(
            organisation_id=organisation_id, defaults={"created_by": user, "modified_by": user}
        )
        working_days = (
            row.financial_assessment_working_days
            if financial_assessment_working_days is None
            else financial_assessment_working_days
        )
        audited_write_if_version(
            user=user,
            obj=row,
            version=version,
            fields={
                "difference_threshold_percent": difference_threshold_percent,
                "approval_limits": limits,
                "financial_assessment_working_days": working_days,
            },
            stale_message=STALE_SETTINGS,
            verb="plans.budget_settings_set",
            organisation_id=organisation_id,
            changes=to_json_safe(
                {
                    "difference_threshold_percent": {
                        "before": row.difference_threshold_percent,
                        "after": difference_threshold_percent,
                    },
                    "approval_limits": {"before": row.approval_limits, "after": limits},
                    "financial_assessment_working_days": {
                        "before": row.financial_assessment_working_days,
                        "after": working_days,
                    },
                }
            ),
        )
    return row


# --- A case's indicative budget ---


def _require_record(user: User, case: Case) -> None:
    require_perm(user, "plans.record_budget_case", case, REFUSED_RECORD if case.is_open else CLOSED)


def _lines_as_json(result: ras.Indicative) -> list[dict[str, Any]]:
    return [
        {
            "question_key": line.question_key,
            "question": line.question,
            "answer_key": line.answer_key,
            "answer": line.answer,
            "points": line.points,
            "weekly": str(line.weekly),
        }
        for line in result.lines
    ]


def indicative_budget_record(
    *, user: User, case: Case, questionnaire_id: int, answers: Mapping[str, str] | Sequence[tuple[str, str]]
) -> IndicativeBudget:
    """Record the indicative weekly budget from the answers to the organisation's current questionnaire (the
    one the worker answered: `questionnaire_id`); it keeps that version, and supersedes the case's current
    indicative budget. Audited as "plans.indicative_budget_recorded". Raises PermissionRefused,
    ValidationFailed (an answer missing or unknown), ConflictError (a newer version was published)."""
    _require_record(user, case)
    questionnaire = ras_questionnaire_current(organisation_id=holding_organisation_id(case))
    if questionnaire is None:
        raise DomainError("Your organisation has not published a resource allocation questionnaire yet.")
    if questionnaire.pk != questionnaire_id:
        raise ConflictError(
            f"Version {questionnaire.number} of the questionnaire has been published since you started: "
            "answer it again."
        )
    pairs = list(answers.items()) if isinstance(answers, Mapping) else list(answers)
    chosen = dict(pairs)
    if len(chosen) != len(pairs):
        raise ValidationFailed("Answer each question once.", field="answers")
    try:
        result = ras.indicative_budget(ras.from_json(questionnaire.content), chosen)
    except ras.RasError as error:
        raise ValidationFailed(str(error), field="answers") from None
    with transaction.atomic():
        current = (
            IndicativeBudget.objects.select_for_update().filter(case=case, superseded_at__isnull=True).first()
        )
        if current is not None:
            IndicativeBudget.objects.filter(pk=current.pk).update(superseded_at=clock.now())
        record = IndicativeBudget.objects.create(
            case=case,
            questionnaire=questionnaire,
            answers=chosen,
            points=result.points,
            weekly_amount=result.weekly,
            lines=_lines_as_json(result),
            created_by=user,
            modified_by=user,
        )
        audit_record(
            user=user,
            verb="plans.indicative_budget_recorded",
            obj=record,
            case_id=case.pk,
            person_id=case.person_id,
            changes=to_json_safe(
                {
                    "weekly_amount": {
                        "before": current.weekly_amount if current else None,
                        "after": result.weekly,
                    },
                    "points": {"before": current.points if current else None, "after": result.points},
                    "questionnaire_version": {"before": None, "after": questionnaire.number},
                }
            ),
        )
    return record


# --- A case's personal budget ---


def _assessed(case: Case) -> FinancialAssessment | None:
    """The case's current financial assessment, when it is completed."""
    return FinancialAssessment.objects.filter(
        case=case, superseded_at__isnull=True, status=FinancialAssessmentStatus.COMPLETED
    ).first()


def personal_budget_save(
    *, user: User, case: Case, version: int | None, weekly_cost: Decimal, difference_reason: str = ""
) -> PersonalBudget:
    """Set the personal budget's weekly cost to the council; what the person pays comes from the completed
    financial assessment (if any), the council pays the rest. A difference from the indicative budget over the
    organisation's threshold needs a reason. A draft is changed in place (`version`: the one read); a budget
    sent for approval or approved is replaced by a new draft (it stays readable) — `version` is then its
    version, and None when there is no budget yet. Audited as "plans.personal_budget_saved". Raises
    PermissionRefused, ValidationFailed, DomainError (no indicative budget), ConflictError."""
    _require_record(user, case)
    if not Decimal("0") <= weekly_cost <= MAX_WEEKLY_COST:
        raise ValidationFailed(f"Enter a weekly cost from £0 to {_gbp(MAX_WEEKLY_COST)}", field="weekly_cost")
    reason = difference_reason.strip()
    if len(reason) > REASON_LENGTH:
        raise ValidationFailed(
            f"Give the reason in at most {REASON_LENGTH} characters", field="difference_reason"
        )
    indicative = IndicativeBudget.objects.filter(case=case, superseded_at__isnull=True).first()
    if indicative is None:
        raise DomainError("Record the indicative budget first: the personal budget is compared with it.")
    settings = budget_settings_for(organisation_id=holding_organisation_id(case))
    gap = money.difference(
        indicative=indicative.weekly_amount,
        final=weekly_cost,
        threshold_percent=settings.difference_threshold_percent,
    )
    if gap.needs_reason and not reason:
        raise ValidationFailed(
            f"Give the reason the budget differs from the indicative {_gbp(indicative.weekly_amount)} a week "
            f"by more than {settings.difference_threshold_percent.normalize():f} %",
            field="difference_reason",
        )
    assessment = _assessed(case)
    figures = money.budget_figures(
        weekly_cost=weekly_cost,
        weekly_charge=assessment.weekly_charge if assessment else None,
        pays_full_cost=assessment.pays_full_cost if assessment else False,
    )
    fields: dict[str, Any] = {
        "indicative": indicative,
        "financial_assessment": assessment,
        "weekly_cost": figures.weekly_cost,
        "person_pays_weekly": figures.person_pays,
        "council_pays_weekly": figures.council_pays,
        "annual_cost": figures.annual_cost,
        "difference_weekly": gap.weekly,
        "difference_reason": reason if gap.weekly else "",
    }
    audited = {
        name: fields[name]
        for name in (
            "weekly_cost",
            "person_pays_weekly",
            "council_pays_weekly",
            "annual_cost",
            "difference_weekly",
        )
    }
    with transaction.atomic():
        current = (
            PersonalBudget.objects.select_for_update().filter(case=case, superseded_at__isnull=True).first()
        )
        if (current.version if current else None) != version:
            raise ConflictError(STALE_BUDGET)
        if current is not None and current.status == PersonalBudgetStatus.DRAFT:
            audited_write_if_version(
                user=user,
                obj=current,
                version=current.version,
                fields=fields,
                stale_message=STALE_BUDGET,
                verb="plans.personal_budget_saved",
                case_id=case.pk,
                person_id=case.person_id,
                changes=to_json_safe(
                    {
                        name: {"before": getattr(current, name), "after": value}
                        for name, value in audited.items()
                    }
                ),
                reason=fields["difference_reason"],
            )
            return current
        if current is not None:
            PersonalBudget.objects.filter(pk=current.pk).update(superseded_at=clock.now())
        record = PersonalBudget.objects.create(case=case, created_by=user, modified_by=user, **fields)
        audit_record(
            user=user,
            verb="plans.personal_budget_saved",
            obj=record,
            case_id=case.pk,
            person_id=case.person_id,
            changes=to_json_safe(
                {
                    **{name: {"before": None, "after": value} for name, value in audited.items()},
                    "supersedes": {"before": None, "after": current.pk if current else None},
                }
            ),
            reason=fields["difference_reason"],
        )
    return record


def personal_budget_submit(*, user: User, budget: PersonalBudget, version: int) -> PersonalBudget:
    """Send the draft personal budget for approval, to the first level of the organisation's approval chain.
    Audited as "plans.personal_budget_submitted". Raises PermissionRefused, DomainError, ConflictError."""
    case = budget.case
    _require_record(user, case)
    if budget.status != PersonalBudgetStatus.DRAFT or budget.superseded_at is not None:
        raise DomainError("Only a draft personal budget is sent for approval.")
    levels = approval_levels(budget_settings_for(organisation_id=holding_organisation_id(case)))
    first = money.first_level(levels)
    if first is None:
        raise DomainError(
            "Your organisation has not set budget approval limits yet: ask your organisation admin."
        )
    if money.level_covering(levels, budget.annual_cost) is None:
        raise DomainError(
            f"{_gbp(budget.annual_cost)} a year is over every approval limit of your organisation: "
            "ask your organisation admin."
        )
    audited_write_if_version(
        user=user,
        obj=budget,
        version=version,
        fields={"status": PersonalBudgetStatus.AWAITING_APPROVAL, "awaiting_role": first.role},
        stale_message=STALE_BUDGET,
        verb="plans.personal_budget_submitted",
        case_id=case.pk,
        person_id=case.person_id,
        extra_changes={"annual_cost": {"before": None, "after": str(budget.annual_cost)}},
    )
    return budget


def approval_limit_for(*, user: User, organisation_id: int) -> money.Level | None:
    """The user's approval level at the organisation: the highest limit among their roles there (None: they
    hold no approving role with a limit set). For approving budgets and, later, activating plans."""
    actor = actor_for(user)
    levels = approval_levels(budget_settings_for(organisation_id=organisation_id))
    held = [level for level in levels if actor.has_role(level.role, organisation_id)]
    chain = money.ordered(held)
    return chain[-1] if chain else None


def _approver(user: User, budget: PersonalBudget) -> tuple[money.Level, list[money.Level]]:
    case = budget.case
    require_perm(user, "plans.approve_budget_case", case, REFUSED_APPROVE if case.is_open else CLOSED)
    if budget.status != PersonalBudgetStatus.AWAITING_APPROVAL or budget.superseded_at is not None:
        raise DomainError("This personal budget is not awaiting approval.")
    organisation_id = holding_organisation_id(case)
    levels = approval_levels(budget_settings_for(organisation_id=organisation_id))
    mine = approval_limit_for(user=user, organisation_id=organisation_id)
    chain = [level.role for level in money.ordered(levels)]
    if mine is None or chain.index(mine.role) < chain.index(budget.awaiting_role):
        raise DomainError(
            f"This personal budget is awaiting approval by a {role_name(budget.awaiting_role)}."
        )
    return mine, levels


def _decide(
    *,
    user: User,
    budget: PersonalBudget,
    version: int,
    level: money.Level,
    decision: str,
    fields: dict[str, Any],
) -> None:
    case = budget.case
    now = clock.now()
    with transaction.atomic():
        audited_write_if_version(
            user=user,
            obj=budget,
            version=version,
            fields=fields,
            stale_message=STALE_BUDGET,
            verb=f"plans.personal_budget_{decision}",
            case_id=case.pk,
            person_id=case.person_id,
            extra_changes=to_json_safe(
                {
                    "annual_cost": {"before": None, "after": budget.annual_cost},
                    "approver_role": {"before": None, "after": level.role},
                    "approver_limit": {"before": None, "after": level.annual_limit},
                }
            ),
        )
        BudgetApproval.objects.create(
            budget=budget,
            user=user,
            role=level.role,
            annual_limit=level.annual_limit,
            annual_cost=budget.annual_cost,
            decision=decision,
            decided_at=now,
        )


def personal_budget_approve(*, user: User, budget: PersonalBudget, version: int) -> PersonalBudget:
    """Approve the personal budget, which must be within the approver's annual limit; above it, refer it up
    (personal_budget_refer_up). Audited as "plans.personal_budget_approved" with who, their role and limit,
    and the annual cost. Raises PermissionRefused, DomainError (over the limit, not awaiting approval or not
    at this level), ConflictError."""
    level, levels = _approver(user, budget)
    if not level.covers(budget.annual_cost):
        above = money.next_level(levels, level.role)
        raise DomainError(
            f"{_gbp(budget.annual_cost)} a year is over your approval limit of "
            f"{_gbp(level.annual_limit or Decimal())}:"
            + (
                f" refer it up to a {role_name(above.role)}."
                if above
                else " nobody above you may approve it."
            )
        )
    _decide(
        user=user,
        budget=budget,
        version=version,
        level=level,
        decision=ApprovalDecision.APPROVED,
        fields={
            "status": PersonalBudgetStatus.APPROVED,
            "approved_at": clock.now(),
            "approved_by": user,
            "awaiting_role": "",
        },
    )
    return budget


def personal_budget_refer_up(*, user: User, budget: PersonalBudget, version: int) -> PersonalBudget:
    """Agree a personal budget that is over the approver's limit and send it up to the next level. Audited as
    "plans.personal_budget_passed_up". Raises PermissionRefused, DomainError (within the limit: approve it;
    nobody above), ConflictError."""
    level, levels = _approver(user, budget)
    if level.covers(budget.annual_cost):
        raise DomainError("This personal budget is within your approval limit: approve it.")
    above = money.next_level(levels, level.role)
    if above is None:
        raise DomainError(
            "There is nobody above you to approve it: ask your organisation admin about the limits."
        )
    _decide(
        user=user,
        budget=budget,
        version=version,
        level=level,
        decision=ApprovalDecision.PASSED_UP,
        fields={"awaiting_role": above.role},
    )
    return budget
