"""The directory's screens and its Open Referral UK 3.0 endpoints.

The ORUK endpoints are open (no sign-in, no key), GET only, and every response carries
`Access-Control-Allow-Origin: *`, errors included, as the profile's compliance rules ask. The Find a service
pages are for signed-in users (the sign-in middleware sees to that).
"""

from __future__ import annotations

import functools
import logging
import math
import uuid
from collections.abc import Callable
from typing import Any

from django.core import signals
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from casework.core import limits
from casework.directory import oruk, selectors
from casework.directory.choices import OPEN_STATUSES
from casework.directory.forms import ServiceSearchForm
from casework.directory.selectors import ServiceFilters

logger = logging.getLogger(__name__)

SEARCH_PAGE_SIZE = 20
ORUK_DEFAULT_PER_PAGE = 50
ORUK_MAX_PER_PAGE = 100
ORUK_METHODS = "GET, HEAD, OPTIONS"


# ---------------------------------------------------------------------------
# Find a service (pages)
# ---------------------------------------------------------------------------


@require_safe
def service_search(request):
    form = ServiceSearchForm(request.GET or None)
    page = page_range = None
    if not form.is_bound or form.is_valid():
        data = form.cleaned_data if form.is_bound else {}
        filters = ServiceFilters(
            text=data.get("q", ""),
            need=data.get("need", ""),
            area=data.get("area", ""),
            age=data.get("age"),
            statuses=OPEN_STATUSES,
        )
        services = selectors.service_list_for_cards(selectors.service_search(filters=filters))
        paginator = Paginator(services, SEARCH_PAGE_SIZE)
        page = paginator.get_page(request.GET.get("page"))
        if paginator.num_pages > 1:
            page_range = list(paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1))
    is_htmx = bool(request.headers.get("HX-Request")) and not request.headers.get(
        "HX-History-Restore-Request"
    )
    template = "directory/_service_results.html" if is_htmx else "directory/service_search.html"
    response = render(
        request,
        template,
        {"form": form, "page": page, "page_range": page_range, "searched": form.is_bound, "is_htmx": is_htmx},
    )
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_safe
def service_detail(request, service_id: uuid.UUID):
    service = selectors.service_get(service_id=service_id)
    return render(request, "directory/service_detail.html", {"service": service})


# ---------------------------------------------------------------------------
# Open Referral UK 3.0 endpoints
# ---------------------------------------------------------------------------


class BadParameters(Exception):
    def __init__(self, errors: list[dict[str, str]]):
        super().__init__("The request has invalid parameters")
        self.errors = errors


def _json_error(status: int, detail: str, errors: list[dict[str, str]] | None = None) -> JsonResponse:
    return JsonResponse({"detail": detail, "errors": errors or []}, status=status)


def oruk_endpoint(view: Callable[..., Any]) -> Callable[..., HttpResponse]:
    """Open, read-only, CORS-enabled: GET and HEAD answer, OPTIONS is a preflight, anything else a 405."""

    @csrf_exempt  # nothing here changes anything; a 405 is the right answer to a POST, not a CSRF 403
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = ORUK_METHODS
            response["Access-Control-Allow-Headers"] = "Accept, Content-Type"
            response["Access-Control-Max-Age"] = "86400"
            response["Allow"] = ORUK_METHODS
        elif request.method not in ("GET", "HEAD"):
            response = _json_error(405, f"{request.method} is not allowed: this directory is read-only")
            response["Allow"] = ORUK_METHODS
        else:
            try:
                data = view(request, *args, **kwargs)
                response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
            except Http404 as error:
                response = _json_error(404, str(error) or "Not found")
            except BadParameters as error:
                response = _json_error(400, str(error), error.errors)
            except Exception:
                # Django's own handler would answer without the CORS header; tell its listeners all the same.
                logger.exception("Open Referral endpoint failed: %s", request.path)
                signals.got_request_exception.send(sender=None, request=request)
                response = _json_error(500, "Something went wrong")
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return wrapper


