"""Pages of resource allocation and budgets: the organisation admin's questionnaire and settings, and a case's
indicative and personal budgets and their approval (shown in the case workspace's "Money" section)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from casework.accounts.pages import admin_organisation_id
from casework.cases.policies import holding_organisation_id
from casework.cases.selectors import case_get_for_user
from casework.core.pages import paginate, require_page_perm, run_action_service, run_form_service
from casework.core.permissions import has_perm
from casework.plans import budget_selectors as selectors
from casework.plans import budgets
from casework.plans.budget_choices import PersonalBudgetStatus
from casework.plans.budget_forms import (
    ROLE_LABELS,
    ApprovalForm,
    BudgetSettingsForm,
    IndicativeBudgetForm,
    PersonalBudgetForm,
    RasBandsForm,
    RasQuestionForm,
    RasQuestionRemoveForm,
    VersionForm,
)
from casework.plans.ras import questionnaire as ras

# --- The organisation admin's questionnaire and settings ---


def _admin_org(request) -> int:
    return admin_organisation_id(request.user, budgets.REFUSED_SETTINGS)


def _overview():
    return redirect("plans:ras_overview")


def _bands_text(questionnaire: ras.Questionnaire) -> str:
    return "\n".join(
        f"{band.from_points} | {band.weekly}" + (f" | {band.per_point}" if band.per_point else "")
        for band in questionnaire.bands
    )


@require_http_methods(["GET"])
def ras_overview(request):
    """The organisation's published questionnaire versions, its draft and its budget settings."""
    organisation_id = _admin_org(request)
    draft = selectors.ras_questionnaire_draft(organisation_id=organisation_id)
    published = selectors.ras_questionnaire_list_published(organisation_id=organisation_id)
    current = published[0] if published else None
    return render(
        request,
        "plans/budget/ras_overview.html",
        {
            "draft": draft,
            "draft_content": ras.from_json(draft.content) if draft else None,
            "draft_problems": ras.validate(ras.from_json(draft.content)) if draft else [],
            "published": published,
            "current": current,
            "current_content": ras.from_json(current.content) if current else None,
            "settings": selectors.budget_settings_for(organisation_id=organisation_id),
            "role_labels": ROLE_LABELS,
            "version_form": VersionForm(initial={"version": draft.version} if draft else None),
        },
    )


@require_POST
def ras_draft_open(request):
    organisation_id = _admin_org(request)
    budgets.ras_draft_open(user=request.user, organisation_id=organisation_id)
    messages.success(request, "The draft is open: change it, then publish it as a new version.")
    return _overview()


def _draft(request):
    organisation_id = _admin_org(request)
    draft = selectors.ras_questionnaire_draft(organisation_id=organisation_id)
    if draft is None:
        raise Http404("No draft questionnaire: open one first")
    return draft


@require_http_methods(["GET", "POST"])
def ras_question_add(request):
    draft = _draft(request)
    form = RasQuestionForm(request.POST or None, initial={"version": draft.version})
    if (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            request,
            form,
            lambda data: budgets.ras_draft_question_add(
                user=request.user,
                draft=draft,
                version=data["version"],
                text=data["text"],
                answers=data["answers"],
            ),
            "The question has been added to the draft.",
        )
    ):
        return _overview()
    return render(request, "plans/budget/ras_question_add.html", {"form": form, "draft": draft})


@require_POST
def ras_question_remove(request):
    draft = _draft(request)
    form = RasQuestionRemoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The page was out of date. Try again.")
        return _overview()
    run_action_service(
        request,
        lambda: budgets.ras_draft_question_remove(
            user=request.user,
            draft=draft,
            version=form.cleaned_data["version"],
            question=form.cleaned_data["question"],
        ),
        "The question has been removed from the draft.",
    )
    return _overview()


@require_http_methods(["GET", "POST"])
def ras_bands(request):
    draft = _draft(request)
    form = RasBandsForm(
        request.POST or None,
        initial={"version": draft.version, "bands": _bands_text(ras.from_json(draft.content))},
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            request,
            form,
            lambda data: budgets.ras_draft_bands_set(
                user=request.user, draft=draft, version=data["version"], bands=data["bands"]
            ),
            "The points-to-pounds table of the draft has been changed.",
        )
    ):
        return _overview()
    return render(request, "plans/budget/ras_bands.html", {"form": form, "draft": draft})


