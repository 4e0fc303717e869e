"""The public page of an initiative: how it identifies people who may need support (no sign-in, no personal
data): its sources, factors, rules, categories and how long data is kept."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from casework.risk import cohort_selectors


@require_GET
def how_we_identify(request, initiative_id: int):
    explanation = cohort_selectors.public_explanation(initiative_id=initiative_id)
    return render(request, "risk/how_we_identify.html", {"explanation": explanation})
