import re
import uuid

from django.conf import settings
from django.contrib.auth.views import redirect_to_login

from casework.core.context import request_context

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


class LoginRequiredMiddleware:
    """Every page needs a signed-in user except the few that are public by nature."""

    PUBLIC_PREFIXES = ("/accounts/login", "/healthz", "/static/", "/api/", "/openreferral/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The path first: public paths (the API authenticates itself) need no session or user lookup.
        if not request.path.startswith(self.PUBLIC_PREFIXES) and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        return self.get_response(request)
