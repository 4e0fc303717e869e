"""The demo's Identify: two sources imported from the demo's own people, an approved matching model, a risk
model with its rules, run into a cohort, and cases raised from it, all made by the risk analyst through the
services."""

import io

import pytest
from django.test import Client
from django.urls import reverse

from casework.accounts.models import User
from casework.audit.models import AuditEvent
from casework.cases.choices import CaseOrigin
from casework.demo.builder import build_demo
from casework.demo.identify import CTR_SOURCE, FRAILTY_SOURCE, RAISED_CATEGORY, RULES
from casework.risk.choices import ImportStatus
from casework.risk.cohort_models import Cohort, CohortRow, CohortStatus
from casework.risk.linking_models import MatchingModel
from casework.risk.models import RiskImport, RiskImportProblem, RiskModelVersion, SourceRecord


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True
    return build_demo(people=300, seed=7, progress_stream=io.StringIO())


def test_two_sources_are_imported_with_their_bad_rows_reported(demo):
    imports = {i.source.name: i for i in RiskImport.objects.select_related("source")}
    assert set(imports) == {CTR_SOURCE, FRAILTY_SOURCE}
    assert all(i.status == ImportStatus.DONE for i in imports.values())
    assert all(i.rows_imported > 0 and i.records_created > 0 for i in imports.values())
    # The revenues' extract carries two rows a real one would: an impossible date with a bad NHS number, and
    # a row with no name. Both are reported with their line, and skipped.
    problems = RiskImportProblem.objects.filter(risk_import=imports[CTR_SOURCE])
    assert {p.field for p in problems} >= {"nhs_number", "birth_date"}
    assert imports[CTR_SOURCE].rows_rejected == 2
    assert imports[FRAILTY_SOURCE].rows_rejected == 0


def test_some_records_are_linked_by_nhs_number_and_the_rest_wait_for_matching(demo):
    resolutions = set(SourceRecord.objects.values_list("resolution", flat=True))
    assert resolutions == {"linked", "unresolved"}
    linked = SourceRecord.objects.filter(resolution="linked").select_related("person")
    assert all(r.person.nhs_number == r.nhs_number for r in linked)


def test_the_matching_model_is_approved_and_the_risk_model_made_with_its_rules_and_run(demo):
    model = MatchingModel.objects.get()
    assert model.is_approved and model.approved_by.username == "riskanalyst"
    version = RiskModelVersion.objects.get()
    assert version.has_run
    assert version.categories.count() == 3
    assert version.factor_definitions.count() == 4
    assert [rule.rule_id for rule in version.rules.all()] == [f"R{n}" for n in range(1, len(RULES) + 1)]
    assert AuditEvent.objects.filter(verb="risk.model_rule_added").count() == len(RULES)
    assert AuditEvent.objects.filter(verb="risk.import_finished").count() == 2


def test_the_demo_ships_a_cohort_and_cases_raised_from_it(demo):
    cohort = Cohort.objects.get()
    assert cohort.status == CohortStatus.DONE and cohort.people_in_cohort > 0
    assert {row.category.code for row in cohort.rows.select_related("category")} >= {"high", "low"}
    raised = CohortRow.objects.filter(cohort=cohort, case__isnull=False).select_related("case", "category")
    assert raised.count() >= 1
    assert {row.category.code for row in raised} == {RAISED_CATEGORY}
    assert all(row.case.origin == CaseOrigin.RISK_INDEX for row in raised)
    assert all(row.case.risk_category_id == row.category_id for row in raised)
    # Each row says why ("High: R1 severe frailty and council tax arrears"), with its sources.
    row = raised.first()
    assert row.explanation.startswith("High: R")
    assert row.reasons[0]["factors"][0]["source"] in {CTR_SOURCE, FRAILTY_SOURCE}


def test_the_risk_analyst_opens_the_cohort(demo):
    client = Client()
    client.force_login(User.objects.get(username="riskanalyst"))
    cohort = Cohort.objects.get()
    version_page = client.get(reverse("risk:version_detail", args=[cohort.model_version_id]))
    assert cohort.get_absolute_url().encode() in version_page.content
    response = client.get(cohort.get_absolute_url())
    assert response.status_code == 200 and b"High: R" in response.content


def test_the_risk_analyst_opens_the_imports(demo, settings):
    client = Client()
    analyst = User.objects.get(username="riskanalyst")
    client.force_login(analyst)
    response = client.get("/risk/", follow=True)
    assert response.status_code == 200
    assert CTR_SOURCE.encode() in response.content.replace(b"&#x27;", b"'")
