"""Pages of support planning. The public "What might I pay?" calculator needs no sign-in, stores nothing."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from casework.cases.policies import holding_organisation_id
from casework.cases.selectors import case_get_for_user
from casework.core import clock
from casework.core.pages import require_page_perm, run_form_service
from casework.plans import selectors, services
from casework.plans.charging.calculator import assess
from casework.plans.choices import FinancialAssessmentStatus
from casework.plans.figures_selectors import public_rate_table
from casework.plans.forms import FinancialAssessmentForm, FinancialAssessmentStartForm, PublicCalculatorForm

SECTIONS = (
    ("capital", "Your capital"),
    ("income", "Your income"),
    ("allowances", "What is left for you to live on"),
    ("charge", "What you might pay"),
)


@require_http_methods(["GET", "POST"])
def what_might_i_pay(request):
    """The calculator: the same engine and rate table as a worker's financial assessment (with the chosen
    council's figures)."""
    requested = request.GET.get("council")
    form = PublicCalculatorForm(request.POST or None, initial={"council": requested})
    council = form.chosen_council(requested)
    table = public_rate_table(council=council, day=clock.today())
    result = None
    if request.method == "POST" and form.is_valid():
        result = assess(form.assessment_input(), table)
    sections = (
        [(title, [line for line in result.lines if line.section == key]) for key, title in SECTIONS]
        if result
        else []
    )
    return render(
        request,
        "plans/what_might_i_pay.html",
        {"form": form, "result": result, "sections": sections, "table": table, "council": council},
    )


# --- A case's financial assessment (the case workspace's "Money" section) ---------------------------------


def _case_for_recording(request, case_id: int):
    case = case_get_for_user(user=request.user, case_id=case_id, purpose="opened_for_change")
    require_page_perm(
        request.user,
        "plans.record_financial_assessment_case",
        case,
        services.REFUSED if case.is_open else services.CLOSED,
    )
    return case


def _back(case) -> str:
    return reverse("cases:case_money", args=[case.pk])


@require_http_methods(["GET", "POST"])
def financial_assessment_start(request, case_id: int):
    """Start (or, once one is completed, start again) the case's financial assessment."""
    case = _case_for_recording(request, case_id)
    current = selectors.financial_assessment_current_get_for_user(
        user=request.user, case=case, purpose="opened_for_change"
    )
    form = FinancialAssessmentStartForm(
        request.POST or None, initial={"replaces_id": current.pk if current else None}
    )
    started: dict = {}

    def call(data: dict) -> None:
        started["record"] = services.financial_assessment_start(
            user=request.user, case=case, replaces_id=data["replaces_id"]
        )

    if (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            request,
            form,
            call,
            lambda: f"Financial assessment started: due by {started['record'].due_on:%-d %B %Y}.",
        )
    ):
        return redirect(_back(case))
    return render(
        request,
        "plans/financial_assessment_start.html",
        {
            "case": case,
            "form": form,
            "current": current,
            "working_days": services.financial_assessment_working_days(
                organisation_id=holding_organisation_id(case)
            ),
        },
    )


@require_http_methods(["GET", "POST"])
def financial_assessment_complete(request, case_id: int):
    case = _case_for_recording(request, case_id)
    current = selectors.financial_assessment_current_get_for_user(
        user=request.user, case=case, purpose="opened_for_change"
    )
    if current is None or current.status != FinancialAssessmentStatus.STARTED:
        raise Http404("No financial assessment in progress on this case")
    form = FinancialAssessmentForm(request.POST or None, initial={"version": current.version})
    if (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            request,
            form,
            lambda data: services.financial_assessment_complete(
                user=request.user, assessment=current, version=data["version"], data=form.assessment_input()
            ),
            "The financial assessment has been completed.",
        )
    ):
        return redirect(_back(case))
    return render(
        request, "plans/financial_assessment_form.html", {"case": case, "form": form, "assessment": current}
    )
