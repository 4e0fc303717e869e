"""The ASCOF page (ADR 24) on casework records with known answers: the team manager's measures and the cases
behind them, the lead's initiative without names and with small numbers hidden, who may see it, the CSV,
the ONS population upload, and a fixed number of queries."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework.audit.models import AccessEvent, AuditEvent
from casework.core.errors import PermissionRefused, ValidationFailed
from casework.plans.episode_models import EnablementEpisode
from casework.plans.models import FinancialAssessment
from casework.plans.support_models import SupportPlan, SupportService
from casework.reporting import ascof
from casework.reporting.dashboard import Filters, Scope
from casework.reporting.models import PopulationEstimate
from casework.reporting.services import parse_population_csv, population_load
from tests.factories import CaseFactory, PersonFactory

UTC = datetime.UTC
D = datetime.date
PERIOD = {"period_from": D(2025, 4, 1), "period_to": D(2026, 3, 31)}
TODAY = D(2026, 12, 6)


def _at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(10), tzinfo=UTC)


def _case(world, *, age: int, raised: datetime.date, organisation=None):
    born = D(2025 - age, 1, 1)
    person = PersonFactory(created_by_organisation=organisation or world.county, date_of_birth=born)
    return CaseFactory(
        person=person,
        allocated_team=world.team if organisation is None else None,
        raised_at=_at(raised),
        status="active",
    )


def _enablement(case, start, end, outcome, reason=""):
    return EnablementEpisode.objects.create(
        case=case,
        referral_source="community",
        started_on=start,
        planned_end_on=start + datetime.timedelta(days=42),
        ended_on=end,
        outcome=outcome,
        ended_early_reason=reason,
    )


def _plan(world, case, budget, start, number=1):
    plan = SupportPlan.objects.create(
        case=case,
        number=number,
        status="active",
        outcomes="To stay at home",
        needs="Personal care",
        budget_management=budget,
        worker_signed_at=_at(start),
        worker_signed_by=world.practitioner,
        person_signer="person",
        person_signer_name="The person",
        person_signed_at=_at(start),
        activated_at=_at(start),
        activated_by=world.team_manager,
    )
    SupportService.objects.create(
        plan=plan,
        reference=f"S{case.pk}",
        provider_organisation=world.county,
        service_type="Home care",
        frequency="weekly",
        units=7,
        unit_cost=25,
        starts_on=start,
        status="running",
    )
    return plan


def _residential(case):
    FinancialAssessment.objects.create(
        case=case,
        status="completed",
        started_on=D(2025, 7, 1),
        due_on=D(2025, 7, 29),
        completed_at=_at(D(2025, 7, 20)),
        path="residential",
    )


@pytest.fixture
def data(world):
    """The county team's four cases with known measures, and the same again elsewhere (never counted)."""
    made = {}
    for organisation, key in ((None, "team"), (world.elsewhere, "elsewhere")):
        c1 = _case(world, age=70, raised=D(2025, 4, 20), organisation=organisation)
        _enablement(c1, D(2025, 5, 1), D(2025, 5, 30), "no_ongoing_needs")
        c2 = _case(world, age=80, raised=D(2025, 5, 20), organisation=organisation)
        _enablement(c2, D(2025, 6, 1), D(2025, 6, 28), "ongoing_needs")
        _plan(world, c2, "direct_payment", D(2025, 7, 1))
        c3 = _case(world, age=85, raised=D(2025, 7, 10), organisation=organisation)
        _residential(c3)
        _plan(world, c3, "council_managed", D(2025, 8, 1))
        c4 = _case(world, age=50, raised=D(2024, 12, 1), organisation=organisation)
        _plan(world, c4, "council_managed", D(2025, 1, 1))
        made[key] = [c1, c2, c3, c4]
    for band, population in (("18_64", 200_000), ("65_plus", 50_000)):
        PopulationEstimate.objects.create(
            initiative=world.initiative, year=2025, age_band=band, population=population
        )
    return made


