"""What every page view does the same way: refuse with a 403, paginate a list and answer htmx with its
results, run a service from a form or from a button."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from casework.core.errors import DomainError, PermissionRefused
from casework.core.forms import apply_service_error
from casework.core.permissions import require_perm
from casework.core.querysets import Pager


def require_page_perm(user, name: str, obj: Any = None, message: str | None = None) -> None:
    """require_perm for a page: a refusal becomes Django's 403 page with the message."""
    try:
        require_perm(user, name, obj, message)
    except PermissionRefused as error:
        raise PermissionDenied(error.message) from None


def paginate(request, queryset, per_page: int = 25, count: int | None = None) -> tuple[Page, list]:
    """The requested page, and the GOV.UK elided page range (empty when there is one page). Give `count` when
    it is already known, to save counting again."""
    shown = Pager.of_request(request, size=per_page, count=count).cut(queryset)
    return cast(Page, shown.page), shown.page_range


def list_filter_data(request, default_sort: str):
    """The list's filters as the query string gives them, sorted by `default_sort` unless it says."""
    data = request.GET.copy()
    if not data.get("sort"):
        data["sort"] = default_sort
    return data


def render_list(request, template: str, partial: str, context: dict):
    """The whole page, or only the results when htmx asks (the filter form updates the results in place)."""
    # A history restore (the back button after hx-push-url, cache missed) wants the whole page.
    is_htmx = bool(request.headers.get("HX-Request")) and not request.headers.get(
        "HX-History-Restore-Request"
    )
    response = render(request, partial if is_htmx else template, {**context, "is_htmx": is_htmx})
    patch_vary_headers(response, ["HX-Request"])
    return response


def run_form_service(
    request,
    form,
    call: Callable[[dict], Any],
    success: str | Callable[[], str] | None,
    fields: dict[str, str] | None = None,
) -> bool:
    """Call the service with the form's data; put a refusal on the form (each field's on its field, `fields`
    mapping the service's names to the form's), or a 403 page for a refusal of the user. True when it worked,
    with the success message (if any: None for a page that says nothing, a search) shown on the next page.

    A call whose result the page needs keeps it itself: `lambda d: made.append(service(...))`."""
    try:
        call(form.cleaned_data)
    except DomainError as error:
        apply_service_error(form, error, fields)
        return False
    except PermissionRefused as error:
        raise PermissionDenied(error.message) from None
    if success is not None:
        messages.success(request, success() if callable(success) else success)
    return True


def run_action_service(request, call: Callable[[], Any], success: str | Callable[[], str] | None) -> bool:
    """A one-button action, with no form to put a refusal on: the refusal becomes an error message on the
    page the view goes to next, or a 403 page for a refusal of the user. True when it worked, with the
    success message (if any) shown on the next page."""
    try:
        call()
    except DomainError as error:
        messages.error(request, error.message)
        return False
    except PermissionRefused as error:
        raise PermissionDenied(error.message) from None
    if success is not None:
        messages.success(request, success() if callable(success) else success)
    return True
