"""The dashboards (ADR 24): each figure on hand-made data with known answers, small-number suppression, a
fixed number of queries, who sees which dashboard, the CSV of one figure and the API."""

from __future__ import annotations

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework.assessments.models import Need, NeedDefinition
from casework.audit.models import AccessEvent
from casework.contacts.models import ContactEvent
from casework.core import clock
from casework.referrals.models import Referral
from casework.referrals.tests.conftest import *  # noqa: F403 (the referral fixture and what it needs)
from casework.reporting import dashboard
from casework.reporting.dashboard import Filters, Scope, percentile, rate, suppress
from casework.waiting_list.models import WaitingListEntry
from tests.factories import CaseFactory, PersonFactory

UTC = datetime.UTC


# --- Pure parts ---------------------------------------------------------------------------------------------


def test_counts_under_five_are_hidden_only_where_figures_cross_organisations():
    assert [suppress(n, crosses_organisations=True) for n in (0, 1, 4, 5, 12)] == [0, None, None, 5, 12]
    assert [suppress(n, crosses_organisations=False) for n in (0, 1, 4, 5)] == [0, 1, 4, 5]
    assert suppress(None, crosses_organisations=True) is None


def test_rates_and_percentiles():
    assert rate(3, 5) == 60.0
    assert rate(1, 3) == 33.3
    assert rate(0, 0) is None
    assert rate(1, 4, crosses_organisations=True) is None
    assert percentile([(10, 1), (20, 1), (30, 1)], 0.5) == 20
    assert percentile([(30, 1), (10, 1), (20, 1)], 0.9) == 30
    assert percentile([(1, 1), (2, 1), (3, 1), (4, 1)], 0.5) == 2
    assert percentile([(5, 9), (50, 1)], 0.9) == 5
    assert percentile([(5, 8), (50, 2)], 0.9) == 50
    assert percentile([], 0.5) is None


# --- Hand-made data --------------------------------------------------------------------------------