def _team(world, **filters):
    return ascof.ascof_for_user(
        user=world.team_manager,
        scope=Scope("team", world.team.pk, world.team.name),
        filters=Filters(**{**PERIOD, **filters}),
        today=TODAY,
    )


def _figures(report):
    return {m.key: (m.numerator, m.denominator, m.value) for m in report.measures}


def test_the_team_measures_have_the_known_answers(world, data):
    report = _team(world)
    assert _figures(report) == {
        "2A": (1, 2, 50.0),
        "2B": (0, 200_000, 0.0),
        "2C": (1, 50_000, 2.0),
        "2E": (None, 3, None),
        "3D1a": (2, 2, 100.0),
        "3D2a": (1, 2, 50.0),
        "WT": (3, 3, 12.0),
    }
    assert report.population_year == 2025
    assert "accommodation status" in report.measure("2E").missing
    c1, c2, c3, _c4 = data["team"]
    assert [(line.case_id, line.counted) for line in report.measure("2A").lines] == [
        (c1.pk, True),
        (c2.pk, False),
    ]
    assert [line.case_id for line in report.measure("2C").lines] == [c3.pk]
    assert AccessEvent.objects.filter(verb="reporting.ascof_viewed", actor=world.team_manager).exists()


def test_filters_narrow_the_measures(world, data):
    assert _figures(_team(world, area="ZZ9"))["2A"] == (0, 0, None)
    later = _team(world, period_from=D(2025, 6, 1))
    assert _figures(later)["2A"] == (0, 1, 0.0)  # only the cluster ending on 28 June


def test_the_lead_sees_the_initiative_with_small_numbers_hidden_and_no_cases(world, data):
    report = ascof.ascof_for_user(
        user=world.initiative_admin,
        scope=Scope("initiative", world.initiative.pk, world.initiative.name),
        filters=Filters(**PERIOD),
        today=TODAY,
    )
    figures = _figures(report)
    # The initiative's are the team's (world.elsewhere is another initiative's): all under 5, so hidden.
    assert figures["2A"] == (None, None, None)
    assert figures["2C"] == (
        None,
        50_000,
        None,
    )  # the population is not a count of people: shown
    assert figures["2E"] == (None, None, None)
    assert figures["3D1a"] == (None, None, None)
    assert all(m.lines == () for m in report.measures)


def test_drill_through_lists_only_cases_the_user_may_open(world, data):
    report = _team(world)
    lines = ascof.drill_through(user=world.team_manager, measure=report.measure("3D2a"), scope=report.scope)
    assert sorted(case.pk for _line, case in lines) == sorted(c.pk for c in data["team"][1:4:2])
    assert ascof.drill_through(user=world.outsider, measure=report.measure("3D2a"), scope=report.scope) == []


def test_a_fixed_number_of_queries_whatever_the_cases(world, data):
    _team(world)
    with CaptureQueriesContext(connection) as few:
        _team(world)
    for _ in range(4):
        case = _case(world, age=60, raised=D(2025, 9, 1))
        _enablement(case, D(2025, 9, 5), D(2025, 9, 30), "no_ongoing_needs")
        _plan(world, case, "direct_payment", D(2025, 10, 1))
    with CaptureQueriesContext(connection) as more:
        _team(world)
    assert len(more) == len(few) <= 12


@pytest.mark.parametrize(
    "persona", ["outsider", "practitioner", "delivery_worker", "district_worker", "auditor"]
)
def test_others_are_refused(client, world, persona):
    user = getattr(world, persona)
    with pytest.raises(PermissionRefused):
        ascof.ascof_for_user(user=user, scope=Scope("team", world.team.pk), filters=Filters(), today=TODAY)
    client.force_login(user)
    assert client.get(reverse("reporting:ascof")).status_code == 403
    assert client.get(reverse("reporting:ascof_csv")).status_code == 403
    assert client.get(reverse("reporting:population")).status_code == 403


def test_a_manager_cannot_see_another_scope(world):
    with pytest.raises(PermissionRefused):
        ascof.ascof_for_user(
            user=world.team_manager,
            scope=Scope("initiative", world.initiative.pk),
            filters=Filters(),
            today=TODAY,
        )


