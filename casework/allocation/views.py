"""Allocation pages: the rules, the fallback and allocating in bulk (the lead's initiative admins), and the
team worklist, and the actions that give a case its organisation and worker: allocate, accept, assign,
reassign, transfer.

Thin: reads through selectors, writes through allocation services, run by core.pages; refusals are 403s.
The worklist and the case actions keep their paths under /cases/ (allocation/urls.py).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from casework.accounts.choices import Capability, Role
from casework.accounts.selectors import (
    actor_for,
    organisation_list_responsible,
    team_list_for_organisation,
    user_list_assignable,
)
from casework.allocation import selectors, services
from casework.allocation.forms import AllocationRuleForm, FallbackForm
from casework.allocation.models import AllocationRule
from casework.cases import lifecycle
from casework.cases.forms import AssignForm, ReassignForm, TransferForm, VersionForm, WorklistFilterForm
from casework.cases.models import Case
from casework.cases.selectors import (
    case_get_for_user,
    case_index_get_for_user,
    risk_categories_for,
    risk_categories_for_user,
)
from casework.core.pages import (
    list_filter_data,
    render_list,
    require_page_perm,
    run_action_service,
    run_form_service,
)
from casework.core.permissions import has_perm
from casework.core.querysets import Pager

REFUSED = "Only the lead organisation's initiative admins keep the allocation rules."
WORKLIST_PAGE_SIZE = 25
STALE_PAGE = "The page was out of date. Check the case and try again."

# Where a button on a list sends the user back to when the action cannot be done.
RETURN_TO = {"worklist": "allocation:worklist", "index": "cases:case_index", "mine": "cases:my_cases"}


def _lead_initiative_id(user) -> int:
    """The initiative whose rules the user keeps: one where they are an initiative admin of the lead."""
    initiative_id = (
        selectors.allocation_rule_initiatives_for_user(user=user)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    if initiative_id is None:
        raise PermissionDenied(REFUSED)
    return initiative_id


def _words(values: list[str], joiner: str) -> str:
    return values[0] if len(values) == 1 else ", ".join(values[:-1]) + f" {joiner} " + values[-1]


def _conditions(rule: AllocationRule) -> list[str]:
    """What a case must be for the rule to apply, in plain English."""
    conditions = []
    categories = [category.label for category in rule.risk_categories.all()]
    if categories:
        conditions.append(f"Risk category is {_words(categories, 'or')}")
    if rule.areas:
        conditions.append(f"Area is in {_words(list(rule.areas), 'or')}")
    if rule.use_existing_relationship:
        conditions.append(
            f"The person has an open case, or one closed in the last {rule.recent_days} days, "
            "with an organisation"
        )
    return conditions or ["Any case"]


def _target(rule: AllocationRule) -> str:
    """Where the rule sends a case, in plain English."""
    capabilities = [Capability(c).label.lower() for c in rule.required_capabilities if c in Capability.values]
    offering = f" that offers {_words(capabilities, 'and')}" if capabilities else ""
    if rule.use_existing_relationship:
        return "The organisation that already has a case with the person"
    if rule.organisation_id:
        return rule.organisation.name + (
            f" (if it offers {_words(capabilities, 'and')})" if capabilities else ""
        )
    return f"The organisation covering the area{offering}"


def rules(request):
    initiative_id = _lead_initiative_id(request.user)
    policy = selectors.allocation_policy_for(initiative_id=initiative_id)
    rows = [
        {"rule": rule, "conditions": _conditions(rule), "target": _target(rule)}
        for rule in selectors.allocation_rules_for(initiative_id=initiative_id)
    ]
    fallback_form = FallbackForm(
        organisations=organisation_list_responsible(initiative_id=initiative_id),
        initial={"organisation": policy.fallback_organisation_id if policy else None},
    )
    return render(
        request,
        "allocation/rules.html",
        {
            "rows": rows,
            "policy": policy,
            "fallback_form": fallback_form,
            "named_areas": selectors.named_areas_for(initiative_id=initiative_id),
        },
    )


def _rule_page(request, initiative_id: int, rule: AllocationRule | None):
    initial = {"is_active": True, "recent_days": 365}
    if rule is not None:
        initial = {
            "version": rule.version,
            "name": rule.name,
            "areas": ", ".join(rule.areas),
            "risk_categories": [category.pk for category in rule.risk_categories.all()],
            "required_capabilities": rule.required_capabilities,
            "use_existing_relationship": rule.use_existing_relationship,
            "recent_days": rule.recent_days,
            "organisation": rule.organisation_id,
            "is_active": rule.is_active,
        }
    form = AllocationRuleForm(
        request.POST or None,
        initial=initial,
        risk_categories=risk_categories_for(initiative_id=initiative_id),
        organisations=organisation_list_responsible(initiative_id=initiative_id),
    )
    saved: list[AllocationRule] = []
    if (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            request,
            form,
            lambda d: saved.append(
                services.allocation_rule_save(
                    user=request.user,
                    initiative_id=initiative_id,
                    data=form.service_data(),
                    rule=rule,
                    version=d["version"],
                )
            ),
            lambda: f"Rule {saved[0].position}, ‘{saved[0].name}’, has been saved.",
        )
    ):
        return redirect("allocation:rules")
    return render(request, "allocation/rule_form.html", {"form": form, "rule": rule})


def rule_add(request):
    return _rule_page(request, _lead_initiative_id(request.user), None)


def _rule(initiative_id: int, rule_id: int) -> AllocationRule:
    rule = selectors.allocation_rules_for(initiative_id=initiative_id).filter(pk=rule_id).first()
    if rule is None:
        raise Http404("No rule found")
    return rule


def rule_edit(request, rule_id: int):
    initiative_id = _lead_initiative_id(request.user)
    return _rule_page(request, initiative_id, _rule(initiative_id, rule_id))


@require_POST
def rule_move(request, rule_id: int):
    initiative_id = _lead_initiative_id(request.user)
    rule = _rule(initiative_id, rule_id)
    direction = {"up": -1, "down": 1}.get(request.POST.get("direction", ""))
    if direction is None:
        messages.error(request, "Choose whether to move the rule up or down.")
        return redirect("allocation:rules")
    run_action_service(
        request,
        lambda: services.allocation_rule_move(user=request.user, rule=rule, direction=direction),
        f"‘{rule.name}’ has moved {request.POST['direction']}.",
    )
    return redirect("allocation:rules")


def fallback_set(request):
    initiative_id = _lead_initiative_id(request.user)
    policy = selectors.allocation_policy_for(initiative_id=initiative_id)
    form = FallbackForm(
        request.POST or None,
        organisations=organisation_list_responsible(initiative_id=initiative_id),
        initial={"organisation": policy.fallback_organisation_id if policy else None},
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            request,
            form,
            lambda d: services.allocation_policy_set_fallback(
                user=request.user, initiative_id=initiative_id, organisation=d["organisation"]
            ),
            lambda: f"Cases that match no rule now go to {form.cleaned_data['organisation'].name}.",
        )
    ):
        return redirect("allocation:rules")
    return render(request, "allocation/fallback.html", {"form": form})


@require_POST
def allocate_all(request):
    initiative_id = _lead_initiative_id(request.user)
    counts: list[dict[str, int]] = []
    run_action_service(
        request,
        lambda: counts.append(
            services.cases_allocate_unallocated(user=request.user, initiative_id=initiative_id)
        ),
        lambda: _allocated_words(counts[0]),
    )
    return redirect("cases:case_index")


def _allocated_words(counts: dict[str, int]) -> str:
    allocated, skipped = counts["allocated"], counts["skipped"]
    text = f"{allocated} case{'' if allocated == 1 else 's'} allocated."
    if skipped:
        text += (
            f" {skipped} could not be allocated, usually because someone changed them at the same "
            "time. Try again, or allocate them one at a time to see why."
        )
    return text


# The team worklist.


def _teams_managed(user) -> list | None:
    """The teams a team manager may filter the worklist by; None for everyone else."""
    managing = actor_for(user).organisations_with_role(Role.TEAM_MANAGER)
    if not managing:
        return None
    return [
        team
        for organisation_id in sorted(managing)
        for team in team_list_for_organisation(organisation_id=organisation_id)
    ]


def worklist(request):
    """The team worklist: the cases waiting for a worker in the user's organisations, to accept."""
    user = request.user
    if not selectors.worklist_organisation_ids(user=user):
        raise PermissionDenied("The team worklist is for practitioners and team managers.")
    form = WorklistFilterForm(
        list_filter_data(request, "priority"),
        risk_categories=risk_categories_for_user(user=user),
        teams=_teams_managed(user),
    )
    form.is_valid()
    shown = selectors.case_list_for_user(
        user=user,
        pager=Pager.of_request(request, WORKLIST_PAGE_SIZE),
        scope="worklist",
        filters=form.filters(),
    )
    for case in shown.rows:
        case.can_accept = has_perm(user, "allocation.accept_case", case)
    return render_list(
        request,
        "allocation/worklist.html",
        "allocation/_worklist_results.html",
        {"form": form, "page": shown.page, "page_range": shown.page_range},
    )


