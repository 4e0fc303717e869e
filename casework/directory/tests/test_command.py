"""import_directory: a summary and exit 0, or every problem and a non-zero exit with nothing imported."""

from __future__ import annotations

import json
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from casework.directory.models import Service, Taxonomy

from .conftest import STANDARDS_DIR, import_documents, needs_taxonomy_record, page_of, service_record


def _run(*args):
    out, err = StringIO(), StringIO()
    call_command("import_directory", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_an_example_file_is_imported_with_a_summary(db, capsys):
    out, _err = _run(str(STANDARDS_DIR / "examples" / "service_full.json"))
    assert "1 record from" in out and "service_full.json imported." in out
    assert "services: 1 new, 0 updated, 0 unchanged" in out
    assert "Checking [" in capsys.readouterr().err  # the progress bar, on stderr
    assert Service.objects.count() == 1


def test_a_dry_run_saves_nothing(db):
    out, _err = _run(str(STANDARDS_DIR / "examples" / "taxonomy.json"), "--dry-run")
    assert "would be imported (dry run: nothing was saved)" in out
    assert not Taxonomy.objects.exists()


def test_bad_records_are_listed_and_the_command_fails(db, tmp_path):
    import_documents(needs_taxonomy_record())
    bad = service_record(2)
    bad["status"] = "closed"
    unnamed = service_record(3)
    del unnamed["name"]
    path = tmp_path / "feed.json"
    path.write_text(json.dumps(page_of([service_record(1), bad, unnamed])))
    err = StringIO()
    with pytest.raises(CommandError, match="2 records of the feed are not valid .*nothing was imported"):
        call_command("import_directory", str(path), stdout=StringIO(), stderr=err)
    lines = err.getvalue().splitlines()
    assert any(
        line.startswith("Record 2 (contents[1], id ") and "status: must be one of" in line for line in lines
    )
    assert any(
        line.startswith("Record 3 (contents[2], id ") and line.endswith("name is required") for line in lines
    )
    assert not Service.objects.exists()


def test_a_missing_file_fails(db, tmp_path):
    with pytest.raises(CommandError, match="There is no file at"):
        _run(str(tmp_path / "nope.json"))


def test_the_kind_can_be_named(db, tmp_path):
    path = tmp_path / "taxonomy.json"
    path.write_text(
        json.dumps({"id": "5c4d79d7-cc55-470e-9f1f-8cad074e4892", "name": "n", "description": "d"})
    )
    with pytest.raises(CommandError):
        _run(str(path))
    _run(str(path), "--kind", "taxonomy")
    assert Taxonomy.objects.count() == 1


def test_the_exit_status_is_non_zero_on_failure(tmp_path, settings):
    path = tmp_path / "broken.json"
    path.write_text("{")
    result = subprocess.run(
        [sys.executable, str(settings.BASE_DIR / "manage.py"), "import_directory", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "is not valid JSON" in result.stderr
