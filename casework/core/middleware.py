import re
import uuid

from django.conf import settings
from django.contrib.auth.views import redirect_to_login

from casework.core import limits
from casework.core.context import request_context
from casework.core.views import bad_request

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestContextMiddleware:
    """Gives each request an id (or keeps a sane X-Request-ID) for the audit trail and the response header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        channel = "api" if request.path.startswith("/api/") else "web"
        with request_context(request.id, channel):
            response = self.get_response(request)
        response["X-Request-ID"] = request.id
        return response


class RefuseNulMiddleware:
    """A page asked for with a NUL character in its address, query or form is a 400, and nothing is read.

    PostgreSQL can neither store nor compare text holding one (a server error), and SQLite stores it. Forms
    refuse it too, but some values are read without a form (a search box, an id in a query string); this
    covers them all. The API says so field by field (core/api.py); the Open Referral endpoints check theirs.
    """

    EXEMPT_PREFIXES = ("/api/", "/openreferral/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(self.EXEMPT_PREFIXES) and (
            "\x00" in request.path
            or limits.has_nul(list(request.GET.lists()))
            or (request.method == "POST" and limits.has_nul(list(request.POST.lists())))
        ):
            return bad_request(request)
        return self.get_response(request)


class LoginRequiredMiddleware:
    """Every page needs a signed-in user except the few that are public by nature."""

    PUBLIC_PREFIXES = (
        "/accounts/login",
        "/healthz",
        "/static/",
        "/api/",
        "/openreferral/",
        "/public/",
        "/how-we-identify/",
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The path first: public paths (the API authenticates itself) need no session or user lookup.
        if not request.path.startswith(self.PUBLIC_PREFIXES) and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        return self.get_response(request)


def _header_value(policy: dict[str, list[str]], *, separator: str, render) -> str:
    return separator.join(render(name, values) for name, values in policy.items())


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every response, from settings (Django 5.2 has none).

    A response that sets its own header keeps it. Both are computed once, at start-up. A PDF gets no CSP:
    browsers show it in a built-in viewer that a policy on the PDF itself can block.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.csp = _header_value(
            getattr(settings, "CONTENT_SECURITY_POLICY", {}),
            separator="; ",
            render=lambda name, values: " ".join([name, *values]),
        )
        self.permissions = _header_value(
            getattr(settings, "PERMISSIONS_POLICY", {}),
            separator=", ",
            render=lambda name, values: f"{name}=({' '.join(values)})",
        )

    def __call__(self, request):
        response = self.get_response(request)
        if self.csp and not response.get("Content-Type", "").startswith("application/pdf"):
            response.headers.setdefault("Content-Security-Policy", self.csp)
        if self.permissions:
            response.headers.setdefault("Permissions-Policy", self.permissions)
        return response
