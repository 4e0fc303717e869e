"""Importing source files: bad rows skipped and reported, provenance on every factor, a re-import changes
nothing, the NHS number pass, the background job for an upload, and the command line."""

import io
import shutil
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casework.audit.models import AuditEvent
from casework.core.errors import PermissionRefused, ValidationFailed
from casework.core.jobs import run_pending
from casework.risk import services
from casework.risk.choices import ImportStatus, Resolution
from casework.risk.models import RiskFactor, RiskImport, RiskImportProblem, SourceRecord
from casework.risk.tests.conftest import FIXTURES, make_source
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
SAVVI = FIXTURES / "savvi_attributes.csv"


def _import(world, source, path=SAVVI, **kwargs):
    return services.risk_import_file(user=world.risk_analyst, source=source, path=path, **kwargs)


def _row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_an_import_skips_each_bad_row_with_its_line_and_reason_and_imports_the_rest(risk_world, savvi_source):
    risk_import, created = _import(risk_world, savvi_source)
    assert created and risk_import.status == ImportStatus.DONE
    assert (risk_import.rows_read, risk_import.rows_imported, risk_import.rows_rejected) == (8, 3, 5)
    assert (risk_import.records_created, risk_import.factors_created) == (2, 3)
    lines = list(RiskImportProblem.objects.filter(risk_import=risk_import).values_list("line", "field"))
    assert lines == [(5, "nhs_number"), (6, "postcode"), (7, "birth_date"), (8, "person_reference"),
                     (9, "uprn"), (9, "attribute")]  # fmt: skip
    agatha = SourceRecord.objects.get(risk_import=risk_import, person_reference="CTR-001")
    assert (agatha.given_names, agatha.family_name, agatha.postcode, agatha.uprn) == (
        "Agatha",
        "Pembleton",
        "RG40 1AA",
        100060001001,
    )
    assert sorted(f.code for f in agatha.factors.all()) == [
        "council_tax_reduction/arrears",
        "council_tax_reduction/single_person_discount",
    ]


def test_every_factor_carries_its_source_import_file_hash_and_extraction_date(risk_world, savvi_source):
    import datetime

    risk_import, _ = _import(risk_world, savvi_source, extracted_on=datetime.date(2025, 1, 31))
    for factor in RiskFactor.objects.select_related("risk_import", "source"):
        assert factor.source == savvi_source
        assert factor.risk_import == risk_import
        assert factor.risk_import.file_sha256 == services.importing.file_sha256(SAVVI)[0]
        # The row's own ExtractedOn wins over the import's.
        assert factor.extracted_on == datetime.date(2025, 2, 1)
        assert factor.source_system == "Revenues"


def test_importing_the_same_file_again_changes_nothing(risk_world, savvi_source, tmp_path):
    first, _ = _import(risk_world, savvi_source)
    before = _row_counts()
    copy = tmp_path / "renamed.csv"
    shutil.copy(SAVVI, copy)
    again, created = _import(risk_world, savvi_source, path=copy)
    assert not created and again.pk == first.pk
    assert _row_counts() == before


def test_the_same_file_for_another_source_is_another_import(risk_world, savvi_source):
    other = make_source(risk_world.risk_analyst, risk_world.initiative.pk, name="Second copy")
    _import(risk_world, savvi_source)
    second, created = _import(risk_world, other)
    assert created and second.records_created == 2


