"""Pages of the case's support plan (shown in the case workspace's "Support plan" section,
support_navigation.py): edit the draft and its services, the sign-offs, activation within the approval limit,
suspending and restarting a service, every version, and the person's copy as a PDF. Thin: the forms check
shape, support_services the rules."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from casework.cases.selectors import case_get_for_user
from casework.core import clock
from casework.core.pages import require_page_perm, run_action_service, run_form_service
from casework.letters.rendering import html_to_pdf
from casework.plans import no_surprise
from casework.plans import support_selectors as selectors
from casework.plans import support_services as services
from casework.plans.support_display import plan_rows
from casework.plans.support_forms import (
    NEW_SERVICE_ROWS,
    PersonSignForm,
    RestartForm,
    ServiceFormSet,
    SupportPlanForm,
    SuspendForm,
    VersionForm,
    plan_initial,
    provider_choices,
    service_initial,
)
from casework.plans.support_models import SupportService

STALE_PAGE = "The page was out of date. Check the plan and try again."


def section_url(case, anchor: str = "") -> str:
    return reverse("cases:case_support_plan", args=[case.pk]) + (f"#{anchor}" if anchor else "")


def _case_for_recording(request, case_id: int):
    case = case_get_for_user(user=request.user, case_id=case_id, purpose="opened_for_change")
    require_page_perm(
        request.user,
        "plans.record_support_plan_case",
        case,
        services.REFUSED_RECORD if case.is_open else services.CLOSED,
    )
    return case


def _page(request, template: str, case, **context: Any):
    return render(request, f"plans/support/{template}", {"case": case, **context})


@require_http_methods(["GET", "POST"])
def support_plan_edit(request, case_id: int):
    """Write the next version of the plan (a draft): outcomes, needs, services, how the budget is managed."""
    case = _case_for_recording(request, case_id)
    found = selectors.case_support_plan_get_for_user(
        user=request.user, case=case, purpose="opened_for_change"
    )
    base = found.latest
    providers = provider_choices([base])
    form = SupportPlanForm(request.POST or None, initial=plan_initial(base, found.latest_number))
    initial = [service_initial(s) for s in (base.services.all() if base else [])]
    formset = ServiceFormSet(
        request.POST or None,
        prefix="services",
        initial=initial + [{}] * NEW_SERVICE_ROWS,
        form_kwargs={"providers": providers},
    )
    if (
        request.method == "POST"
        and form.is_valid() & formset.is_valid()
        and run_form_service(
            request,
            form,
            lambda data: services.support_plan_save(
                user=request.user,
                case=case,
                based_on=data["based_on"],
                outcomes=data["outcomes"],
                needs=data["needs"],
                budget_management=data["budget_management"],
                informal_support=data["informal_support"],
                community_assets=data["community_assets"],
                contingency=data["contingency"],
                services=[s for s in (f.service_in() for f in formset.forms) if s is not None],
            ),
            "The support plan is saved as a new draft version.",
        )
    ):
        return redirect(section_url(case, "draft"))
    return _page(request, "plan_form.html", case, form=form, formset=formset, base=base)


def _version(request) -> int | None:
    form = VersionForm(request.POST)
    return form.cleaned_data["version"] if form.is_valid() else None


def _draft_action(request, case_id: int, call, success: str, permission: str = "") -> HttpResponse:
    case = case_get_for_user(user=request.user, case_id=case_id, purpose="opened_for_change")
    if permission:
        require_page_perm(
            request.user, permission, case, services.REFUSED_ACTIVATE if case.is_open else services.CLOSED
        )
    else:
        require_page_perm(
            request.user,
            "plans.record_support_plan_case",
            case,
            services.REFUSED_RECORD if case.is_open else services.CLOSED,
        )
    found = selectors.case_support_plan_get_for_user(
        user=request.user, case=case, purpose="opened_for_change"
    )
    version = _version(request)
    if found.draft is None:
        messages.error(request, "There is no draft of the support plan: write one first.")
    elif version is None:
        messages.error(request, STALE_PAGE)
    else:
        draft = found.draft
        run_action_service(request, lambda: call(draft, version), success)
    return redirect(section_url(case, "draft"))


@require_POST
def support_plan_sign_worker(request, case_id: int):
    """The worker signs off the draft (a button: updates the section in place with htmx)."""
    return _draft_action(
        request,
        case_id,
        lambda plan, version: services.support_plan_sign_worker(
            user=request.user, plan=plan, version=version
        ),
        "You have signed the support plan.",
    )


@require_POST
def support_plan_activate(request, case_id: int):
    """Activate the signed draft, within the user's approval limit (a button: in place with htmx)."""
    return _draft_action(
        request,
        case_id,
        lambda plan, version: services.support_plan_activate(user=request.user, plan=plan, version=version),
        "The support plan is active and its services are running.",
        permission="plans.activate_support_plan_case",
    )


