"""The API root: /api/v1, django-ninja. Each app contributes a router from its api.py."""

from functools import wraps

import pydantic_core
from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.renderers import BaseRenderer
from ninja.responses import NinjaJSONEncoder
from ninja.security import HttpBearer, SessionAuth

from casework.accounts.middleware import mfa_pending_step
from casework.accounts.tokens import api_token_authenticate
from casework.cases.errors import WarningsNotAcknowledged
from casework.core.api import ErrorOut
from casework.core.errors import DomainError, PermissionRefused, RateLimited


class BearerToken(HttpBearer):
    """`Authorization: Bearer cw_…` from `manage.py issue_api_token USERNAME`."""

    def authenticate(self, request, token):
        # The address as django-axes reads it (set AXES_CLIENT_IP_CALLABLE behind a proxy), for both lockouts.
        user = api_token_authenticate(token, address=get_client_ip_address(request) or "unknown")
        if user is not None:
            request.user = user
        return user


TOKEN_LOCKOUT = (
    "Too many failed tokens from your address (CASEWORK_API_TOKEN_FAILURE_LIMIT within the "
    "cool-off): every request from it is refused until Retry-After seconds have passed, even "
    "with a valid token."
)


class CaseworkAPI(NinjaAPI):
    """The API root; its contract gives every operation a token may call the 429 of a locked-out address."""

    def get_openapi_schema(self, **kwargs):
        schema = super().get_openapi_schema(**kwargs)
        error = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}", mode="serialization")
        schema["components"]["schemas"].update({**error.pop("$defs", {}), "ErrorOut": error})
        content = {self.renderer.media_type: {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
        for operations in schema["paths"].values():
            for operation in operations.values():
                if not any(BearerToken.__name__ in needs for needs in operation.get("security", ())):
                    continue
                response = operation["responses"].setdefault(429, {"content": content})
                # An operation's own 429 (too many searches) keeps its description and gains this one; an
                # operation serving two methods is one dict, met twice.
                said = response.get("description", "Too Many Requests")
                if TOKEN_LOCKOUT not in said:
                    response["description"] = (
                        TOKEN_LOCKOUT if said == "Too Many Requests" else (f"{said}\n\n{TOKEN_LOCKOUT}")
                    )
                response["headers"] = {
                    "Retry-After": {
                        "description": "Seconds to wait before asking again",
                        "schema": {"type": "integer"},
                    }
                }
        return schema


class SignedInSession(SessionAuth):
    """The browser's session, once it has passed multi-factor sign-in where the user needs it (ADR 12)."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is not None and mfa_pending_step(request) is not None:
            return None
        return user


class JSONRenderer(BaseRenderer):
    """JSON written by pydantic-core (Rust): a 50-case page in a fifth of the time of json.dumps.

    Times come out in ISO 8601 with microseconds; anything it does not know goes through ninja's encoder.
    """

    media_type = "application/json"
    _fallback = staticmethod(NinjaJSONEncoder().default)

    def render(self, request, data, *, response_status: int) -> bytes:
        return pydantic_core.to_json(data, fallback=self._fallback)


def docs_for_signed_in_users(view):
    """The docs and the contract for signed-in users only, unless API_DOCS_PUBLIC (development's default)."""

    @wraps(view)
    def gated(request, *args, **kwargs):
        if not settings.API_DOCS_PUBLIC and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        return view(request, *args, **kwargs)

    return gated


api = CaseworkAPI(
    title="Casework API",
    version="1",
    description=(
        "Case management for adult social care and vulnerability support. Authenticate with "
        "`Authorization: Bearer <token>` (issue one with `python manage.py issue_api_token USERNAME`). "
        "The same services and access rules as the pages apply: 404 for what you may not know exists, "
        "403 for an action not allowed on a record you can see, 409 for a conflict or a refused move, "
        "422 for invalid input with the field named, 429 with Retry-After after too many failed tokens from "
        "your address or too many searches of the index (ADR 13)."
    ),
    auth=[BearerToken(), SignedInSession()],
    renderer=JSONRenderer(),
    urls_namespace="api-v1",
    docs_decorator=docs_for_signed_in_users,
)


def _error(
    request, status: int, message: str, field: str | None = None, by_field: dict[str, str] | None = None
):
    errors = [{"field": name, "message": text} for name, text in (by_field or {}).items()]
    if field and not errors:
        errors = [{"field": field, "message": message}]
    return api.create_response(request, {"detail": message, "errors": errors}, status=status)


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    return _error(request, exc.status_code, exc.message, exc.field, getattr(exc, "errors", None))


@api.exception_handler(RateLimited)
def rate_limited(request, exc: RateLimited):
    response = _error(request, 429, exc.message)
    response["Retry-After"] = str(exc.retry_after_seconds)
    return response


@api.exception_handler(WarningsNotAcknowledged)
def warnings_not_acknowledged(request, exc: WarningsNotAcknowledged):
    # 409 with the warnings, so the client can show them and send their codes back as `acknowledge`.
    errors = [{"field": "acknowledge", "message": warning.message} for warning in exc.warnings]
    warnings = [warning.as_dict() for warning in exc.warnings]
    return api.create_response(
        request, {"detail": exc.message, "errors": errors, "warnings": warnings}, status=409
    )


@api.exception_handler(PermissionRefused)
def permission_refused(request, exc: PermissionRefused):
    return _error(request, 403, exc.message)


@api.exception_handler(Http404)
def not_found(request, exc):
    return _error(request, 404, "Not found")


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return _error(request, 401, "Send a valid token: Authorization: Bearer <token>")


@api.exception_handler(RequestDataTooBig)
def body_too_large(request, exc):
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return _error(request, 413, f"The request body is larger than the {limit // 1024} KB allowed")


@api.exception_handler(NinjaValidationError)
def invalid_input(request, exc: NinjaValidationError):
    errors = []
    for error in exc.errors:
        location = [
            str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path", "payload")
        ]
        errors.append({"field": ".".join(location) or None, "message": error.get("msg", "Invalid value")})
    return api.create_response(
        request, {"detail": "The request has invalid fields", "errors": errors}, status=422
    )


api.add_router("/people", "casework.people.api.router")
api.add_router("/cases", "casework.cases.api.router")
api.add_router("/contacts", "casework.contacts.api.router")
api.add_router("/tasks", "casework.tasks.api.router")
api.add_router("/directory", "casework.directory.api.router")
api.add_router("/safeguarding", "casework.safeguarding.api.router")
api.add_router("/assessments", "casework.assessments.api.router")
api.add_router("/careact", "casework.careact.api.router")
api.add_router("/waiting-list", "casework.waiting_list.api.router")
api.add_router("/consents", "casework.consent.api.router")
api.add_router("/referrals", "casework.referrals.api.router")
api.add_router("/letters", "casework.letters.api.router")
api.add_router("/risk", "casework.risk.api.router")
