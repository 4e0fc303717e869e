from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse

from casework.accounts.mfa import mfa_device_get, mfa_required

# The session remembers that its user had no authenticator when it looked (their pk), so that a user who
# need not use MFA costs no lookup per request. Enrolling verifies the session; a reset leaves no device.
NO_DEVICE_SESSION_KEY = "casework_mfa_no_device"


def mfa_pending_step(request) -> str | None:
    """The sign-in step (a URL name) a signed-in user must pass before anything else, or None.

    "accounts:mfa_verify" for a user who has set up an authenticator and not yet entered a code in this
    session; "accounts:mfa_setup" for a user who must use MFA and has not set it up."""
    user = request.user
    if not user.is_authenticated or user.is_verified():
        return None
    if request.session.get(NO_DEVICE_SESSION_KEY) != user.pk:
        if mfa_device_get(user=user) is not None:
            return "accounts:mfa_verify"
        request.session[NO_DEVICE_SESSION_KEY] = user.pk
    return "accounts:mfa_setup" if mfa_required(user) else None


class MfaRequiredMiddleware:
    """After the password, the second factor: a user who must use MFA, or has set it up, reaches nothing but
    the MFA pages, sign-out and static files until they enter a code (or set it up). The API authenticates
    itself (config.api: a bearer token, which MFA does not affect, or a session that has passed this step);
    only its documentation and contract, pages for people, are sent here."""

    EXEMPT_PREFIXES = ("/accounts/mfa/", "/accounts/login", "/accounts/logout", "/static/", "/healthz")

    def __init__(self, get_response):
        self.get_response = get_response
        self.docs_paths = None

    def __call__(self, request):
        path = request.path
        if path.startswith(self.EXEMPT_PREFIXES):
            return self.get_response(request)
        if path.startswith("/api/") and path not in self._docs_paths():
            return self.get_response(request)
        step = mfa_pending_step(request)
        if step is None:
            return self.get_response(request)
        return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")

    def _docs_paths(self) -> frozenset[str]:
        if self.docs_paths is None:
            self.docs_paths = frozenset({reverse("api-v1:openapi-view"), reverse("api-v1:openapi-json")})
        return self.docs_paths
