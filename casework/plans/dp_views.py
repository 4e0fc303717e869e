"""Pages of direct payments (shown in the case workspace's "Direct payments" section, dp_navigation.py). Thin:
the forms check shape, dp_services the rules."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_date
from django.views.decorators.http import require_http_methods, require_POST

from casework.cases.selectors import case_get_for_user
from casework.core.pages import require_page_perm, run_action_service, run_form_service
from casework.plans import dp_selectors as selectors
from casework.plans import dp_services as services
from casework.plans.dp_forms import (
    DirectPaymentAgreementForm,
    DirectPaymentAuditReturnForm,
    DirectPaymentEndForm,
    DirectPaymentMarkForm,
    DirectPaymentSignForm,
    DirectPaymentStartForm,
    SurplusDecisionForm,
)


def _back(case, anchor: str = "") -> str:
    return reverse("cases:case_direct_payments", args=[case.pk]) + (f"#{anchor}" if anchor else "")


def _case_for_managing(request, case_id: int):
    case = case_get_for_user(user=request.user, case_id=case_id, purpose="opened_for_change")
    require_page_perm(
        request.user,
        "plans.manage_direct_payments_case",
        case,
        services.REFUSED if case.is_open else services.CLOSED,
    )
    return case


def _found(request, case) -> selectors.CaseDirectPayments:
    return selectors.case_direct_payments_get_for_user(
        user=request.user, case=case, purpose="opened_for_change"
    )


def _nothing_to_do(request, case, message: str):
    messages.error(request, message)
    return redirect(_back(case))


def _page(request, template: str, case, **context: Any):
    return render(request, f"plans/dp/{template}", {"case": case, **context})


@require_http_methods(["GET", "POST"])
def dp_agreement_new(request, case_id: int):
    """Draft the direct payment agreement."""
    case = _case_for_managing(request, case_id)
    plan = services.dp_support_plan_for(case=case)
    initial = {"weekly_amount": plan.weekly_cost} if plan is not None else {}
    form = DirectPaymentAgreementForm(request.POST or None, initial={"weekly_contribution": 0, **initial})
    if (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            request,
            form,
            lambda data: services.dp_agreement_create(
                user=request.user,
                case=case,
                recipient=data["recipient"],
                recipient_name=data["recipient_name"],
                weekly_amount=data["weekly_amount"],
                weekly_contribution=data["weekly_contribution"],
                contribution_basis=data["contribution_basis"],
                frequency=data["frequency"],
                account_type=data["account_type"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
            ),
            "The direct payment agreement is drafted.",
        )
    ):
        return redirect(_back(case, "agreement"))
    return _page(request, "agreement_form.html", case, form=form, plan=plan)


def _current_or_back(request, case):
    current = _found(request, case).current
    if current is None:
        return None, _nothing_to_do(
            request, case, "The case has no direct payment agreement: draft one first."
        )
    return current, None


@require_http_methods(["GET", "POST"])
def dp_agreement_sign(request, case_id: int):
    """Record the date the recipient signed the agreement."""
    case = _case_for_managing(request, case_id)
    agreement, back = _current_or_back(request, case)
    if back:
        return back
    form = DirectPaymentSignForm(request.POST or None, initial={"version": agreement.version})
    if (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            request,
            form,
            lambda data: services.dp_agreement_sign(
                user=request.user, agreement=agreement, version=data["version"], signed_on=data["signed_on"]
            ),
            "The signature is recorded.",
        )
    ):
        return redirect(_back(case, "agreement"))
    return _page(request, "sign.html", case, form=form, agreement=agreement)


@require_http_methods(["GET", "POST"])
def dp_agreement_start(request, case_id: int):
    """Start the signed agreement: its payments are scheduled."""
    case = _case_for_managing(request, case_id)
    agreement, back = _current_or_back(request, case)
    if back:
        return back
    form = DirectPaymentStartForm(request.POST or None, initial={"version": agreement.version})
    if (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            request,
            form,
            lambda data: services.dp_agreement_start(
                user=request.user, agreement=agreement, version=data["version"]
            ),
            "The direct payment has started: its payments are scheduled.",
        )
    ):
        return redirect(_back(case, "schedule"))
    return _page(request, "start.html", case, form=form, agreement=agreement)


@require_http_methods(["GET", "POST"])
def dp_agreement_end(request, case_id: int):
    """End the agreement on its last day, with the reason."""
    case = _case_for_managing(request, case_id)
    agreement, back = _current_or_back(request, case)
    if back:
        return back
    form = DirectPaymentEndForm(request.POST or None, initial={"version": agreement.version})
    if (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            request,
            form,
            lambda data: services.dp_agreement_end(
                user=request.user,
                agreement=agreement,
                version=data["version"],
                ends_on=data["ends_on"],
                reason=data["reason"],
            ),
            "The direct payment has ended.",
        )
    ):
        return redirect(_back(case, "agreement"))
    return _page(request, "end.html", case, form=form, agreement=agreement)


@require_POST
def dp_payments_generate(request, case_id: int):
    """Schedule the active agreement's payments for the next 12 months (idempotent)."""
    case = _case_for_managing(request, case_id)
    agreement, back = _current_or_back(request, case)
    if back:
        return back
    made: list[Any] = []
    run_action_service(
        request,
        lambda: made.extend(services.dp_payments_generate(user=request.user, agreement=agreement)),
        lambda: f"{len(made)} payments scheduled." if made else "Every payment is scheduled already.",
    )
    return redirect(_back(case, "schedule"))