@require_POST
def ras_publish(request):
    draft = _draft(request)
    form = VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The page was out of date. Try again.")
        return _overview()
    run_action_service(
        request,
        lambda: budgets.ras_draft_publish(
            user=request.user, draft=draft, version=form.cleaned_data["version"]
        ),
        lambda: f"Version {draft.number} is published: new indicative budgets use it.",
    )
    return _overview()


@require_http_methods(["GET", "POST"])
def budget_settings(request):
    organisation_id = _admin_org(request)
    settings = selectors.budget_settings_for(organisation_id=organisation_id)
    form = BudgetSettingsForm(request.POST or None, initial=BudgetSettingsForm.initial_from(settings))
    if (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            request,
            form,
            lambda data: budgets.budget_settings_set(
                user=request.user,
                organisation_id=organisation_id,
                version=data["version"],
                difference_threshold_percent=data["difference_threshold_percent"],
                approval_limits=form.approval_limits(),
                financial_assessment_working_days=data["financial_assessment_working_days"],
            ),
            "The budget settings have been saved.",
        )
    ):
        return _overview()
    return render(request, "plans/budget/settings.html", {"form": form, "role_labels": ROLE_LABELS})


# --- A case's budget ---


def _back(case) -> str:
    return reverse("cases:case_money", args=[case.pk]) + "#budget"


def _case_for_recording(request, case_id: int):
    case = case_get_for_user(user=request.user, case_id=case_id, purpose="opened_for_change")
    require_page_perm(
        request.user,
        "plans.record_budget_case",
        case,
        budgets.REFUSED_RECORD if case.is_open else budgets.CLOSED,
    )
    return case


@require_http_methods(["GET", "POST"])
def indicative_budget(request, case_id: int):
    """The worker answers the organisation's current questionnaire; the indicative budget follows."""
    case = _case_for_recording(request, case_id)
    questionnaire = selectors.ras_questionnaire_current(organisation_id=holding_organisation_id(case))
    if questionnaire is None:
        return render(request, "plans/budget/indicative_form.html", {"case": case, "questionnaire": None})
    content = ras.from_json(questionnaire.content)
    current = selectors.case_budget_get_for_user(
        user=request.user, case=case, purpose="opened_for_change"
    ).indicative
    initial: dict = {"questionnaire_id": questionnaire.pk}
    if current is not None and current.questionnaire_id == questionnaire.pk:
        initial |= {f"answer_{key}": value for key, value in current.answers.items()}
    form = IndicativeBudgetForm(request.POST or None, questionnaire=content, initial=initial)
    made: list = []
    if (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            request,
            form,
            lambda data: made.append(
                budgets.indicative_budget_record(
                    user=request.user,
                    case=case,
                    questionnaire_id=data["questionnaire_id"],
                    answers=form.answers(),
                )
            ),
            lambda: f"The indicative budget is £{made[0].weekly_amount} a week.",
            fields={"answers": "__all__"},
        )
    ):
        return redirect(_back(case))
    return render(
        request,
        "plans/budget/indicative_form.html",
        {"case": case, "questionnaire": questionnaire, "content": content, "form": form},
    )


@require_http_methods(["GET", "POST"])
def personal_budget(request, case_id: int):
    """The personal budget's weekly cost (and a reason for a difference over the threshold)."""
    case = _case_for_recording(request, case_id)
    found = selectors.case_budget_get_for_user(user=request.user, case=case, purpose="opened_for_change")
    settings = selectors.budget_settings_for(organisation_id=holding_organisation_id(case))
    current = found.personal
    initial: dict[str, Any] = {"version": current.version if current else None}
    if current is not None:
        initial |= {"weekly_cost": current.weekly_cost, "difference_reason": current.difference_reason}
    elif found.indicative is not None:
        initial["weekly_cost"] = found.indicative.weekly_amount
    form = PersonalBudgetForm(request.POST or None, initial=initial)
    if (
        request.method == "POST"
        and found.indicative is not None
        and form.is_valid()
        and run_form_service(
            request,
            form,
            lambda data: budgets.personal_budget_save(
                user=request.user,
                case=case,
                version=data["version"],
                weekly_cost=data["weekly_cost"],
                difference_reason=data["difference_reason"],
            ),
            "The personal budget has been saved.",
        )
    ):
        return redirect(_back(case))
    return render(
        request,
        "plans/budget/personal_form.html",
        {"case": case, "budget": found, "form": form, "settings": settings},
    )