@pytest.fixture
def data(world, referral):
    """The county's team with known figures; a case elsewhere that must never count."""
    today = clock.today()
    food = NeedDefinition.objects.get_or_create(
        initiative=world.initiative,
        code="dash_food",
        defaults={"name": "A food need", "category": "food_and_shopping"},
    )[0]
    raised = datetime.datetime.combine(today, datetime.time(10), tzinfo=UTC) - datetime.timedelta(days=40)

    def case(*, worker=None, closed_outcome="", organisation=None):
        person = PersonFactory(created_by_organisation=organisation or world.county, postcode="RG40 1AA")
        return CaseFactory(
            person=person,
            allocated_team=world.team if organisation is None else None,
            primary_worker=worker,
            raised_at=raised,
            status="finished" if closed_outcome else "active",
            outcome=closed_outcome,
            closed_at=raised + datetime.timedelta(days=10) if closed_outcome else None,
        )

    open_cases = [case(worker=world.practitioner) for _ in range(3)] + [case(worker=world.team_manager)]
    closed = [case(closed_outcome="support_arranged"), case(closed_outcome="support_arranged")]
    closed.append(case(closed_outcome="declined_support"))
    elsewhere = case(organisation=world.elsewhere)
    for status in ("identified", "identified", "resolved"):
        Need.objects.create(case=open_cases[0], definition=food, status=status, status_changed_at=raised)
    Need.objects.create(case=elsewhere, definition=food, status="identified", status_changed_at=raised)
    # Waiting for an assessment, normal priority: 10, 20 and 30 days; the 30-day one past due.
    for days, due in ((10, 5), (20, 5), (30, -1)):
        WaitingListEntry.objects.create(
            case=open_cases[days // 10],
            organisation=world.county,
            team=world.team,
            list_kind="assessment",
            priority="normal",
            rag="amber",
            rag_reason="Known",
            area="RG40",
            received_on=today - datetime.timedelta(days=days),
            due_on=today + datetime.timedelta(days=due),
            triaged_by=world.team_manager,
            triaged_at=raised,
        )
    # Inbound contacts to the team's cases: 3 of 5 resolved at first contact (60%); outbound ones don't count.
    for index in range(5):
        ContactEvent.objects.create(
            organisation=world.county,
            case=open_cases[1],
            occurred_at=raised,
            direction="inbound",
            method="phone",
            contact_role="person",
            outcome="reached",
            resolved_at_first_contact=index < 3,
        )
    ContactEvent.objects.create(
        organisation=world.county,
        case=open_cases[1],
        occurred_at=raised,
        direction="outbound",
        method="phone",
        contact_role="person",
        outcome="reached",
    )
    referral.case.refresh_from_db()
    return {
        "today": today,
        "base": referral.case,
        "open": open_cases,
        "closed": closed,
        "elsewhere": elsewhere,
    }


def _team_dashboard(world, data, **filters):
    return dashboard.dashboard_for_user(
        user=world.team_manager,
        scope=Scope("team", world.team.pk, world.team.name),
        filters=Filters(**filters),
        today=data["today"],
    )


def _values(table):
    return {row.label: row.values for row in table.rows}


def test_team_figures_have_the_known_answers(world, data):
    report = _team_dashboard(world, data)
    assert _values(report.table("needs"))["A food need"] == (2, 0, 0, 1, 0, 0)
    waiting = _values(report.table("waiting"))
    assert waiting == {"Waiting for an assessment, normal": (3, 20, 30, 1)}
    trend = report.table("waiting_trend")
    assert sum(row.values[0] for row in trend.rows) == 3
    fcr = report.table("first_contact")
    assert [row.values for row in fcr.rows] == [(60.0, 60.0, 70.0, 5)]
    assert _values(report.table("outcomes")) == {"Support arranged": (2,), "Declined support": (1,)}
    # Open cases: the four here, and the referral fixture's active case (the practitioner's, in the team).
    base = data["base"]
    assert (base.primary_worker_id, base.allocated_team_id, base.closed_at) == (
        world.practitioner.pk,
        world.team.pk,
        None,
    )
    workers = _values(report.table("caseload_worker"))
    assert workers[world.practitioner.get_full_name()] == (4,)
    assert workers[world.team_manager.get_full_name()] == (1,)
    assert _values(report.table("caseload_team"))[f"{world.team.name} ({world.county.name})"] == (5,)
    assert (
        AccessEvent.objects.filter(verb="reporting.dashboard_viewed", actor=world.team_manager).count() == 1
    )


def test_filters_narrow_the_figures(world, data):
    report = _team_dashboard(world, data, area="ZZ9")
    assert report.table("waiting").rows == []
    assert report.table("needs").rows == []
    later = data["today"] - datetime.timedelta(days=15)
    report = _team_dashboard(world, data, period_from=later)
    assert _values(report.table("waiting"))["Waiting for an assessment, normal"][0] == 1


def test_referrals_by_delivery_organisation_hide_small_counts(world, data, referral):
    report = _team_dashboard(world, data)
    # The fixture's one referral goes to the foodbank: fewer than 5, so hidden.
    assert _values(report.table("referrals"))[world.foodbank.name][:3] == (None, 0, 0)
    base = dict(
        initiative=referral.initiative,
        referring_organisation=referral.referring_organisation,
        delivery_organisation=world.foodbank,
        basis=referral.basis,
        sent_by=referral.sent_by,
    )
    for index in range(6):
        sent = referral.sent_at - datetime.timedelta(days=3)
        Referral.objects.create(
            reference=f"DASH{index}",
            case=data["open"][0],
            status="accepted" if index < 3 else "declined",
            response_note="" if index < 3 else "No capacity",
            sent_at=sent,
            responded_at=sent + datetime.timedelta(hours=2 * (index + 1)),
            **base,
        )
    report = _team_dashboard(world, data)
    row = _values(report.table("referrals"))[world.foodbank.name]
    assert row[:3] == (7, None, None)  # 7 sent; 3 accepted and 3 declined: hidden
    assert row[3] == 50.0  # accepted of those answered (the fixture's is not answered)
    assert row[4] == 7.0  # mean of 2, 4, …, 12 hours


def test_a_fixed_number_of_queries_whatever_the_rows(world, data):
    _team_dashboard(world, data)  # warm: the actor's compiled query and the like
    with CaptureQueriesContext(connection) as few:
        _team_dashboard(world, data)
    for _ in range(5):
        CaseFactory(
            person=PersonFactory(created_by_organisation=world.county),
            allocated_team=world.team,
            primary_worker=world.practitioner2,
            status="finished",
            outcome="moved_away",
            closed_at=clock.now(),
        )
    with CaptureQueriesContext(connection) as more:
        _team_dashboard(world, data)
    assert len(more) == len(few) <= 12


def test_the_lead_sees_the_whole_initiative_without_names_and_small_counts_hidden(world, data):
    report = dashboard.dashboard_for_user(
        user=world.initiative_admin,
        scope=Scope("initiative", world.initiative.pk, world.initiative.name),
        today=data["today"],
    )
    assert "caseload_worker" not in [t.key for t in report.tables]
    # 3 waiting, 1 past due: under 5, hidden, and so are the waits behind them.
    assert _values(report.table("waiting"))["Waiting for an assessment, normal"] == (None, None, None, None)
    assert [row.values for row in report.table("first_contact").rows] == [(60.0, 60.0, 70.0, 5)]


def test_who_may_open_which_dashboard(world):
    def kinds(user):
        return [s.kind for s in dashboard.dashboard_scopes_for(user)]

    assert kinds(world.team_manager) == ["team"]
    assert kinds(world.case_manager) == ["organisation"]
    assert kinds(world.org_admin) == ["organisation"]
    assert kinds(world.initiative_admin) == ["initiative"]
    for persona in ("practitioner", "outsider", "delivery_worker", "district_worker", "auditor"):
        assert kinds(getattr(world, persona)) == [], persona
    with pytest.raises(dashboard.PermissionRefused):
        dashboard.dashboard_for_user(
            user=world.outsider, scope=Scope("team", world.team.pk), today=clock.today()
        )
    with pytest.raises(dashboard.PermissionRefused):
        dashboard.dashboard_for_user(
            user=world.team_manager, scope=Scope("organisation", world.county.pk), today=clock.today()
        )


# --- Pages, CSV and API --------------------------------------------------------------------------------


def test_the_manager_filters_to_their_team_and_downloads_a_chart(client, world, data):
    client.force_login(world.team_manager)
    response = client.get(
        reverse("reporting:dashboard"), {"dashboard": f"team:{world.team.pk}", "team": world.team.pk}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="dashboard-waiting-data"' in html and 'data-figure="waiting"' in html
    assert reverse("waiting_list:waiting_list") + "?list_kind=assessment" in html  # drill-through
    csv_response = client.get(reverse("reporting:dashboard_csv", args=["waiting"]), {"team": world.team.pk})
    assert csv_response.status_code == 200
    lines = csv_response.content.decode().splitlines()
    assert (
        lines[0] == "List and priority,People waiting,Median wait (days),90th percentile wait (days),Past due"
    )
    assert lines[1] == '"Waiting for an assessment, normal",3,20,30,1'
    assert client.get(reverse("reporting:dashboard_csv", args=["nothing"])).status_code == 404


def test_the_lead_page_names_no_one_and_links_to_no_records(client, world, data):
    client.force_login(world.initiative_admin)
    html = client.get(reverse("reporting:dashboard")).content.decode()
    assert world.practitioner.get_full_name() not in html
    assert reverse("waiting_list:waiting_list") not in html
    assert "Hidden" in html


@pytest.mark.parametrize("persona", ["outsider", "practitioner", "delivery_worker", "district_worker"])
def test_others_are_refused(client, world, persona):
    client.force_login(getattr(world, persona))
    assert client.get(reverse("reporting:dashboard")).status_code == 403
    assert client.get(reverse("reporting:dashboard_csv", args=["waiting"])).status_code == 403


def test_a_manager_cannot_choose_another_dashboard(client, world, data):
    client.force_login(world.team_manager)
    response = client.get(reverse("reporting:dashboard"), {"dashboard": f"initiative:{world.initiative.pk}"})
    assert response.status_code == 200
    assert "Whole initiative" not in response.content.decode()


# --- The API: /api/v1/reporting/dashboard -------------------------------------------------------------------


def _api_figures(body):
    return {f["key"]: {r["label"]: r["values"] for r in f["rows"]} for f in body["figures"]}


def test_api_gives_the_page_figures_for_the_managers_team(api, world, data):
    response = api(world.team_manager).get(f"/reporting/dashboard?team={world.team.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["scope"] == {"kind": "team", "id": world.team.pk, "name": world.team.name}
    assert [s["kind"] for s in body["scopes"]] == ["team"]
    assert body["crosses_organisations"] is False
    figures = _api_figures(body)
    assert figures["waiting"] == {"Waiting for an assessment, normal": [3, 20, 30, 1]}
    waiting = next(f for f in body["figures"] if f["key"] == "waiting")
    assert waiting["rows"][0]["link"].startswith(reverse("waiting_list:waiting_list"))
    assert figures["caseload_worker"][world.practitioner.get_full_name()] == [4]
    narrowed = _api_figures(api(world.team_manager).get("/reporting/dashboard?area=ZZ9").json())
    assert narrowed["waiting"] == {}
    assert (
        AccessEvent.objects.filter(verb="reporting.dashboard_viewed", actor=world.team_manager).count() == 2
    )


def test_api_gives_the_lead_the_initiative_without_names_or_links(api, world, data):
    body = api(world.initiative_admin).get("/reporting/dashboard").json()
    assert body["scope"]["kind"] == "initiative" and body["crosses_organisations"] is True
    figures = _api_figures(body)
    assert "caseload_worker" not in figures
    assert figures["waiting"]["Waiting for an assessment, normal"] == [None, None, None, None]
    assert all(r["link"] == "" for f in body["figures"] for r in f["rows"])
    assert world.practitioner.get_full_name() not in json.dumps(body)


def test_api_refuses_what_the_page_refuses(api, world, data):
    for persona in ("outsider", "practitioner", "delivery_worker", "district_worker"):
        assert api(getattr(world, persona)).get("/reporting/dashboard").status_code == 403, persona
    manager = api(world.team_manager)
    chosen = manager.get(f"/reporting/dashboard?scope=initiative&scope_id={world.initiative.pk}")
    assert chosen.status_code == 403
    assert (
        manager.get(f"/reporting/dashboard?scope=organisation&scope_id={world.county.pk}").status_code == 403
    )
    assert manager.get("/reporting/dashboard?scope=team").status_code == 422
    backwards = manager.get("/reporting/dashboard?period_from=2026-11-02&period_to=2026-11-01")
    assert backwards.status_code == 422 and "period_to" in backwards.content.decode()
    assert manager.get("/reporting/dashboard?scope=everything&scope_id=1").status_code == 422


def test_api_documents_each_answer(client, db):
    operation = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/reporting/dashboard"]["get"]
    assert {"200", "401", "403", "422"} <= set(operation["responses"])
    params = {p["name"] for p in operation["parameters"]}
    assert params == {"scope", "scope_id", "period_from", "period_to", "team", "area"}