def test_a_record_whose_nhs_number_is_a_known_persons_is_linked_and_the_rest_stay_unresolved(
    risk_world, savvi_source
):
    person = PersonFactory(created_by_organisation=risk_world.county, nhs_number="9990000018")
    elsewhere = PersonFactory(created_by_organisation=risk_world.elsewhere, nhs_number="9990000085")
    ctr = make_source(
        risk_world.risk_analyst,
        risk_world.initiative.pk,
        name="CTR extract",
        file_format="csv",
        column_mapping={
            "person_reference": "claim_ref",
            "nhs_number": "nhs_no",
            "attribute": "reason",
            "postcode": "post_code",
        },
        fixed_values={"attribute_scheme": "council_tax_reduction"},
    )
    risk_import, _ = _import(risk_world, ctr, path=FIXTURES / "ctr_extract.csv")
    assert risk_import.records_linked == 1
    records = {r.person_reference: r for r in SourceRecord.objects.filter(risk_import=risk_import)}
    assert (records["A1"].resolution, records["A1"].person_id, records["A1"].resolved_by) == (
        Resolution.LINKED,
        person.pk,
        "nhs_number",
    )
    # Another initiative's person with the number is not this initiative's to link to.
    assert elsewhere.nhs_number == records["A2"].nhs_number
    assert (records["A2"].resolution, records["A2"].person_id) == (Resolution.UNRESOLVED, None)


def test_a_json_lines_extract_imports_through_its_mapping(risk_world):
    from casework.risk.tests.conftest import CTR_MAPPING

    source = make_source(
        risk_world.risk_analyst,
        risk_world.initiative.pk,
        name="CTR lines",
        file_format="jsonl",
        column_mapping=CTR_MAPPING,
        fixed_values={"attribute_scheme": "council_tax_reduction"},
    )
    risk_import, _ = _import(risk_world, source, path=FIXTURES / "ctr_extract.jsonl")
    assert (risk_import.rows_imported, risk_import.rows_rejected) == (2, 2)
    assert list(risk_import.problems.values_list("line", flat=True)) == [3, 5]


def test_a_file_that_cannot_be_read_imports_nothing_and_says_why(risk_world, savvi_source, tmp_path):
    path = tmp_path / "wrong.csv"
    path.write_text("Name,Thing\nA,B\n")
    risk_import, created = _import(risk_world, savvi_source, path=path)
    assert created and risk_import.status == ImportStatus.FAILED
    assert "PersonReference" in risk_import.failure
    assert not SourceRecord.objects.exists() and not RiskImportProblem.objects.exists()
    assert AuditEvent.objects.filter(verb="risk.import_failed", object_id=str(risk_import.pk)).exists()


def test_an_import_is_audited_with_counts_and_no_names(risk_world, savvi_source):
    risk_import, _ = _import(risk_world, savvi_source)
    started = AuditEvent.objects.get(verb="risk.import_started", object_id=str(risk_import.pk))
    assert started.actor_id == risk_world.risk_analyst.pk
    finished = AuditEvent.objects.get(verb="risk.import_finished", object_id=str(risk_import.pk))
    assert finished.changes["rows_rejected"]["after"] == 5
    assert "Pembleton" not in str(finished.changes)


def test_only_the_leads_identify_users_may_import(risk_world, savvi_source):
    for user in (risk_world.practitioner, risk_world.district_analyst, risk_world.outsider):
        with pytest.raises(PermissionRefused):
            services.risk_import_file(user=user, source=savvi_source, path=SAVVI)
    assert not RiskImport.objects.exists()
    # The lead's initiative admin may, as the risk analyst may.
    risk_import, created = services.risk_import_file(
        user=risk_world.initiative_admin, source=savvi_source, path=SAVVI
    )
    assert created


