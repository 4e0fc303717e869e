"""Pages of subject access: the auditor's list of requests, a new request for a person, and one request's
page with each step, the bundle's redactions and its download."""

from __future__ import annotations

import json

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from casework.core.pages import require_page_perm, run_action_service, run_form_service
from casework.core.permissions import has_perm
from casework.core.querysets import Pager
from casework.subjectaccess import forms, lifecycle, selectors, services
from casework.subjectaccess.bundle import bundle_pdf, bundle_redacted
from casework.subjectaccess.choices import RequestStatus

PERMISSION = services.PERMISSION


@require_http_methods(["GET"])
def request_list(request):
    """The requests the auditor handles, soonest due first."""
    shown = selectors.request_list_for_user(user=request.user, pager=Pager.of_request(request))
    return render(
        request, "subjectaccess/request_list.html", {"page": shown.page, "page_range": shown.page_range}
    )


@require_http_methods(["GET", "POST"])
def request_new(request, person_id: int):
    person = selectors.person_get_for_request(user=request.user, person_id=person_id)
    require_page_perm(request.user, PERMISSION, person)
    choices = selectors.organisation_choices_for_request(user=request.user, person=person)
    form = forms.ReceiveForm(request.POST or None, organisations=choices)
    made = []
    if request.method == "POST" and form.is_valid():
        if run_form_service(
            request,
            form,
            lambda d: made.append(
                services.request_receive(
                    user=request.user,
                    person=person,
                    organisation_id=d["organisation"],
                    requester_name=d["requester_name"],
                    requested=d["requested"],
                    received_on=d["received_on"],
                )
            ),
            "Subject access request recorded",
        ):
            return redirect(made[0])
    return render(request, "subjectaccess/request_new.html", {"person": person, "form": form})


STEP_FORMS = {
    "verify_identity": forms.VerifyIdentityForm,
    "ask_clarification": forms.AskClarificationForm,
    "receive_clarification": forms.ReceiveClarificationForm,
    "extend": forms.ExtendForm,
}


# Each step's heading and button on the request's page.
STEP_WORDS = {
    "verify_identity": ("Identity verified", "Record identity as verified"),
    "ask_clarification": ("Ask for clarification (stops the clock)", "Record the question"),
    "receive_clarification": ("Clarification received (restarts the clock)", "Record the answer"),
    "extend": ("Extend the time to respond", "Extend"),
}


@require_http_methods(["GET"])
def request_detail(request, sar_id: int):
    sar = selectors.request_get_for_user(user=request.user, request_id=sar_id)
    return _detail(request, sar)


def _detail(request, sar, bound: dict | None = None, status: int = 200):
    actions = lifecycle.actions_from(sar.status)
    step_forms = [
        {
            "form": (bound or {}).get(action)
            or form_class(initial={"version": sar.version}, auto_id=f"{action}-%s"),
            "url": reverse(f"subjectaccess:request_{action}", args=[sar.pk]),
            "heading": STEP_WORDS[action][0],
            "button": STEP_WORDS[action][1],
        }
        for action, form_class in STEP_FORMS.items()
        if action in actions
    ]
    redactions = selectors.request_redactions(request=sar)
    sections = []
    if sar.bundle:
        for app, named in sar.bundle.get("sections", {}).items():
            for name, rows in named.items():
                sections.append(
                    {"key": f"{app}/{name}", "count": len(rows), "ids": [r.get("id") for r in rows[:50]]}
                )
    return render(
        request,
        "subjectaccess/request_detail.html",
        {
            "sar": sar,
            "actions": actions,
            "step_forms": step_forms,
            "pauses": selectors.request_pauses(request=sar),
            "redactions": redactions,
            "sections": sections,
            "redact_form": (bound or {}).get("redact") or forms.RedactForm(),
            "can_handle": has_perm(request.user, PERMISSION, sar.person),
            "released": sar.status == RequestStatus.RELEASED,
        },
        status=status,
    )