@require_http_methods(["GET", "POST"])
def dp_payment_mark(request, case_id: int):
    """Mark a payment (?due=YYYY-MM-DD) paid, held (with the reason) or scheduled again."""
    case = _case_for_managing(request, case_id)
    agreement, back = _current_or_back(request, case)
    if back:
        return back
    due = parse_date(request.POST.get("due_on") or request.GET.get("due") or "")
    payment = next((p for p in agreement.payments.all() if p.due_on == due), None)
    if payment is None:
        return _nothing_to_do(request, case, "No payment of this agreement is due on that date.")
    form = DirectPaymentMarkForm(
        request.POST or None, initial={"version": payment.version, "due_on": payment.due_on}
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            request,
            form,
            lambda data: services.dp_payment_mark(
                user=request.user,
                agreement=agreement,
                due_on=data["due_on"],
                version=data["version"],
                status=data["status"],
                note=data["note"],
            ),
            "The payment is recorded.",
        )
    ):
        return redirect(_back(case, "schedule"))
    return _page(request, "payment_mark.html", case, form=form, agreement=agreement, payment=payment)


@require_http_methods(["GET", "POST"])
def dp_audit_return_new(request, case_id: int):
    """Record an audit return of how the direct payment was spent."""
    case = _case_for_managing(request, case_id)
    audited = _found(request, case).audited
    if audited is None:
        return _nothing_to_do(request, case, "The case has no direct payment that has started.")
    form = DirectPaymentAuditReturnForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            request,
            form,
            lambda data: services.dp_audit_return_record(
                user=request.user,
                agreement=audited,
                period_starts=data["period_starts"],
                period_ends=data["period_ends"],
                spent=data["spent"],
                balance_held=data["balance_held"],
                receipts_checked=data["receipts_checked"],
                notes=data["notes"],
            ),
            "The audit return is recorded.",
        )
    ):
        return redirect(_back(case, "audit-returns"))
    return _page(request, "audit_return_form.html", case, form=form, agreement=audited)


@require_http_methods(["GET", "POST"])
def dp_surplus_decide(request, case_id: int):
    """Decide the surplus waiting for a decision: recover it, or let the person keep it."""
    case = _case_for_managing(request, case_id)
    recovery = _found(request, case).undecided_surplus
    if recovery is None:
        return _nothing_to_do(request, case, "No surplus is waiting for a decision.")
    form = SurplusDecisionForm(request.POST or None, initial={"version": recovery.version})
    if (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            request,
            form,
            lambda data: services.dp_surplus_decide(
                user=request.user,
                recovery=recovery,
                version=data["version"],
                decision=data["decision"],
                reason=data["reason"],
            ),
            "The decision on the surplus is recorded.",
        )
    ):
        return redirect(_back(case, "audit-returns"))
    return _page(request, "surplus_form.html", case, form=form, recovery=recovery)
