import csv
import io

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from casework.cases.selectors import risk_categories_for
from casework.core import clock
from casework.core.charts import chart_context
from casework.core.errors import PermissionRefused
from casework.core.pages import run_form_service
from casework.core.permissions import has_perm
from casework.reporting import ascof as ascof_module
from casework.reporting import dashboard as dashboard_module
from casework.reporting import hit_rate as hit_rate_module
from casework.reporting.exports import stream_csv
from casework.reporting.forms import DashboardFilterForm, HitRateFilterForm, PopulationUploadForm
from casework.reporting.models import PopulationEstimate
from casework.reporting.policies import hit_rate_initiative_ids
from casework.reporting.services import population_load


@require_GET
def case_snapshot_csv(request):
    """Download the case index the user may see, streamed as CSV."""
    scope = request.GET.get("scope", "organisation")
    try:
        rows, filename = stream_csv(user=request.user, scope=scope)
    except PermissionRefused as error:
        raise PermissionDenied(error.message) from None
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def _hit_rate_initiative(request) -> int:
    ids = hit_rate_initiative_ids(request.user)
    if not ids:
        raise PermissionDenied(
            "Only the lead organisation's initiative admins and risk analysts see the hit rate."
        )
    return min(ids)


def _hit_rate_form(request, initiative_id: int) -> HitRateFilterForm:
    return HitRateFilterForm(request.GET or None, categories=risk_categories_for(initiative_id=initiative_id))


@require_GET
def hit_rate(request):
    """The risk index's hit rate and miss rate, overall, over time (chart and table), by category and area."""
    initiative_id = _hit_rate_initiative(request)
    form = _hit_rate_form(request, initiative_id)
    try:
        report = hit_rate_module.hit_rate_for_user(
            user=request.user, initiative_id=initiative_id, filters=form.filters()
        )
    except PermissionRefused as error:
        raise PermissionDenied(error.message) from None
    chart = chart_context(
        chart_id="hit-rate-chart",
        caption="Hit rate and miss rate by the month cases were raised",
        labels=[month for month, _ in report.by_month],
        series=[
            ("Hit rate", [_pct(f.hit_rate) for _, f in report.by_month]),
            ("Miss rate", [_pct(f.miss_rate) for _, f in report.by_month]),
        ],
        first_column="Month raised",
        unit="%",
    )
    return render(
        request,
        "reporting/hit_rate.html",
        {
            "form": form,
            "report": report,
            "chart": chart,
            "breakdowns": [
                ("By risk category", report.by_category, "Risk category"),
                ("By area", report.by_area, "Area"),
            ],
            "query": request.GET.urlencode(),
        },
    )


def _pct(rate: float | None) -> float | None:
    return None if rate is None else round(rate * 100, 1)


@require_GET
def hit_rate_export(request):
    """The pseudonymised export behind the figures, streamed as CSV."""
    initiative_id = _hit_rate_initiative(request)
    form = _hit_rate_form(request, initiative_id)
    try:
        lines = hit_rate_module.export_csv(
            user=request.user, initiative_id=initiative_id, filters=form.filters()
        )
    except PermissionRefused as error:
        raise PermissionDenied(error.message) from None
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="hit-rate-pseudonymised.csv"'
    response["Cache-Control"] = "no-store"
    return response


# --- Dashboards (ADR 24) -----------------------------------------------------------------------------------


def _chosen(request):
    """The dashboard the GET form asks for (of those the user may open), its form and its filters."""
    scopes = dashboard_module.dashboard_scopes_for(request.user)
    if not scopes:
        raise PermissionDenied(dashboard_module.REFUSED)
    probe = DashboardFilterForm(request.GET or None, scopes=scopes)
    scope = probe.scope()
    form = DashboardFilterForm(
        request.GET or None, scopes=scopes, teams=dashboard_module.dashboard_teams(scope)
    )
    if not request.GET:
        form.initial["dashboard"] = f"{scope.kind}:{scope.id}"
    return form, scope, form.filters()


def _dashboard(request):
    """The dashboard chosen, its form and its figures."""
    form, scope, filters = _chosen(request)
    try:
        report = dashboard_module.dashboard_for_user(
            user=request.user,
            scope=scope,
            filters=filters,
            today=clock.today(),
            links=dashboard_module.waiting_links(request.user, scope, filters),
        )
    except PermissionRefused as error:
        raise PermissionDenied(error.message) from None
    return form, report


