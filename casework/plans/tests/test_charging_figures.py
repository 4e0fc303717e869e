"""An organisation's charging figures: the organisation admin changes a figure or confirms it, which makes a
new audited version; assessments completed before keep the figures they used, later ones use the new ones."""

from __future__ import annotations

from decimal import Decimal

import pytest

from casework.accounts.choices import OrganisationType
from casework.audit.models import AuditEvent
from casework.core import clock
from casework.core.errors import ConflictError, PermissionRefused, ValidationFailed
from casework.plans import figures_selectors as selectors
from casework.plans import figures_services, services
from casework.plans.charging.calculator import AssessmentInput, Household, IncomeItem, IncomeKind, Path
from casework.plans.charging.rates import table_for
from casework.plans.figures_models import ChargingFigures
from casework.plans.models import FinancialAssessment

pytestmark = pytest.mark.django_db
URL = "/public/what-might-i-pay"

INPUTS = AssessmentInput(
    path=Path.NON_RESIDENTIAL,
    household=Household(age=30),
    income=(IncomeItem(IncomeKind.EMPLOYMENT_SUPPORT, Decimal("250")),),
    weekly_cost_of_care=Decimal("500"),
)


def _assess(world, case):
    record = services.financial_assessment_start(
        user=world.practitioner,
        case=case,
        replaces_id=FinancialAssessment.objects.filter(case=case, superseded_at__isnull=True)
        .values_list("pk", flat=True)
        .first(),
    )
    return services.financial_assessment_complete(
        user=world.practitioner, assessment=record, version=record.version, data=INPUTS
    )


def test_a_changed_figure_is_a_new_version_and_past_assessments_keep_theirs(world, case):
    year = table_for(clock.today()).tax_year
    first = _assess(world, case)
    seeded = table_for(clock.today()).mig_single_25_plus.amount
    assert selectors.rate_table_for_organisation(organisation_id=world.county.pk, tax_year=year)[1] == 0
    made = figures_services.charging_figures_set(
        user=world.org_admin,
        organisation_id=world.county.pk,
        tax_year=year,
        number=0,
        figures={"mig_single_25_plus": (seeded - 10, False), "minimum_charge": (Decimal("1.25"), False)},
        reason="Our own guarantee",
    )
    assert made is not None and made.number == 1
    table, number = selectors.rate_table_for_organisation(organisation_id=world.county.pk, tax_year=year)
    assert number == 1 and table.mig_single_25_plus.amount == seeded - 10
    assert "minimum_charge" not in table.to_confirm()
    event = AuditEvent.objects.get(verb="plans.charging_figures_changed")
    assert event.changes["mig_single_25_plus"]["after"]["amount"] == str(seeded - 10)
    second = _assess(world, case)
    first.refresh_from_db()
    assert second.weekly_charge == first.weekly_charge + 10
    # Each assessment names the version of the figures it used (0: as seeded), in the record and the API.
    assert (first.figures_version, second.figures_version) == (0, 1)
    assert first.tax_year == second.tax_year == year
    kept = [line for line in first.lines if "25" in line["label"] and line["section"] == "allowances"]
    assert not kept or all(Decimal(line["amount"]) != seeded - 10 for line in kept)
    with pytest.raises(ConflictError):
        figures_services.charging_figures_set(
            user=world.org_admin,
            organisation_id=world.county.pk,
            tax_year=year,
            number=0,
            figures={"taper_percent": (Decimal("90"), False)},
        )
    assert ChargingFigures.objects.count() == 1


def test_bad_figures_and_other_people_change_nothing(world):
    year = table_for(clock.today()).tax_year
    with pytest.raises(ValidationFailed):
        figures_services.charging_figures_set(
            user=world.org_admin,
            organisation_id=world.county.pk,
            tax_year=year,
            number=0,
            figures={"minimum_charge": (Decimal("-1"), False)},
        )
    with pytest.raises(ValidationFailed):
        figures_services.charging_figures_set(
            user=world.org_admin,
            organisation_id=world.county.pk,
            tax_year=year,
            number=0,
            figures={"no_such_figure": (Decimal("1"), False)},
        )
    with pytest.raises(PermissionRefused):
        figures_services.charging_figures_set(
            user=world.practitioner,
            organisation_id=world.county.pk,
            tax_year=year,
            number=0,
            figures={"minimum_charge": (Decimal("2"), False)},
        )
    assert not ChargingFigures.objects.exists()


def test_the_admin_page_saves_a_new_version(login, world):
    client = login(world.org_admin)
    page = client.get("/plans/charging/figures")
    assert page.status_code == 200 and "still to confirm" in page.content.decode()
    form = page.context["form"]
    body = {name: str(field.initial) for name, field in form.fields.items() if name in form.names}
    body |= {f"{name}__to_confirm": "on" for name in form.names if form.fields[f"{name}__to_confirm"].initial}
    body |= {"number": "0", "minimum_charge": "2.50"}
    body.pop("minimum_charge__to_confirm", None)
    assert client.post("/plans/charging/figures", body).status_code == 302
    saved = ChargingFigures.objects.get()
    assert saved.figures["minimum_charge"] == {"amount": "2.50", "to_confirm": False}
    bad = client.post("/plans/charging/figures", body | {"number": "1", "minimum_charge": "lots"})
    assert bad.status_code == 200 and "govuk-error-summary" in bad.content.decode()
    assert login(world.practitioner).get("/plans/charging/figures").status_code == 403


def test_the_public_calculator_uses_the_chosen_councils_figures_and_matches_the_workers_assessment(
    client, world, case
):
    """The same inputs give the same answer in the public calculator (the council chosen) as in the worker's
    assessment on a case the council holds; with no council chosen, the national figures."""
    world.county.organisation_type = OrganisationType.LOCAL_AUTHORITY
    world.county.save()
    year = table_for(clock.today()).tax_year
    seeded = table_for(clock.today()).mig_single_25_plus.amount
    figures_services.charging_figures_set(
        user=world.org_admin,
        organisation_id=world.county.pk,
        tax_year=year,
        number=0,
        figures={"mig_single_25_plus": (seeded - 10, False)},
        reason="Our own guarantee",
    )
    worker = _assess(world, case)
    answers = {
        "path": "non_residential",
        "age": "30",
        "employment_support": "250",
        "weekly_cost_of_care": "500",
    }
    councils = client.get(URL)
    html = councils.content.decode()
    assert world.county.name in html and world.district.name not in html  # only local authorities
    own = client.post(URL, {**answers, "council": str(world.county.pk)}).content.decode()
    assert f"You might pay £{worker.weekly_charge} a week" in own
    assert f"{world.county.name}’s financial assessment" in own.replace("&#x27;", "’")
    national = client.post(URL, answers).content.decode()
    assert f"You might pay £{worker.weekly_charge - 10} a week" in national
    # The council in the address chooses it up front; an unknown one is ignored there, refused when posted.
    linked = client.get(URL, {"council": world.county.pk}).content.decode()
    assert f'<option value="{world.county.pk}" selected>' in linked
    assert client.get(URL, {"council": "nonsense"}).status_code == 200
    refused = client.post(URL, {**answers, "council": str(world.district.pk)}).content.decode()
    assert "Select your council from the list" in refused and "You might pay" not in refused
