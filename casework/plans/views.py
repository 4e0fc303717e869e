"""Pages of support planning. The public "What might I pay?" calculator needs no sign-in, stores nothing."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from casework.core import clock
from casework.plans.charging.calculator import assess
from casework.plans.charging.rates import table_for
from casework.plans.forms import WhatMightIPayForm

SECTIONS = (
    ("capital", "Your capital"),
    ("income", "Your income"),
    ("allowances", "What is left for you to live on"),
    ("charge", "What you might pay"),
)


@require_http_methods(["GET", "POST"])
def what_might_i_pay(request):
    """The calculator: the same engine and rate table as a worker's financial assessment."""
    form = WhatMightIPayForm(request.POST or None)
    table = table_for(clock.today())
    result = None
    if request.method == "POST" and form.is_valid():
        result = assess(form.assessment_input(), table)
    sections = (
        [(title, [line for line in result.lines if line.section == key]) for key, title in SECTIONS]
        if result
        else []
    )
    return render(
        request,
        "plans/what_might_i_pay.html",
        {"form": form, "result": result, "sections": sections, "table": table},
    )
