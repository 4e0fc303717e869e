"""The Client Level Data return: validate it, preview what DHSC will count, download it (ADR 27)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from casework.accounts.models import Organisation
from casework.core import clock
from casework.core.errors import PermissionRefused
from casework.reporting import cld_lists
from casework.reporting.cld import cld_csv_for_user, cld_report, cld_submission_get_for_user
from casework.reporting.cld_forms import CldForm
from casework.reporting.policies import cld_organisation_ids

PROBLEMS_SHOWN = 200


def _form(request: HttpRequest) -> CldForm:
    ids = cld_organisation_ids(request.user)
    if not ids:
        raise PermissionDenied("Only an organisation's admins prepare its Client Level Data return.")
    organisations = list(Organisation.objects.filter(pk__in=ids).order_by("name").values_list("pk", "name"))
    data = request.GET if "quarter_end" in request.GET else None
    return CldForm(data, organisations=organisations, today=clock.today())


@require_GET
def cld_return(request: HttpRequest) -> HttpResponse:
    """Choose a quarter; see the validation report (each record to fix) and what DHSC will count."""
    form = _form(request)
    report = None
    if form.is_bound and form.is_valid():
        try:
            submission = cld_submission_get_for_user(
                user=request.user,
                organisation_id=form.cleaned_data["organisation"],
                quarter_end=form.cleaned_data["quarter_end"],
            )
        except PermissionRefused as error:
            raise PermissionDenied(error.message) from None
        report = cld_report(submission)
    return render(
        request,
        "reporting/cld.html",
        {
            "form": form,
            "report": report,
            "problems": report.problems[:PROBLEMS_SHOWN] if report else [],
            "problems_hidden": max(len(report.problems) - PROBLEMS_SHOWN, 0) if report else 0,
            "unverified": cld_lists.UNVERIFIED_LISTS,
            "query": request.GET.urlencode(),
        },
    )


@require_GET
def cld_download(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """The return as CSV, streamed: one row per event."""
    form = _form(request)
    if not form.is_valid():
        return render(request, "reporting/cld.html", {"form": form, "report": None}, status=400)
    organisation_id, quarter_end = form.cleaned_data["organisation"], form.cleaned_data["quarter_end"]
    try:
        rows = cld_csv_for_user(user=request.user, organisation_id=organisation_id, quarter_end=quarter_end)
    except PermissionRefused as error:
        raise PermissionDenied(error.message) from None
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    filename = f"cld-{organisation_id}-{quarter_end.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