class _Params:
    """Query parameters read one by one, collecting every error before answering 400."""

    def __init__(self, request):
        self.query = request.GET
        self.errors: list[dict[str, str]] = []

    def _fail(self, name: str, message: str) -> None:
        self.errors.append({"field": name, "message": message})

    def text(self, name: str) -> str:
        value = " ".join(self.query.get(name, "").split())
        if limits.has_nul(value) or len(value) > limits.NAME_LENGTH:
            self._fail(name, f"{name} must be text of {limits.NAME_LENGTH} characters or fewer")
            return ""
        return value

    def integer(self, name: str, default: int, *, minimum: int, maximum: int | None = None) -> int:
        raw = self.query.get(name, "").strip()
        if not raw:
            return default
        try:
            value = int(raw)
        except ValueError:
            self._fail(name, f"{name} must be a whole number")
            return default
        if value < minimum:
            self._fail(name, f"{name} must be {minimum} or more")
            return default
        if maximum is not None and value > maximum:
            self._fail(name, f"{name} must be {maximum} or less")
            return default
        return value

    def number(self, name: str) -> float | None:
        raw = self.query.get(name, "").strip()
        if not raw:
            return None
        try:
            value = float(raw)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            self._fail(name, f"{name} must be a number")
            return None
        return value

    def uuid(self, name: str) -> uuid.UUID | None:
        raw = self.query.get(name, "").strip()
        if not raw:
            return None
        try:
            return uuid.UUID(raw)
        except ValueError:
            self._fail(name, f"{name} must be a UUID")
            return None

    def district(self, name: str) -> str | None:
        raw = self.text(name)
        if not raw:
            return None
        district = selectors.area_district(raw)
        if district is None:
            self._fail(name, f"{name} must be a UK postcode or postcode district, like RG40 1AA or RG40")
        return district

    def paging(self) -> tuple[int, int]:
        return (
            self.integer("page", 1, minimum=1, maximum=limits.MAX_PAGE),
            # More than the most is served as the most: the page's size and total_pages say what was done.
            min(self.integer("per_page", ORUK_DEFAULT_PER_PAGE, minimum=1), ORUK_MAX_PER_PAGE),
        )

    def service_filters(self) -> ServiceFilters:
        # start_time, end_time and day are accepted, not applied: opening times are kept as the feed's text.
        return ServiceFilters(
            text=self.text("search"),
            taxonomy_term=self.text("taxonomy_term_id"),
            taxonomy_id=self.uuid("taxonomy_id"),
            organization_id=self.uuid("organization_id"),
            minimum_age=self.number("minimum_age"),
            maximum_age=self.number("maximum_age"),
        )

    def check(self) -> None:
        if self.errors:
            raise BadParameters(self.errors)


def _page(qs, serialise, page_number: int, per_page: int) -> dict[str, Any]:
    total = qs.count()
    start = (page_number - 1) * per_page
    rows = list(qs[start : start + per_page]) if start < total else []
    return oruk.page(rows, serialise, total=total, page_number=page_number, per_page=per_page)


@oruk_endpoint
def oruk_api_info(request):
    return oruk.api_info()


@oruk_endpoint
def oruk_service_list(request):
    params = _Params(request)
    filters = params.service_filters()
    page_number, per_page = params.paging()
    params.check()
    return _page(
        selectors.service_search(filters=filters),
        functools.partial(oruk.service, full=False),
        page_number,
        per_page,
    )


@oruk_endpoint
def oruk_service_detail(request, pk: str):
    return oruk.service(selectors.service_get(service_id=pk))


@oruk_endpoint
def oruk_service_at_location_list(request):
    params = _Params(request)
    filters = params.service_filters()
    district = params.district("postcode")
    params.number(
        "proximity"
    )  # accepted, not applied: the directory has no postcode centroids to measure from
    page_number, per_page = params.paging()
    params.check()
    return _page(
        selectors.service_at_location_search(filters=filters, district=district),
        functools.partial(oruk.service_at_location, full=False),
        page_number,
        per_page,
    )


@oruk_endpoint
def oruk_service_at_location_detail(request, pk: str):
    return oruk.service_at_location(selectors.service_at_location_get(service_at_location_id=pk))


@oruk_endpoint
def oruk_taxonomy_list(request):
    params = _Params(request)
    page_number, per_page = params.paging()
    params.check()
    return _page(selectors.taxonomy_list(), oruk.taxonomy, page_number, per_page)


@oruk_endpoint
def oruk_taxonomy_detail(request, pk: str):
    taxonomy, terms = selectors.taxonomy_get(taxonomy_id=pk)
    return oruk.taxonomy(taxonomy, terms)


@oruk_endpoint
def oruk_taxonomy_term_list(request):
    params = _Params(request)
    taxonomy_id, parent_id = params.uuid("taxonomy_id"), params.uuid("parent_id")
    search = params.text("search")
    page_number, per_page = params.paging()
    params.check()
    qs = selectors.taxonomy_term_list(taxonomy_id=taxonomy_id, parent_id=parent_id, search=search)
    return _page(qs, oruk.taxonomy_term, page_number, per_page)


@oruk_endpoint
def oruk_taxonomy_term_detail(request, pk: str):
    return oruk.taxonomy_term(selectors.taxonomy_term_get(term_id=pk))


@oruk_endpoint
def oruk_not_found(request):
    raise Http404("No such Open Referral UK endpoint")