# --- Pages ------------------------------------------------------------------------------------------


def _query(world):
    return {"dashboard": f"team:{world.team.pk}", "period_from": "1/4/2025", "period_to": "31/3/2026"}


def _govuk_dates(query):
    out = {k: v for k, v in query.items() if not k.startswith("period")}
    for name in ("period_from", "period_to"):
        day, month, year = query[name].split("/")
        out |= {f"{name}_0": day, f"{name}_1": month, f"{name}_2": year}
    return out


def test_the_manager_page_shows_the_measures_chart_and_cases(client, world, data):
    client.force_login(world.team_manager)
    query = _govuk_dates(_query(world))
    html = client.get(reverse("reporting:ascof"), query).content.decode()
    assert 'data-figure="ascof"' in html and 'id="ascof-chart"' in html
    assert "Not computed" in html and "accommodation status" in html
    assert "Cases behind 2A" in html
    drilled = client.get(reverse("reporting:ascof"), {**query, "measure": "2A"}).content.decode()
    assert data["team"][0].reference in drilled
    assert data["elsewhere"][0].reference not in drilled
    csv_lines = client.get(reverse("reporting:ascof_csv"), query).content.decode().splitlines()
    assert csv_lines[0].startswith("Measure,Title,Numerator,Denominator,Value")
    assert csv_lines[1].startswith("2A,") and ",1,2,50.0,%," in csv_lines[1]


def test_the_lead_page_lists_no_cases(client, world, data):
    client.force_login(world.initiative_admin)
    html = client.get(reverse("reporting:ascof"), {"measure": "3D2a"}).content.decode()
    assert "Hidden" in html
    for case in data["team"] + data["elsewhere"]:
        assert case.reference not in html
    assert reverse("reporting:population") in html


# --- The ONS population -------------------------------------------------------------------------------


def test_population_csv_rules():
    rows = parse_population_csv(
        'Year,Age_band,Population,area_code\n2024,18 to 64,"312,400",E10000030\n2024,65_plus,98000,\n'
    )
    assert [(r["year"], r["age_band"], r["population"]) for r in rows] == [
        (2024, "18_64", 312_400),
        (2024, "65_plus", 98_000),
    ]
    for bad, says in (
        ("year,population\n2024,1\n", "columns"),
        ("year,age_band,population\n24,18_64,1\n", "Line 2"),
        ("year,age_band,population\n2024,children,1\n", "age band"),
        ("year,age_band,population\n2024,18_64,-4\n", "whole number"),
        ("year,age_band,population\n2024,18_64,4\n2024,18_64,5\n", "twice"),
        ("year,age_band,population\n", "no rows"),
    ):
        with pytest.raises(ValidationFailed, match=says):
            parse_population_csv(bad)


def test_the_lead_loads_the_population_and_a_reload_replaces_it(client, world):
    client.force_login(world.initiative_admin)
    upload = SimpleUploadedFile(
        "ons.csv", b"year,age_band,population\n2025,18_64,200000\n2025,65_plus,50000\n"
    )
    response = client.post(reverse("reporting:population"), {"file": upload})
    assert response.status_code == 302
    assert (
        population_load(
            user=world.initiative_admin,
            initiative_id=world.initiative.pk,
            text="year,age_band,population\n2025,65_plus,51000\n",
        )
        == 1
    )
    assert dict(PopulationEstimate.objects.values_list("age_band", "population")) == {
        "18_64": 200_000,
        "65_plus": 51_000,
    }
    assert AuditEvent.objects.filter(verb="reporting.population_replaced").count() == 1
    page = client.get(reverse("reporting:population")).content.decode()
    assert "51000" in page
    bad = client.post(reverse("reporting:population"), {"file": SimpleUploadedFile("x.csv", b"nonsense\n")})
    assert bad.status_code == 200 and "columns" in bad.content.decode()
    with pytest.raises(PermissionRefused):
        population_load(user=world.team_manager, initiative_id=world.initiative.pk, text="")