# The case's organisation and worker.


def _overview_url(case: Case) -> str:
    return reverse("cases:case_overview", args=[case.pk])


def _after(request, case: Case, return_to: str | None = None):
    """Where to go after an action: the list it came from, the case, or the index once it is out of sight."""
    if return_to in RETURN_TO:
        return redirect(RETURN_TO[return_to])
    if has_perm(request.user, "cases.view_case", case):
        return redirect(_overview_url(case))
    if has_perm(request.user, "cases.view_case_index", case):
        return redirect("cases:case_index")
    return redirect("core:home")


def _action_page(request, case: Case, form, **context):
    return render(request, "cases/case_action.html", {"case": case, "form": form, **context})


def _button(request, call, success) -> bool:
    """A one-button action on a case: the version the page showed goes to the service with the call."""
    form = VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, STALE_PAGE)
        return False
    version = form.cleaned_data["version"]
    return run_action_service(request, lambda: call(version), success)


@require_POST
def case_accept(request, case_id: int):
    case = case_get_for_user(user=request.user, case_id=case_id, purpose="opened_for_change")
    if _button(
        request,
        lambda version: services.case_accept(user=request.user, case=case, version=version),
        lambda: f"You have accepted case {case.reference}. {lifecycle.NEXT_STEP[case.stage]}.",
    ):
        return redirect(_overview_url(case))
    return _after(request, case, request.POST.get("return_to"))


