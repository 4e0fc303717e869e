"""The data migration 0003: concerns raised before routing was recorded."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("safeguarding", "0001_initial")]
FILLED = [("safeguarding", "0003_fill_routing")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_concerns_raised_before_routing_was_recorded_went_to_their_own_organisations_team():
    apps = _migrate(BEFORE)
    try:
        Organisation = apps.get_model("accounts", "Organisation")
        Initiative = apps.get_model("accounts", "Initiative")
        Team = apps.get_model("accounts", "Team")
        Person = apps.get_model("people", "Person")
        Concern = apps.get_model("safeguarding", "SafeguardingConcern")
        county = Organisation.objects.create(name="County")
        initiative = Initiative.objects.create(name="Initiative", lead_organisation=county)
        district = Organisation.objects.create(name="District", initiative=initiative)
        team = Team.objects.create(organisation=district, name="District safeguarding", is_safeguarding=True)
        person = Person.objects.create(
            initiative=initiative, created_by_organisation=district, given_name="Ann", family_name="Lee"
        )
        concern = Concern.objects.create(
            organisation=district,
            person=person,
            at_risk="adult",
            what_happened="x",
            immediate_danger=False,
            routed_to_team=team,
            raised_at=timezone.now(),
        )

        apps = _migrate(FILLED)
        filled = apps.get_model("safeguarding", "SafeguardingConcern").objects.get(pk=concern.pk)
        assert (
            filled.routing,
            filled.routed_to_organisation_id,
            filled.raised_by_organisation_id,
            filled.routed_to_team_id,
        ) == ("own_team", district.pk, district.pk, team.pk)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
