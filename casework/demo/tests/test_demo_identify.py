"""The demo's Identify: two sources imported from the demo's own people, an approved matching model and a
draft risk model, all made by the risk analyst through the services."""

import io

import pytest
from django.test import Client

from casework.accounts.models import User
from casework.audit.models import AuditEvent
from casework.demo.builder import build_demo
from casework.demo.identify import CTR_SOURCE, FRAILTY_SOURCE
from casework.risk.choices import ImportStatus
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


def test_the_matching_model_is_approved_and_the_risk_model_drafted(demo):
    model = MatchingModel.objects.get()
    assert model.is_approved and model.approved_by.username == "riskanalyst"
    version = RiskModelVersion.objects.get()
    assert not version.has_run
    assert version.categories.count() == 3
    assert version.factor_definitions.count() == 4
    assert AuditEvent.objects.filter(verb="risk.import_finished").count() == 2


def test_the_risk_analyst_opens_the_imports(demo, settings):
    client = Client()
    analyst = User.objects.get(username="riskanalyst")
    client.force_login(analyst)
    response = client.get("/risk/", follow=True)
    assert response.status_code == 200
    assert CTR_SOURCE.encode() in response.content.replace(b"&#x27;", b"'")
