"""The report of services charged for without a completed financial assessment (no surprise bills)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from casework.core import clock
from casework.core.errors import PermissionRefused
from casework.core.pages import paginate
from casework.plans.backlog_selectors import charging_backlog_list_for_user


@require_GET
def charging_backlog(request: HttpRequest) -> HttpResponse:
    try:
        backlog = charging_backlog_list_for_user(user=request.user)
    except PermissionRefused as error:
        raise PermissionDenied(error.message) from None
    page, page_range = paginate(request, backlog.services, per_page=50)
    return render(
        request,
        "plans/charging_backlog.html",
        {"page": page, "page_range": page_range, "today": clock.today()},
    )
