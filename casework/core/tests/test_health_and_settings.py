import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.db.utils import OperationalError

ROOT = Path(__file__).resolve().parents[3]


def test_healthz_names_the_database(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["state"] == "ok"
    assert body["database"]["vendor"] in {"sqlite", "postgresql"}


def test_healthz_is_503_when_the_database_is_unreachable(client, db):
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"]["state"] == "unreachable"


def _settings_in_subprocess(env):
    code = "import django; from django.conf import settings; django.setup(); print(settings.SECRET_KEY[:4])"
    full_env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    full_env.update(env, DJANGO_SETTINGS_MODULE="config.settings")
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=full_env, capture_output=True, text=True
    )


def test_production_mode_refuses_to_start_without_a_secret_key():
    result = _settings_in_subprocess({"DEBUG": "0"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_mode_refuses_a_weak_secret_key():
    result = _settings_in_subprocess({"DEBUG": "0", "SECRET_KEY": "short"})
    assert result.returncode != 0
    assert "too weak" in result.stderr


def test_production_mode_starts_with_a_real_secret_key():
    result = _settings_in_subprocess(
        {"DEBUG": "0", "SECRET_KEY": "x" * 20 + "a-real-random-secret-key-value"}
    )
    assert result.returncode == 0, result.stderr


def test_passwords_are_hashed_with_argon2_and_sessions_expire_after_30_idle_minutes():
    from config import settings as production

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert production.SESSION_COOKIE_AGE == 30 * 60
    assert production.SESSION_SAVE_EVERY_REQUEST is True


@pytest.mark.django_db
def test_sqlite_runs_in_wal_mode(settings):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        mode = cursor.fetchone()[0]
    # The in-memory test database cannot use WAL; the setting is what the real database opens with.
    assert "journal_mode=WAL" in settings.DATABASES["default"]["OPTIONS"]["init_command"]
    assert mode in {"wal", "memory"}
