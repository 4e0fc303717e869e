"""Settings for the test suite: development mode, fast password hashing."""

import os

os.environ.setdefault("DEBUG", "1")

from config.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AXES_ENABLED = True
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405

import tempfile  # noqa: E402

# Letters the tests send go to a folder of their own, never var/.
CASEWORK_LETTERS_DIR = tempfile.mkdtemp(prefix="casework-letters-")
# Source files the risk tests upload, likewise.
CASEWORK_RISK_UPLOADS_DIR = tempfile.mkdtemp(prefix="casework-risk-uploads-")
