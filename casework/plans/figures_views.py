"""The organisation admin's charging figures: the rate table's figures for a tax year, editable, each marked
"to confirm" until checked; saving makes a new version (figures_services.py)."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from casework.accounts.pages import admin_organisation_id
from casework.core import clock
from casework.core.pages import run_form_service
from casework.plans import figures_selectors as selectors
from casework.plans import figures_services as services
from casework.plans.charging.rates import TABLES, table_for
from casework.plans.figures_forms import ChargingFiguresForm


@require_http_methods(["GET", "POST"])
def charging_figures(request):
    """The figures of a tax year (?year=2026-27; default: the year in force today) and their versions."""
    organisation_id = admin_organisation_id(request.user, services.REFUSED)
    years = sorted(TABLES)
    asked = (request.GET.get("year") or "").replace("-", "/")
    try:
        tax_year = asked if asked in TABLES else table_for(clock.today()).tax_year
    except LookupError:
        tax_year = years[-1]
    table, number = selectors.rate_table_for_organisation(organisation_id=organisation_id, tax_year=tax_year)
    form = ChargingFiguresForm(request.POST or None, table=table, initial={"number": number})
    if (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            request,
            form,
            lambda data: services.charging_figures_set(
                user=request.user,
                organisation_id=organisation_id,
                tax_year=tax_year,
                number=data["number"],
                figures=form.figures(),
                reason=data["reason"],
            ),
            f"The charging figures for {tax_year} have been saved as a new version.",
        )
    ):
        return redirect(request.get_full_path())
    return render(
        request,
        "plans/figures/charging_figures.html",
        {
            "form": form,
            "tax_year": tax_year,
            "years": [(year, year.replace("/", "-")) for year in years],
            "number": number,
            "to_confirm": table.to_confirm(),
            "versions": selectors.charging_figures_versions(
                organisation_id=organisation_id, tax_year=tax_year
            ),
        },
    )