@require_POST
def case_allocate(request, case_id: int):
    # The lead's initiative admins allocate from the case index, where they may not open the case itself.
    case = case_index_get_for_user(user=request.user, case_id=case_id)
    require_page_perm(
        request.user,
        "allocation.allocate_case",
        case,
        "Only the lead organisation's initiative admins allocate.",
    )
    decisions = []
    _button(
        request,
        lambda version: decisions.append(
            services.case_allocate(user=request.user, case=case, version=version)
        ),
        lambda: f"Case {case.reference} allocated. {decisions[0].explanation}",
    )
    return _after(request, case, request.POST.get("return_to"))


def case_assign(request, case_id: int):
    case = case_get_for_user(user=request.user, case_id=case_id, purpose="opened_for_change")
    require_page_perm(
        request.user,
        "allocation.assign_case",
        case,
        "Only team managers of the responsible organisation assign.",
    )
    users = user_list_assignable(organisation_id=case.responsible_organisation_id)
    form = AssignForm(request.POST or None, users=users, initial={"version": case.version})
    if (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            request,
            form,
            lambda d: services.case_assign_worker(
                user=request.user, case=case, worker=d["worker"], version=d["version"]
            ),
            lambda: f"Case {case.reference} is assigned to {case.primary_worker.display_name}.",
        )
    ):
        return redirect(_overview_url(case))
    return _action_page(
        request,
        case,
        form,
        heading="Assign the case",
        submit_label="Assign the case",
        intro="The worker becomes the case's primary worker and the work starts at Contact.",
    )


def case_reassign(request, case_id: int):
    case = case_get_for_user(user=request.user, case_id=case_id, purpose="opened_for_change")
    require_page_perm(
        request.user,
        "allocation.assign_case",
        case,
        "Only team managers of the responsible organisation reassign.",
    )
    users = user_list_assignable(organisation_id=case.responsible_organisation_id).exclude(
        pk=case.primary_worker_id
    )
    form = ReassignForm(request.POST or None, users=users, initial={"version": case.version})
    if (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            request,
            form,
            lambda d: services.case_reassign_worker(
                user=request.user, case=case, worker=d["worker"], reason=d["reason"], version=d["version"]
            ),
            lambda: f"Case {case.reference} is reassigned to {case.primary_worker.display_name}.",
        )
    ):
        return redirect(_overview_url(case))
    current = case.primary_worker.display_name if case.primary_worker_id else "nobody"
    return _action_page(
        request,
        case,
        form,
        heading="Reassign the case",
        submit_label="Reassign the case",
        intro=f"The primary worker is {current}. They stop working on the case; "
        "what they recorded stays on it.",
    )


def case_transfer(request, case_id: int):
    # The lead's initiative admins transfer from the case index, so the case is loaded as the index shows it.
    case = case_index_get_for_user(user=request.user, case_id=case_id)
    require_page_perm(
        request.user,
        "allocation.transfer_case",
        case,
        "Only the lead organisation or the responsible organisation's team managers can do this.",
    )
    organisations = organisation_list_responsible(
        initiative_id=case.initiative_id, exclude_id=case.responsible_organisation_id
    )
    form = TransferForm(request.POST or None, organisations=organisations, initial={"version": case.version})
    if (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            request,
            form,
            lambda d: services.case_transfer(
                user=request.user,
                case=case,
                organisation=d["organisation"],
                reason=d["reason"],
                version=d["version"],
            ),
            lambda: (
                f"Case {case.reference} is now the responsibility of "
                f"{form.cleaned_data['organisation'].name}."
            ),
        )
    ):
        return _after(request, case)
    return _action_page(
        request,
        case,
        form,
        heading="Transfer to another organisation",
        submit_label="Transfer the case",
        back_url=case.get_absolute_url()
        if has_perm(request.user, "cases.view_case", case)
        else reverse("cases:case_index"),
        warning="The case goes back to the new organisation's team worklist. Its workers stop working on it; "
        "what they recorded stays on the case.",
        intro=f"{case.responsible_organisation.name} is responsible for the case now.",
    )