@require_POST
def charge_estimate_letter_send(request, case_id: int):
    """Send the person the estimate of what they will pay for the plan's chargeable services (no surprise
    bills): a chargeable service does not start without it."""
    case = _case_for_recording(request, case_id)
    run_action_service(
        request,
        lambda: no_surprise.charge_estimate_letter_send(user=request.user, case=case),
        f"The estimate of what {case.subject_name} will pay has been sent to them.",
    )
    return redirect(section_url(case, "estimate"))


@require_http_methods(["GET", "POST"])
def support_plan_sign_person(request, case_id: int):
    """Record the person's (or their representative's) sign-off, or why nobody signed."""
    case = _case_for_recording(request, case_id)
    found = selectors.case_support_plan_get_for_user(
        user=request.user, case=case, purpose="opened_for_change"
    )
    draft = found.draft
    if draft is None:
        messages.error(request, "There is no draft of the support plan: write one first.")
        return redirect(section_url(case))
    form = PersonSignForm(request.POST or None, initial={"version": draft.version})
    if (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            request,
            form,
            lambda data: services.support_plan_sign_person(
                user=request.user,
                plan=draft,
                version=data["version"],
                signer=data["signer"],
                name=data["name"],
                reason=data["reason"],
            ),
            "The person's sign-off is recorded.",
        )
    ):
        return redirect(section_url(case, "draft"))
    return _page(request, "sign_person.html", case, form=form, plan=draft)


def active_service(found: selectors.CaseSupportPlan, reference: str) -> SupportService | None:
    """The active plan's service of that reference, if any."""
    for service in found.active.services.all() if found.active else []:
        if service.reference == reference:
            return service
    return None


def _service_page(request, case_id: int):
    case = _case_for_recording(request, case_id)
    found = selectors.case_support_plan_get_for_user(
        user=request.user, case=case, purpose="opened_for_change"
    )
    service = active_service(found, request.GET.get("service", ""))
    if service is None:
        messages.error(request, "Choose a service of the active support plan.")
    return case, service


@require_http_methods(["GET", "POST"])
def support_service_suspend(request, case_id: int):
    """Suspend a running service: a hospital admission (until it restarts), respite agreed in the plan."""
    case, service = _service_page(request, case_id)
    if service is None:
        return redirect(section_url(case, "active"))
    form = SuspendForm(request.POST or None, initial={"version": service.version, **SuspendForm.today()})
    if (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            request,
            form,
            lambda data: services.support_service_suspend(user=request.user, service=service, **data),
            f"{service.service_type} is suspended.",
        )
    ):
        return redirect(section_url(case, "active"))
    return _page(request, "suspend.html", case, form=form, service=service)


@require_http_methods(["GET", "POST"])
def support_service_restart(request, case_id: int):
    """Restart a suspended service (a discharge from hospital)."""
    case, service = _service_page(request, case_id)
    if service is None:
        return redirect(section_url(case, "active"))
    form = RestartForm(request.POST or None, initial={"version": service.version, **RestartForm.today()})
    if (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            request,
            form,
            lambda data: services.support_service_restart(user=request.user, service=service, **data),
            f"{service.service_type} has restarted.",
        )
    ):
        return redirect(section_url(case, "active"))
    return _page(request, "restart.html", case, form=form, service=service)


@require_http_methods(["GET"])
def support_plan_versions(request, case_id: int):
    """Every version of the plan as it was, newest first."""
    case = case_get_for_user(user=request.user, case_id=case_id)
    require_page_perm(request.user, "plans.view_support_plan_case", case, selectors.REFUSED_VIEW)
    plans = selectors.support_plan_versions_get_for_user(user=request.user, case=case)
    return _page(request, "versions.html", case, versions=[plan_rows(plan) for plan in plans])


@require_http_methods(["GET"])
def support_plan_pdf(request, case_id: int):
    """The person's copy of the plan (the active version, else the draft) as a PDF; its download recorded."""
    case = case_get_for_user(user=request.user, case_id=case_id)
    require_page_perm(request.user, "plans.view_support_plan_case", case, selectors.REFUSED_VIEW)
    found = selectors.case_support_plan_get_for_user(user=request.user, case=case, purpose="copy_downloaded")
    plan = found.active or found.draft
    if plan is None:
        messages.error(request, "There is no support plan to print yet.")
        return redirect(section_url(case))
    html = render_to_string(
        "plans/support/plan_pdf.html", {"case": case, "plan": plan_rows(plan), "today": clock.today()}
    )
    response = HttpResponse(html_to_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="support-plan-{case.reference}-v{plan.number}.pdf"'
    )
    return response
