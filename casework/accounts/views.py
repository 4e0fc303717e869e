"""Multi-factor sign-in pages: set up, enter a code, recovery codes, the user's own sign-in security, and an
organisation admin's reset. Sign-in itself is Django's LoginView (urls.py)."""

from urllib.parse import urlencode

import django_otp
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from casework.accounts.choices import Role
from casework.accounts.forms import MfaCodeForm
from casework.accounts.mfa import (
    mfa_device_get,
    mfa_enrolment_confirm,
    mfa_enrolment_start,
    mfa_recovery_codes_left,
    mfa_recovery_codes_regenerate,
    mfa_required,
    mfa_reset,
    mfa_verify,
    user_list_for_mfa_admin,
)
from casework.accounts.middleware import mfa_pending_step
from casework.accounts.selectors import actor_for
from casework.core import clock, limits
from casework.core.models import JobFailure
from casework.core.pages import paginate, require_page_perm, run_action_service, run_form_service

# New recovery codes wait here between the action that made them and the one page that shows them.
RECOVERY_CODES_SESSION_KEY = "casework_mfa_new_recovery_codes"


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("core:home")


def _with_next(name: str, next_url: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


def _signed_in_with(request, device) -> None:
    """Mark the session as verified by the device, under a new session key (the privilege changed)."""
    django_otp.login(request, device)
    request.session.cycle_key()


@require_http_methods(["GET", "POST"])
def mfa_setup(request):
    next_url = _next_url(request)
    step = mfa_pending_step(request)
    if step == "accounts:mfa_verify":
        return redirect(_with_next(step, next_url))
    if mfa_device_get(user=request.user) is not None:
        messages.info(request, "You have already set up an authenticator app.")
        return redirect("accounts:security")
    request.casework_mfa_pending = step is not None
    enrolment = mfa_enrolment_start(user=request.user)
    form = MfaCodeForm(request.POST or None, numeric=True)
    confirmed = []
    if (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            request,
            form,
            lambda d: confirmed.append(mfa_enrolment_confirm(user=request.user, code=d["code"])),
            None,
        )
    ):
        device, codes = confirmed[0]
        _signed_in_with(request, device)
        request.session[RECOVERY_CODES_SESSION_KEY] = {"codes": codes, "replaced": False}
        return redirect(_with_next("accounts:mfa_recovery_codes", next_url))
    return render(
        request,
        "accounts/mfa_setup.html",
        {"form": form, "enrolment": enrolment, "next": next_url, "required": step is not None},
    )


@require_http_methods(["GET", "POST"])
def mfa_verify_code(request):
    next_url = _next_url(request)
    step = mfa_pending_step(request)
    if step is None:
        return redirect(next_url)
    if step != "accounts:mfa_verify":
        return redirect(_with_next(step, next_url))
    request.casework_mfa_pending = True
    form = MfaCodeForm(request.POST or None)
    checked = []
    if (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            request, form, lambda d: checked.append(mfa_verify(user=request.user, code=d["code"])), None
        )
    ):
        verified = checked[0]
        _signed_in_with(request, verified.device)
        if verified.recovery_codes_left is not None:
            left = verified.recovery_codes_left
            messages.warning(
                request,
                f"You used a recovery code: it will not work again. You have "
                f"{left} left. Get a new set from Sign-in security.",
            )
        return redirect(next_url)
    return render(request, "accounts/mfa_verify.html", {"form": form, "next": next_url})


def mfa_recovery_codes(request):
    """The new recovery codes, shown once: they are gone from the session as soon as this page is drawn."""
    if not request.user.is_verified():
        return redirect("accounts:mfa_verify")
    new = request.session.pop(RECOVERY_CODES_SESSION_KEY, None)
    if not new:
        messages.info(request, "Recovery codes are shown only once. Get a new set if you did not save them.")
        return redirect("accounts:security")
    return render(request, "accounts/mfa_recovery_codes.html", {**new, "next": _next_url(request)})


@require_http_methods(["GET", "POST"])
def security(request):
    """The user's own sign-in security: their authenticator app, recovery codes left, new recovery codes."""
    user = request.user
    if request.method == "POST":
        made = []
        if not run_action_service(
            request, lambda: made.append(mfa_recovery_codes_regenerate(user=user)), None
        ):
            return redirect("accounts:security")
        request.session[RECOVERY_CODES_SESSION_KEY] = {"codes": made[0], "replaced": True}
        return redirect(_with_next("accounts:mfa_recovery_codes", reverse("accounts:security")))
    device = mfa_device_get(user=user)
    return render(
        request,
        "accounts/security.html",
        {
            "device": device,
            "recovery_codes_left": mfa_recovery_codes_left(user=user) if device else 0,
            "required": mfa_required(user),
            "is_org_admin": bool(actor_for(user).organisations_with_role(Role.ORG_ADMIN)),
        },
    )


def _administered_users(request):
    if not actor_for(request.user).organisations_with_role(Role.ORG_ADMIN):
        raise PermissionDenied("Only organisation admins can reset someone's sign-in.")
    return user_list_for_mfa_admin(user=request.user)


def mfa_users(request):
    """An organisation admin's list of their organisations' users, with whether each has set up MFA."""
    return render(request, "accounts/mfa_users.html", {"users": _administered_users(request)})


@require_http_methods(["GET", "POST"])
def mfa_user_reset(request, user_id: int):
    target = _administered_users(request).filter(pk=user_id).first()
    if target is None:
        raise Http404
    require_page_perm(request.user, "accounts.reset_mfa", target)
    if request.method == "POST":
        mfa_reset(user=target, reset_by=request.user)
        messages.success(
            request,
            f"{target.display_name} will set up their authenticator app again the next time they sign in.",
        )
        return redirect("accounts:mfa_users")
    return render(request, "accounts/mfa_user_reset.html", {"target": target})


def job_failures(request):
    """Background jobs that failed on their last try, for the organisation admin: what, when, the error."""

    organisations = actor_for(request.user).organisations_with_role(Role.ORG_ADMIN)
    if not organisations:
        raise PermissionDenied("Only organisation admins see failed background jobs.")
    qs = JobFailure.objects.filter(organisation_id__in=organisations)
    failure_id = limits.id_from(request.POST.get("failure"))
    if request.method == "POST" and failure_id:
        failure = qs.filter(pk=failure_id, resolved_at__isnull=True).first()
        if failure is not None:
            failure.resolved_at, failure.resolved_by = clock.now(), request.user
            failure.save(update_fields=["resolved_at", "resolved_by"])
            messages.success(request, "Marked as dealt with.")
        return redirect("accounts:job_failures")
    page, page_range = paginate(request, qs.filter(resolved_at__isnull=True), per_page=25)
    return render(request, "accounts/job_failures.html", {"page": page, "page_range": page_range})
