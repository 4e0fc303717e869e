"""The Identify pages: the happy paths for a risk analyst, and refusals for everyone else."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework.audit.models import AccessEvent
from casework.core.jobs import run_pending
from casework.risk import services
from casework.risk.choices import ImportStatus
from casework.risk.models import RiskImport, RiskModelVersion, RiskSource
from casework.risk.tests.conftest import FIXTURES, make_source
from tests.factories import RiskCategoryFactory

pytestmark = pytest.mark.django_db
SAVVI = FIXTURES / "savvi_attributes.csv"


@pytest.fixture
def analyst(risk_world, login):
    return login(risk_world.risk_analyst)


def test_identify_is_in_the_navigation_of_the_leads_identify_users_only(risk_world, client):
    for user, shown in ((risk_world.risk_analyst, True), (risk_world.initiative_admin, True),
                        (risk_world.practitioner, False), (risk_world.district_analyst, False)):  # fmt: skip
        client.force_login(user)
        response = client.get(reverse("core:home"))
        assert (reverse("risk:home") in response.content.decode()) is shown, user
        assert client.get(reverse("risk:home")).status_code == (200 if shown else 403)


def test_registering_a_source_with_errors_shows_the_summary_and_saves_nothing(risk_world, analyst):
    response = analyst.post(reverse("risk:source_add"), {"name": "", "file_format": "csv"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in body and "Enter the source’s name" in body
    response = analyst.post(
        reverse("risk:source_add"),
        {"name": "CTR", "owner": "Revenues", "lawful_basis": "Public task", "file_format": "csv",
         "column_person_reference": "ref"},
    )  # fmt: skip
    assert "Map a column to attribute scheme" in response.content.decode()
    assert not RiskSource.objects.exists()


def test_a_source_is_registered_then_a_file_uploaded_imported_and_reported(
    risk_world, analyst, django_capture_on_commit_callbacks
):
    response = analyst.post(
        reverse("risk:source_add"),
        {"name": "CTR", "owner": "Revenues", "lawful_basis": "Public task", "file_format": "savvi_csv"},
    )
    source = RiskSource.objects.get()
    assert response.status_code == 302 and response["Location"] == source.get_absolute_url()
    upload = SimpleUploadedFile("ctr.csv", SAVVI.read_bytes(), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = analyst.post(reverse("risk:import_upload", args=[source.pk]), {"file": upload})
    risk_import = RiskImport.objects.get()
    assert response["Location"] == risk_import.get_absolute_url()
    page = analyst.get(risk_import.get_absolute_url()).content.decode()
    assert "Waiting to start" in page and 'http-equiv="refresh"' in page
    with django_capture_on_commit_callbacks(execute=True):
        run_pending()
    page = analyst.get(risk_import.get_absolute_url()).content.decode()
    assert "Imported" in page and "Line" in page and 'http-equiv="refresh"' not in page
    report = analyst.get(reverse("risk:import_report", args=[risk_import.pk]))
    lines = b"".join(report.streaming_content).decode().splitlines()
    assert lines[0] == "line,field,reason" and lines[1].startswith("5,nhs_number,")
    assert len(lines) == 7
    # The same file again: nothing changes, and the page says so.
    upload = SimpleUploadedFile("again.csv", SAVVI.read_bytes(), content_type="text/csv")
    response = analyst.post(reverse("risk:import_upload", args=[source.pk]), {"file": upload}, follow=True)
    assert "imported for the source already" in response.content.decode()
    assert RiskImport.objects.count() == 1


def test_the_records_page_shows_names_and_records_who_saw_them_in_a_fixed_number_of_queries(
    risk_world, analyst
):
    source = make_source(risk_world.risk_analyst, risk_world.initiative.pk)
    risk_import, _ = services.risk_import_file(user=risk_world.risk_analyst, source=source, path=SAVVI)
    url = reverse("risk:import_records", args=[risk_import.pk])
    body = analyst.get(url).content.decode()
    assert "Pembleton" in body and "council_tax_reduction/arrears" in body
    event = AccessEvent.objects.get(verb="risk.source_records_viewed")
    assert len(event.details["records"]) == 2
    other = make_source(risk_world.risk_analyst, risk_world.initiative.pk, name="Bigger")
    path = FIXTURES.parent / "many.csv"
    header = SAVVI.read_text().splitlines()[0]
    row = "P{n},Ann,Lee,,1950-01-01,Female,{n},1 Road,,,,,RG40 1AA,Risk,ctr,a{n},,,,"
    try:
        path.write_text("\n".join([header, *(row.format(n=n) for n in range(1, 21))]) + "\n")
        bigger, _ = services.risk_import_file(user=risk_world.risk_analyst, source=other, path=path)
    finally:
        path.unlink()
    with CaptureQueriesContext(connection) as few:
        analyst.get(url)
    with CaptureQueriesContext(connection) as many:
        analyst.get(reverse("risk:import_records", args=[bigger.pk]))
    assert len(many) == len(few)


def test_a_model_is_made_given_categories_and_factors_and_copied(risk_world, analyst):
    high = RiskCategoryFactory(initiative=risk_world.initiative, code="high", label="High", rank=1)
    response = analyst.post(
        reverse("risk:model_add"), {"name": "Winter", "purpose": "p", "legal_basis": "l", "area": "Wessex"}
    )
    version = RiskModelVersion.objects.get()
    assert response["Location"] == version.get_absolute_url()
    analyst.post(reverse("risk:version_category_add", args=[version.pk]), {"category": high.pk, "rank": 1})
    analyst.post(
        reverse("risk:version_factor_add", args=[version.pk]),
        {"scheme": "nhs", "term": "shielded", "label": "On the shielded list"},
    )
    page = analyst.get(version.get_absolute_url()).content.decode()
    assert "High" in page and "nhs/shielded" in page
    response = analyst.post(reverse("risk:version_copy", args=[version.pk]))
    copy = RiskModelVersion.objects.get(number=2)
    assert response["Location"] == copy.get_absolute_url()


def test_a_version_that_has_run_offers_no_change_and_refuses_one(risk_world, analyst, frozen_now):
    version = services.risk_model_create(
        user=risk_world.risk_analyst,
        initiative_id=risk_world.initiative.pk,
        name="Winter",
        data={"purpose": "p", "legal_basis": "l", "area": "Wessex"},
    )
    RiskModelVersion.objects.filter(pk=version.pk).update(first_run_at=frozen_now)
    page = analyst.get(version.get_absolute_url()).content.decode()
    assert "never changes" in page and reverse("risk:version_edit", args=[version.pk]) not in page
    response = analyst.post(
        reverse("risk:version_edit", args=[version.pk]),
        {"version": 1, "purpose": "p", "legal_basis": "l", "area": "Elsewhere"},
    )
    assert response.status_code == 403
    assert RiskModelVersion.objects.get().area == "Wessex"


def test_another_organisation_gets_404_for_a_record_and_403_for_a_page(risk_world, client):
    source = make_source(risk_world.risk_analyst, risk_world.initiative.pk)
    risk_import, _ = services.risk_import_file(user=risk_world.risk_analyst, source=source, path=SAVVI)
    for user in (risk_world.district_analyst, risk_world.practitioner, risk_world.outsider):
        client.force_login(user)
        for name, args in (
            ("risk:source_detail", [source.pk]),
            ("risk:import_detail", [risk_import.pk]),
            ("risk:import_records", [risk_import.pk]),
            ("risk:import_report", [risk_import.pk]),
        ):
            assert client.get(reverse(name, args=args)).status_code == 404, (user, name)
        assert client.get(reverse("risk:source_add")).status_code == 403
    assert risk_import.status == ImportStatus.DONE
    assert not AccessEvent.objects.filter(verb="risk.source_records_viewed").exists()