@require_GET
def dashboard(request):
    """The dashboard: each figure a Chart.js chart with its data table beside it and its CSV."""
    form, report = _dashboard(request)
    query = request.GET.urlencode()
    figures = []
    for table in report.tables:
        chart = chart_context(
            chart_id=f"dashboard-{table.key.replace('_', '-')}",
            caption=table.title,
            labels=[row.label for row in table.rows],
            series=dashboard_module.chart_series(table),
            first_column=table.first_column,
            unit=table.unit,
            kind=table.kind,
        )
        figures.append({"table": table, "chart": chart})
    return render(
        request,
        "reporting/dashboard.html",
        {"form": form, "report": report, "figures": figures, "query": query},
    )


@require_GET
def dashboard_csv(request, key: str):
    """One figure's data table as CSV (the same filters as the page)."""
    _form, report = _dashboard(request)
    table = next((t for t in report.tables if t.key == key), None)
    if table is None:
        raise Http404("No such figure")
    buffer = io.StringIO()
    csv.writer(buffer).writerows(table.csv_rows())
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="dashboard-{key}.csv"'
    response["Cache-Control"] = "no-store"
    return response


# --- ASCOF (ADR 24) -----------------------------------------------------------------------------------------

_PERCENT_MEASURES = ("2A", "2E", "3D1a", "3D2a")


def _ascof(request):
    form, scope, filters = _chosen(request)
    try:
        report = ascof_module.ascof_for_user(
            user=request.user, scope=scope, filters=filters, today=clock.today()
        )
    except PermissionRefused as error:
        raise PermissionDenied(error.message) from None
    return form, report


@require_GET
def ascof(request):
    """The ASCOF measures: a table of each with its numerator and denominator, a chart of the percentages
    with its data table, the CSV, and (`?measure=`) the cases behind one measure the user may open."""
    form, report = _ascof(request)
    shown = [m for m in report.measures if m.key in _PERCENT_MEASURES]
    chart = chart_context(
        chart_id="ascof-chart",
        caption="ASCOF measures that are percentages",
        labels=[f"{m.key}: {m.title}" for m in shown],
        series=[("Per cent", [m.value for m in shown])],
        first_column="Measure",
        unit="%",
        kind="bar",
    )
    chosen = next((m for m in report.measures if m.key == request.GET.get("measure")), None)
    cases = (
        ascof_module.drill_through(user=request.user, measure=chosen, scope=report.scope) if chosen else []
    )
    query = request.GET.copy()
    query.pop("measure", None)
    return render(
        request,
        "reporting/ascof.html",
        {
            "form": form,
            "report": report,
            "chart": chart,
            "chosen": chosen,
            "cases": cases,
            "query": query.urlencode(),
            "may_load_population": has_perm(request.user, "reporting.load_population"),
        },
    )


@require_GET
def ascof_csv(request):
    """The measures' table as CSV (the same filters as the page)."""
    _form, report = _ascof(request)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Measure", "Title", "Numerator", "Denominator", "Value", "Unit", "Not computed because"])
    for m in report.measures:
        writer.writerow(
            [m.key, m.title, *("" if v is None else v for v in (m.numerator, m.denominator, m.value)), m.unit,
             m.missing]
        )  # fmt: skip
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="ascof-{report.start}-{report.end}.csv"'
    response["Cache-Control"] = "no-store"
    return response


def population(request):
    """The lead's initiative admin loads the ONS population (a CSV) the ASCOF 2B/2C rates are per."""
    ids = sorted(dashboard_module.dashboard_initiative_ids(request.user))
    if not ids:
        raise PermissionDenied("Only the lead organisation's initiative admins load the population.")
    initiative_id = ids[0]
    form = PopulationUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():

        def call(data):
            text = data["file"].read().decode("utf-8-sig", errors="replace")
            return population_load(user=request.user, initiative_id=initiative_id, text=text)

        if run_form_service(request, form, call, "The population has been loaded."):
            return redirect("reporting:population")
    return render(
        request,
        "reporting/population.html",
        {"form": form, "estimates": PopulationEstimate.objects.filter(initiative_id=initiative_id)},
    )