def test_an_upload_is_kept_and_imported_by_a_background_job(
    risk_world, savvi_source, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        risk_import, created = services.risk_import_upload(
            user=risk_world.risk_analyst,
            source=savvi_source,
            upload=io.BytesIO(SAVVI.read_bytes()),
            file_name="a.csv",
        )
    assert created and risk_import.status == ImportStatus.QUEUED
    stored = Path(risk_import.stored_path)
    assert stored.read_bytes() == SAVVI.read_bytes()
    with django_capture_on_commit_callbacks(execute=True):
        assert run_pending() == 1
    risk_import.refresh_from_db()
    assert (risk_import.status, risk_import.rows_imported) == (ImportStatus.DONE, 3)
    assert not stored.exists()  # the upload is not kept once it is imported
    # The same bytes uploaded again: the earlier import, nothing queued or kept.
    again, created = services.risk_import_upload(
        user=risk_world.risk_analyst,
        source=savvi_source,
        upload=io.BytesIO(SAVVI.read_bytes()),
        file_name="b.csv",
    )
    assert (again.pk, created) == (risk_import.pk, False)
    assert run_pending() == 0
    assert [p.name for p in stored.parent.iterdir() if p.name.endswith(".part")] == []


def test_a_job_run_again_after_its_worker_died_starts_from_nothing(risk_world, savvi_source):
    risk_import, _ = services.risk_import_upload(
        user=risk_world.risk_analyst,
        source=savvi_source,
        upload=io.BytesIO(SAVVI.read_bytes()),
        file_name="a.csv",
    )
    # What a run killed half-way left: some records and problems, the import still running.
    RiskImport.objects.filter(pk=risk_import.pk).update(status=ImportStatus.RUNNING, rows_read=4)
    SourceRecord.objects.create(
        risk_import=risk_import,
        source=savvi_source,
        initiative=risk_world.initiative,
        line=2,
        person_reference="CTR-001",
    )
    RiskImportProblem.objects.create(risk_import=risk_import, line=5, reason="half")
    done = services.risk_import_run(import_id=risk_import.pk)
    assert (done.status, done.rows_read, done.records_created) == (ImportStatus.DONE, 8, 2)
    assert SourceRecord.objects.filter(risk_import=risk_import).count() == 2
    assert risk_import.problems.count() == 6
    # And run once more after it finished, it does nothing.
    assert services.risk_import_run(import_id=risk_import.pk).finished_at == done.finished_at


def test_rows_are_written_a_batch_at_a_time_not_a_query_each(risk_world, savvi_source, tmp_path, monkeypatch):
    header = SAVVI.read_text().splitlines()[0]
    row = "P{n},Ann,Lee,,1950-01-01,Female,{n},1 Road,,,,,RG40 1AA,Risk,ctr,arrears,,,,"
    path = tmp_path / "many.csv"

    def queries_for(rows: int) -> int:
        path.write_text("\n".join([header, *(row.format(n=n) for n in range(1, rows + 1))]) + "\n")
        source = make_source(risk_world.risk_analyst, risk_world.initiative.pk, name=f"Many {rows}")
        with CaptureQueriesContext(connection) as captured:
            _import(risk_world, source, path=path)
        return len(captured)

    monkeypatch.setattr(services, "BATCH_ROWS", 1000)
    # Ten times the rows: a query a row would be 270 more; bulk inserts split by the database's limit on
    # parameters (999 in SQLite) add a few.
    assert queries_for(300) <= queries_for(30) + 15


def test_the_extraction_date_may_not_be_in_the_future(risk_world, savvi_source):
    import datetime

    with pytest.raises(ValidationFailed):
        _import(risk_world, savvi_source, extracted_on=datetime.date(2999, 1, 1))
    assert not RiskImport.objects.exists()


def test_the_command_imports_with_a_progress_bar_and_a_second_run_changes_nothing(risk_world, savvi_source):
    out, err = io.StringIO(), io.StringIO()
    call_command("risk_import", str(savvi_source.pk), str(SAVVI), user="risk_analyst", stdout=out, stderr=err)
    assert "3 rows imported, 5 rejected" in out.getvalue()
    assert "Importing" in err.getvalue() and "Line 5:" in err.getvalue()
    before = _row_counts()
    out = io.StringIO()
    call_command("risk_import", savvi_source.name, str(SAVVI), user="risk_analyst", stdout=out, stderr=err)
    assert "nothing changed" in out.getvalue()
    assert _row_counts() == before
    with pytest.raises(CommandError, match="Only the lead"):
        call_command(
            "risk_import", str(savvi_source.pk), str(SAVVI), user="practitioner", stdout=out, stderr=err
        )
