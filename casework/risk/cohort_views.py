"""The cohort's pages for the lead's initiative admins and risk analysts: generate one from a risk model
version, and see it by category and area, a page of people at a time (recorded: who saw which)."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from casework.core.pages import paginate, run_action_service
from casework.risk import cohort_selectors, cohort_services, selectors


@require_POST
def cohort_generate(request, version_id: int):
    model_version = selectors.risk_model_version_get_for_user(user=request.user, version_id=version_id)
    made = {}

    def call() -> None:
        made["cohort"] = cohort_services.cohort_start(user=request.user, model_version=model_version)

    if run_action_service(request, call, "The cohort is being generated."):
        return redirect(made["cohort"])
    return redirect(model_version)


def cohort_detail(request, cohort_id: int):
    cohort = cohort_selectors.cohort_get_for_user(user=request.user, cohort_id=cohort_id)
    category = request.GET.get("category", "")[:40]
    area = request.GET.get("area", "")[:8]
    rows = cohort_selectors.cohort_rows_for_user(
        user=request.user, cohort=cohort, category=category, area=area
    )
    page, page_range = paginate(request, rows)
    cohort_selectors.cohort_rows_viewed(user=request.user, cohort=cohort, rows=list(page))
    return render(
        request,
        "risk/cohort_detail.html",
        {
            "cohort": cohort,
            "table": cohort_selectors.cohort_table(cohort=cohort),
            "page": page,
            "page_range": page_range,
            "category": category,
            "area": area,
        },
    )


@require_POST
def cohort_raise_cases(request, cohort_id: int):
    """Raise cases from the cohort (all, or the category and area chosen on the page)."""
    cohort = cohort_selectors.cohort_get_for_user(user=request.user, cohort_id=cohort_id)
    category = request.POST.get("category", "")[:40]
    area = request.POST.get("area", "")[:8]
    done = {}

    def call() -> None:
        done.update(
            cohort_services.cohort_raise_cases(user=request.user, cohort=cohort, category=category, area=area)
        )

    run_action_service(
        request,
        call,
        lambda: (
            f"{done['raised']} cases raised ({done['allocated']} routed to an organisation); "
            f"{done['already_open']} people already had an open case."
        ),
    )
    return redirect(cohort)