@require_POST
def personal_budget_submit(request, case_id: int):
    case = _case_for_recording(request, case_id)
    current = selectors.case_budget_get_for_user(
        user=request.user, case=case, purpose="opened_for_change"
    ).personal
    form = VersionForm(request.POST)
    if current is None or not form.is_valid():
        messages.error(request, "There is no draft personal budget to send, or the page was out of date.")
        return redirect(_back(case))
    run_action_service(
        request,
        lambda: budgets.personal_budget_submit(
            user=request.user, budget=current, version=form.cleaned_data["version"]
        ),
        "The personal budget has been sent for approval.",
    )
    return redirect(_back(case))


@require_http_methods(["GET", "POST"])
def personal_budget_approve(request, case_id: int):
    """The approver's page: the three figures and the annual cost against their limit; approve, or agree and
    refer it up when it is over their limit."""
    case = case_get_for_user(user=request.user, case_id=case_id, purpose="opened_for_change")
    require_page_perm(
        request.user,
        "plans.approve_budget_case",
        case,
        budgets.REFUSED_APPROVE if case.is_open else budgets.CLOSED,
    )
    found = selectors.case_budget_get_for_user(user=request.user, case=case, purpose="opened_for_change")
    current = found.personal
    awaiting = current is not None and current.status == PersonalBudgetStatus.AWAITING_APPROVAL
    level = budgets.approval_limit_for(user=request.user, organisation_id=holding_organisation_id(case))
    form = ApprovalForm(request.POST or None, initial={"version": current.version if current else None})
    if request.method == "POST" and current is not None and awaiting and form.is_valid():
        budget = current
        decide = (
            budgets.personal_budget_approve
            if form.cleaned_data["decision"] == "approve"
            else budgets.personal_budget_refer_up
        )
        if run_form_service(
            request,
            form,
            lambda data: decide(user=request.user, budget=budget, version=data["version"]),
            lambda: (
                "The personal budget is approved."
                if budget.status == PersonalBudgetStatus.APPROVED
                else f"Referred up to a {budgets.role_name(budget.awaiting_role)}."
            ),
        ):
            return redirect(_back(case))
    within = level is not None and current is not None and level.covers(current.annual_cost)
    return render(
        request,
        "plans/budget/approve.html",
        {
            "case": case,
            "budget": found,
            "awaiting": awaiting,
            "level": level,
            "within": within,
            "form": form,
            "awaiting_label": budgets.role_name(current.awaiting_role) if awaiting and current else "",
            "level_label": budgets.role_name(level.role) if level else "",
        },
    )


@require_http_methods(["GET"])
def approvals(request):
    """Personal budgets awaiting the user's level of approval, oldest first."""
    page, page_range = paginate(request, selectors.personal_budget_list_awaiting_for_user(user=request.user))
    return render(request, "plans/budget/approvals.html", {"page": page, "page_range": page_range})


def budget_money_context(user, case) -> dict:
    """What the case's "Money" section shows of its budget (plans/navigation.py)."""

    found = selectors.case_budget_get_for_user(user=user, case=case)
    personal = found.personal
    return {
        "budget": found,
        "budget_awaiting_label": budgets.role_name(personal.awaiting_role)
        if personal and personal.awaiting_role
        else "",
        "can_record_budget": case.is_open and has_perm(user, "plans.record_budget_case", case),
        "can_approve_budget": personal is not None
        and personal.status == PersonalBudgetStatus.AWAITING_APPROVAL
        and has_perm(user, "plans.approve_budget_case", case),
        "budget_version_form": VersionForm(initial={"version": personal.version} if personal else None),
    }
