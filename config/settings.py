"""Casework settings, read from the environment.

SQLite under var/ by default; DATABASE_URL selects PostgreSQL. DEBUG off is production mode.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from casework.accounts.choices import Role as _Role

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("CASEWORK_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG", False)

_DEV_SECRET_KEY = "casework-development-only-secret-key-not-for-production"
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set in production mode (DEBUG off). "
            "Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    SECRET_KEY = _DEV_SECRET_KEY
elif not DEBUG and (
    SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 32 or SECRET_KEY.startswith("django-insecure")
):
    raise ImproperlyConfigured(
        "SECRET_KEY is too weak for production mode: use at least 32 random characters."
    )

ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()
]
if DEBUG:
    ALLOWED_HOSTS += ["testserver"]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]
PORT = int(os.environ.get("PORT", "8000"))

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # Only for its templates and static files: the API docs served from here, not from a CDN (CSP).
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "casework.core",
    "casework.accounts",
    "casework.audit",
    "casework.people",
    "casework.cases",
    "casework.allocation",
    "casework.contacts",
    "casework.reporting",
    "casework.plans",
    "casework.tasks",
    "casework.safeguarding",
    "casework.directory",
    "casework.assessments",
    "casework.careact",
    "casework.waiting_list",
    "casework.letters",
    "casework.consent",
    "casework.referrals",
    "casework.risk",
    "casework.subjectaccess",
    "casework.retention",
    "casework.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "casework.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "casework.core.middleware.RequestContextMiddleware",
    "casework.core.middleware.LoginRequiredMiddleware",
    "casework.core.middleware.RefuseNulMiddleware",
    "casework.accounts.middleware.MfaRequiredMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "casework.accounts.context_processors.casework",
            ],
            "builtins": ["casework.core.templatetags.govuk"],
        },
    }
]

DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'casework.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")))
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers carry on while one writer writes; IMMEDIATE avoids lock upgrades failing
        # mid-transaction.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

else:
    # PostgreSQL's parallel query is off for the app's connections unless DATABASE_PARALLEL_WORKERS says
    # otherwise: its reads are index scans of at most tens of thousands of rows (a list's counts), where
    # starting workers costs more CPU than it saves and takes it from the requests beside it.
    _parallel = int(os.environ.get("DATABASE_PARALLEL_WORKERS", "0"))
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c max_parallel_workers_per_gather={_parallel}"
    )
    # Set, so that the few statements core.compiled_queries runs prepared can be (ADR 11); Django's own
    # cursors bind client-side and prepare nothing whatever it says. Off (None) behind a pooler in transaction
    # mode.
    if env_bool("DATABASE_PREPARED_STATEMENTS", True):
        DATABASES["default"]["OPTIONS"]["prepare_threshold"] = 5

# Background work: django-tasks, stored in the database (no broker to install); `manage.py casework_worker`
# runs it and the schedule. A job enqueued inside a service's transaction exists only if the transaction
# commits.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# A job found running for longer than this (its worker died) is run again; effects are idempotent.
CASEWORK_JOB_STALE_SECONDS = int(os.environ.get("CASEWORK_JOB_STALE_SECONDS", "600"))
# Letters: rendered to PDF (WeasyPrint) and sent through a backend: "folder" (the default: PDFs written to
# CASEWORK_LETTERS_DIR for printing and posting) or "notify" (GOV.UK Notify, with CASEWORK_NOTIFY_API_KEY).
CASEWORK_LETTER_BACKEND = os.environ.get("CASEWORK_LETTER_BACKEND", "folder")
CASEWORK_LETTERS_DIR = os.environ.get("CASEWORK_LETTERS_DIR", str(VAR_DIR / "letters" / "outbox"))
CASEWORK_NOTIFY_API_KEY = os.environ.get("CASEWORK_NOTIFY_API_KEY", "")
# Fault injection for the tests of a worker killed half-way: the named checkpoint sleeps for an hour.
CASEWORK_JOB_PAUSE_AT = os.environ.get("CASEWORK_JOB_PAUSE_AT", "")

# Identify: a source file uploaded on the risk pages is kept here until its import job has read it (the
# file's SHA-256 names it; the command line reads its file where it is).
CASEWORK_RISK_UPLOADS_DIR = os.environ.get("CASEWORK_RISK_UPLOADS_DIR", str(VAR_DIR / "risk" / "uploads"))
# The largest file an upload may be (streamed to disk, never held in memory); larger files: risk_import.
CASEWORK_RISK_UPLOAD_MAX_BYTES = int(os.environ.get("CASEWORK_RISK_UPLOAD_MAX_BYTES", str(2 * 1024**3)))
# Matching runs and training export records to Parquet here for DuckDB and Splink
# (a folder per run, removed after).
CASEWORK_RISK_MATCHING_DIR = os.environ.get("CASEWORK_RISK_MATCHING_DIR", str(VAR_DIR / "risk" / "matching"))

# A request body over 1 MB is refused (the API answers 413); casework/core/limits.py has the other limits.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions end after 30 minutes without a request.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_SECONDS", "1800"))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# django-axes: lock an account and address pair after repeated failures, for a cool-off period.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [
    ("govuk", BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"),
    ("moj", BASE_DIR / "node_modules" / "@ministryofjustice" / "frontend" / "moj"),
    ("htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("chartjs", BASE_DIR / "node_modules" / "chart.js" / "dist"),
    ("build", BASE_DIR / "var" / "build"),
]
STATICFILES_DIRS = [entry for entry in STATICFILES_DIRS if entry[1].exists()]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # HSTS, sent on HTTPS responses only: a year by default, subdomains included; 0 turns it off.
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Content-Security-Policy and Permissions-Policy (casework.core.middleware.SecurityHeadersMiddleware), sent in
# development too so that the browser journeys run under them. No inline script or style anywhere.
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "usb",
        "xr-spatial-tracking",
    )
}
# The API's documentation and contract (/api/v1/docs, /api/v1/openapi.json): public in development, for
# signed-in users only in production unless this says otherwise.
API_DOCS_PUBLIC = env_bool("API_DOCS_PUBLIC", DEBUG)

# Multi-factor sign-in (django-otp, ADR 12): an authenticator app (TOTP) with single-use recovery codes.
# Required for the roles named here (comma-separated Role values), and for every user with
# MFA_REQUIRED_FOR_ALL; anyone else may set it up. API bearer tokens are not affected.
_MFA_ROLES_DEFAULT = "org_admin,auditor,initiative_admin,risk_analyst"
MFA_REQUIRED_ROLES = frozenset(
    role.strip()
    for role in os.environ.get("MFA_REQUIRED_ROLES", _MFA_ROLES_DEFAULT).split(",")
    if role.strip()
)
if MFA_REQUIRED_ROLES - set(_Role.values):
    raise ImproperlyConfigured(
        "MFA_REQUIRED_ROLES names unknown roles: "
        + ", ".join(sorted(MFA_REQUIRED_ROLES - set(_Role.values)))
        + f" (known: {', '.join(_Role.values)})"
    )
MFA_REQUIRED_FOR_ALL = env_bool("MFA_REQUIRED_FOR_ALL", False)
MFA_RECOVERY_CODES = 10
OTP_TOTP_ISSUER = os.environ.get("MFA_ISSUER", "Casework")
# Failed codes wait 1, 2, 4, 8… seconds before the next try (django-otp's throttling, per device).
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# Casework's own settings.
CASEWORK_SERVICE_NAME = "Casework"
BREAK_GLASS_HOURS = float(os.environ.get("BREAK_GLASS_HOURS", "4"))
# How long a person shown in an index search stays openable as a card (and at the duty desk) for that user.
INDEX_CARD_MINUTES = int(os.environ.get("INDEX_CARD_MINUTES", "60"))
DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "casework-demo")
DUPLICATE_DOB_TOLERANCE_DAYS = int(os.environ.get("DUPLICATE_DOB_TOLERANCE_DAYS", "366"))
# Rate limits, counted in the database so that every worker and server counts together (ADR 13).
# API tokens: this many failed tokens from one address within the cool-off lock the address out (429, even
# with a valid token) for the cool-off, as django-axes does for sign-ins.
CASEWORK_API_TOKEN_FAILURE_LIMIT = int(os.environ.get("CASEWORK_API_TOKEN_FAILURE_LIMIT", "10"))
CASEWORK_API_TOKEN_COOLOFF_SECONDS = int(os.environ.get("CASEWORK_API_TOKEN_COOLOFF_SECONDS", "900"))
# Index searches (each one discloses who is known): this many per user in each window, pages and API together.
CASEWORK_INDEX_SEARCH_LIMIT = int(os.environ.get("CASEWORK_INDEX_SEARCH_LIMIT", "20"))
CASEWORK_INDEX_SEARCH_WINDOW_SECONDS = int(os.environ.get("CASEWORK_INDEX_SEARCH_WINDOW_SECONDS", "600"))