@require_POST
def request_step(request, sar_id: int, action: str):
    """One step of the workflow from its form on the request's page."""
    sar = selectors.request_get_for_user(user=request.user, request_id=sar_id)
    require_page_perm(request.user, PERMISSION, sar.person)
    form = STEP_FORMS[action](request.POST, auto_id=f"{action}-%s")
    if form.is_valid():
        calls = {
            "verify_identity": lambda d: services.request_verify_identity(
                user=request.user, request=sar, version=d["version"], verified_on=d["verified_on"],
                evidence=d["evidence"],
            ),
            "ask_clarification": lambda d: services.request_ask_clarification(
                user=request.user, request=sar, version=d["version"], asked_on=d["asked_on"],
                question=d["question"],
            ),
            "receive_clarification": lambda d: services.request_receive_clarification(
                user=request.user, request=sar, version=d["version"], answered_on=d["answered_on"]
            ),
            "extend": lambda d: services.request_extend(
                user=request.user, request=sar, version=d["version"], months=d["months"], reason=d["reason"],
                letter_sent_on=d["letter_sent_on"],
            ),
        }  # fmt: skip
        if run_form_service(request, form, calls[action], "Subject access request updated"):
            return redirect(sar)
    return _detail(request, sar, bound={action: form}, status=200)


def request_verify_identity(request, sar_id: int):
    return request_step(request, sar_id, "verify_identity")


def request_ask_clarification(request, sar_id: int):
    return request_step(request, sar_id, "ask_clarification")


def request_receive_clarification(request, sar_id: int):
    return request_step(request, sar_id, "receive_clarification")


def request_extend(request, sar_id: int):
    return request_step(request, sar_id, "extend")


@require_POST
def request_prepare_bundle(request, sar_id: int):
    sar = selectors.request_get_for_user(user=request.user, request_id=sar_id)
    require_page_perm(request.user, PERMISSION, sar.person)
    form = forms.VersionForm(request.POST)
    if form.is_valid():
        run_action_service(
            request,
            lambda: services.request_prepare_bundle(
                user=request.user, request=sar, version=form.cleaned_data["version"]
            ),
            "Bundle prepared: mark anything about other people for redaction before release",
        )
    return redirect(sar)


@require_POST
def request_redact(request, sar_id: int):
    sar = selectors.request_get_for_user(user=request.user, request_id=sar_id)
    require_page_perm(request.user, PERMISSION, sar.person)
    form = forms.RedactForm(request.POST)
    if form.is_valid() and run_form_service(
        request,
        form,
        lambda d: services.request_redact(user=request.user, request=sar, **d),
        "Marked for redaction",
    ):
        return redirect(sar)
    return _detail(request, sar, bound={"redact": form})


@require_POST
def request_release(request, sar_id: int):
    sar = selectors.request_get_for_user(user=request.user, request_id=sar_id)
    require_page_perm(request.user, PERMISSION, sar.person)
    form = forms.VersionForm(request.POST)
    if form.is_valid():
        run_action_service(
            request,
            lambda: services.request_release(
                user=request.user, request=sar, version=form.cleaned_data["version"]
            ),
            "Bundle released",
        )
    return redirect(sar)


@require_http_methods(["GET"])
def request_bundle(request, sar_id: int, fmt: str):
    """The bundle with its redactions applied, as JSON or PDF (each download recorded)."""
    sar = selectors.request_get_for_user(user=request.user, request_id=sar_id)
    require_page_perm(request.user, PERMISSION, sar.person)
    if not run_action_service(
        request, lambda: selectors.bundle_downloaded(user=request.user, request=sar, fmt=fmt), None
    ):
        return redirect(sar)
    if fmt == "pdf":
        response = HttpResponse(bundle_pdf(sar), content_type="application/pdf")
    else:
        response = HttpResponse(
            json.dumps(bundle_redacted(sar), indent=2, sort_keys=True), content_type="application/json"
        )
    response["Content-Disposition"] = f'attachment; filename="subject-access-{sar.pk}.{fmt}"'
    return response
