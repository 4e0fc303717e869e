"""The API root: /api/v1, django-ninja. Each app contributes a router from its api.py."""

from functools import wraps
from http import HTTPStatus

import pydantic_core
from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
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


def _authenticated(operation: dict, schema: dict) -> bool:
    return any(BearerToken.__name__ in needs for needs in operation.get("security", ()))


def _takes_a_body(operation: dict, schema: dict) -> bool:
    return "requestBody" in operation


def _takes_input(operation: dict, schema: dict) -> bool:
    return bool(operation.get("parameters")) or "requestBody" in operation


def _writes(operation: dict, schema: dict) -> bool:
    return operation["method"] != "get"


def _names_a_record(operation: dict, schema: dict) -> bool:
    """Whether the operation is about records the client names: in its path, or by ids (`…_id`, `…_ids`) in
    its query or body, which it may not find or may not be allowed to know exist."""
    named = [(p["name"], p["in"] == "path") for p in operation.get("parameters", ())]
    for content in operation.get("requestBody", {}).get("content", {}).values():
        named += [(name, False) for name in _property_names(schema, content.get("schema", {}), set())]
    return any(in_path or name.endswith(("_id", "_ids")) for name, in_path in named)


def _property_names(schema: dict, node: dict, seen: set) -> list[str]:
    ref = node.get("$ref")
    if ref:
        if ref in seen:
            return []
        seen.add(ref)
        node = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    names = list(node.get("properties", {}))
    children = [*node.get("properties", {}).values(), *node.get("anyOf", ()), *node.get("allOf", ())]
    if isinstance(node.get("items"), dict):
        children.append(node["items"])
    for child in children:
        names += _property_names(schema, child, seen)
    return names


# The error answers an operation may give, each with the one error body (ErrorOut), and which operations may
# give it: (status, description, applies(operation, schema)). An operation's own documented answer of a status
# keeps its description and schema (tests/api/test_api_error_contract.py checks it is the error body too).
ERROR_ANSWERS = (
    (400, "The body is not JSON: nothing was read or changed.", _takes_a_body),
    (401, "No token, or not a live one: send `Authorization: Bearer <token>`.", _authenticated),
    (403, "You may see the record but may not do this to it; the detail says why.", _authenticated),
    (404, "No such record, or none you may know exists (the same answer for both).", _names_a_record),
    (
        409,
        "A conflict, nothing changed: the record changed since you read it (send its current version), or "
        "its state refuses the change; the detail says which.",
        _writes,
    ),
    (
        413,
        "The body is larger than the server takes (DATA_UPLOAD_MAX_MEMORY_SIZE): nothing was read.",
        _takes_a_body,
    ),
    (422, "Invalid input, nothing changed: `errors` names each field at fault.", _takes_input),
)


class CaseworkAPI(NinjaAPI):
    """The API root; its contract gives every operation each error answer it may give (ERROR_ANSWERS), all
    with the one error body, and every operation a token may call the 429 of a locked-out address."""

    def get_openapi_schema(self, **kwargs):
        schema = super().get_openapi_schema(**kwargs)
        error = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}", mode="serialization")
        schema["components"]["schemas"].update({**error.pop("$defs", {}), "ErrorOut": error})
        content = {self.renderer.media_type: {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
        for operations in schema["paths"].values():
            for method, operation in operations.items():
                described = {**operation, "method": method}
                for status, description, applies in ERROR_ANSWERS:
                    if applies(described, schema):
                        answer = operation["responses"].setdefault(status, {"content": content})
                        # ninja describes an answer an operation declares by its reason phrase alone.
                        if answer.get("description", HTTPStatus(status).phrase) == HTTPStatus(status).phrase:
                            answer["description"] = description
                        answer.setdefault("content", content)
                if _authenticated(operation, schema):
                    self._locked_out_answer(operation, content)
            # A path's operations are sorted by status, as ninja writes its own.
            for operation in operations.values():
                operation["responses"] = dict(sorted(operation["responses"].items(), key=lambda i: int(i[0])))
        return schema

    @staticmethod
    def _locked_out_answer(operation: dict, content: dict) -> None:
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


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    # ninja's own refusals (a body that is not JSON: 400), in the one error body rather than ninja's.
    return _error(request, exc.status_code, exc.message)


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
# Allocation acts on cases at their own paths; first, so that /cases/allocate-unallocated is not a case id.
api.add_router("/cases", "casework.allocation.api.router")
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
api.add_router("/risk/hit-rate", "casework.reporting.api.router")
api.add_router("/reporting", "casework.reporting.api.dashboard_router")
api.add_router("/plans", "casework.plans.api.router")
api.add_router("/subject-access", "casework.subjectaccess.api.router")
api.add_router("/retention", "casework.retention.api.router")
