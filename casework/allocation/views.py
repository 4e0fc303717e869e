"""Allocation pages for the lead's initiative admins: the rules, the fallback, allocating in bulk.

Thin: reads through allocation selectors, writes through allocation services. Refusals are 403s.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from casework.accounts.choices import Capability, Role
from casework.accounts.selectors import actor_for, organisation_list_responsible
from casework.allocation import selectors, services
from casework.allocation.forms import AllocationRuleForm, FallbackForm
from casework.allocation.models import AllocationRule
from casework.cases.selectors import risk_categories_for
from casework.core.errors import DomainError, PermissionRefused
from casework.core.forms import apply_service_error

REFUSED = "Only the lead organisation's initiative admins keep the allocation rules."


def _lead_initiative_id(user) -> int:
    """The initiative whose rules the user keeps: one where they are an initiative admin of the lead."""
    actor = actor_for(user)
    for initiative_id in sorted(actor.lead_of_initiative_ids):
        if actor.has_lead_role(Role.INITIATIVE_ADMIN, initiative_id):
            return initiative_id
    raise PermissionDenied(REFUSED)


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
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.allocation_rule_save(
                user=request.user,
                initiative_id=initiative_id,
                data=form.service_data(),
                rule=rule,
                version=form.cleaned_data["version"],
            )
        except DomainError as error:
            apply_service_error(form, error)
        except PermissionRefused as error:
            raise PermissionDenied(error.message) from None
        else:
            messages.success(request, f"Rule {saved.position}, ‘{saved.name}’, has been saved.")
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
    try:
        services.allocation_rule_move(user=request.user, rule=rule, direction=direction)
    except PermissionRefused as error:
        raise PermissionDenied(error.message) from None
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"‘{rule.name}’ has moved {request.POST['direction']}.")
    return redirect("allocation:rules")


def fallback_set(request):
    initiative_id = _lead_initiative_id(request.user)
    policy = selectors.allocation_policy_for(initiative_id=initiative_id)
    form = FallbackForm(
        request.POST or None,
        organisations=organisation_list_responsible(initiative_id=initiative_id),
        initial={"organisation": policy.fallback_organisation_id if policy else None},
    )
    if request.method == "POST" and form.is_valid():
        try:
            policy = services.allocation_policy_set_fallback(
                user=request.user, initiative_id=initiative_id, organisation=form.cleaned_data["organisation"]
            )
        except DomainError as error:
            apply_service_error(form, error)
        except PermissionRefused as error:
            raise PermissionDenied(error.message) from None
        else:
            messages.success(
                request, f"Cases that match no rule now go to {policy.fallback_organisation.name}."
            )
            return redirect("allocation:rules")
    return render(request, "allocation/fallback.html", {"form": form})


@require_POST
def allocate_all(request):
    initiative_id = _lead_initiative_id(request.user)
    try:
        counts = services.cases_allocate_unallocated(user=request.user, initiative_id=initiative_id)
    except PermissionRefused as error:
        raise PermissionDenied(error.message) from None
    except DomainError as error:
        messages.error(request, str(error))
    else:
        allocated, skipped = counts["allocated"], counts["skipped"]
        text = f"{allocated} case{'' if allocated == 1 else 's'} allocated."
        if skipped:
            text += (
                f" {skipped} could not be allocated, usually because someone changed them at the same "
                "time. Try again, or allocate them one at a time to see why."
            )
        messages.success(request, text)
    return redirect("cases:case_index")
