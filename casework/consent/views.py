"""Pages for the bases for sharing a case's data: record one, read one, record its withdrawal."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse

from casework.accounts.models import Organisation
from casework.cases.policies import holding_organisation_id
from casework.cases.selectors import case_get_for_user
from casework.consent import selectors, services
from casework.consent.choices import DATA_CATEGORY_HINTS, BasisKind, DataCategory
from casework.consent.forms import SERVICE_FIELDS, ConsentRecordForm, ConsentWithdrawForm
from casework.core import clock
from casework.core.pages import require_page_perm, run_form_service
from casework.core.permissions import has_perm


def consent_record(request, case_id: int):
    case = case_get_for_user(user=request.user, case_id=case_id, purpose="opened_for_consent")
    require_page_perm(request.user, "consent.record_consent", case, services.RECORD_REFUSED)
    organisations = (
        Organisation.objects.filter(initiative_id=case.initiative_id)
        .exclude(pk=holding_organisation_id(case))
        .order_by("name")
    )
    form = ConsentRecordForm(
        request.POST or None, organisations=organisations, initial={"given_on": clock.today()}
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            request,
            form,
            lambda _data: services.consent_record(user=request.user, case=case, **form.service_arguments()),
            "The basis for sharing has been recorded.",
            SERVICE_FIELDS,
        )
    ):
        return redirect(reverse("cases:case_sharing", args=[case.pk]) + "#consent")
    return render(
        request,
        "consent/consent_record.html",
        {
            "case": case,
            "form": form,
            "category_hints": [(DataCategory(c).label, hint) for c, hint in DATA_CATEGORY_HINTS.items()],
        },
    )


def consent_detail(request, record_id: int):
    record = selectors.consent_get_for_user(user=request.user, record_id=record_id)
    return render(
        request,
        "consent/consent_detail.html",
        {
            "record": record,
            "case": record.case,
            "state": selectors.consent_state(record=record),
            "can_withdraw": not record.is_withdrawn
            and has_perm(request.user, "consent.withdraw_consent", record),
        },
    )


def consent_withdraw(request, record_id: int):
    record = selectors.consent_get_for_user(
        user=request.user, record_id=record_id, purpose="opened_for_change"
    )
    require_page_perm(request.user, "consent.withdraw_consent", record, services.WITHDRAW_REFUSED)
    if record.is_withdrawn:
        messages.error(request, "This was already withdrawn.")
        return redirect(record)
    lawful = record.kind == BasisKind.LAWFUL_BASIS
    form = ConsentWithdrawForm(
        request.POST or None,
        lawful_basis=lawful,
        initial={"version": record.version, "withdrawn_on": clock.today()},
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            request,
            form,
            lambda _data: services.consent_withdraw(
                user=request.user,
                record=record,
                version=form.cleaned_data["version"],
                withdrawn_on=form.cleaned_data["withdrawn_on"],
                withdrawn_by_name=form.cleaned_data["withdrawn_by_name"],
                reason=form.cleaned_data["reason"],
            ),
            "The withdrawal has been recorded. Nothing more is shared under it.",
        )
    ):
        return redirect(record)
    return render(
        request,
        "consent/consent_withdraw.html",
        {"record": record, "case": record.case, "form": form, "lawful": lawful},
    )
