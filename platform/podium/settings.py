"""Podium settings: every value comes from an environment variable with an embedded default.

Embedded defaults (demo, one machine): SQLite file, Celery on kombu's SQLAlchemy transport over a
SQLite file (a real worker process, no broker service), media in a local folder.
Production: DATABASE_URL=postgres://..., CELERY_BROKER_URL=redis://... or amqp://..., S3 storage.
"""

import importlib.util
import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parents[2]
VAR_DIR = Path(os.environ.get("PODIUM_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).lower() in ("1", "true", "yes", "on")


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "podium-insecure-development-key-change-me")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "podium",
    "challenges",
    "submissions",
    "leaderboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files (our CSS, plotly.js, Swagger UI) served by the app itself: no CDN, no extra server.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "podium.urls"
WSGI_APPLICATION = "podium.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'podium.sqlite3'}"), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The web server and the worker process share the file: wait for locks instead of failing.
    DATABASES["default"]["OPTIONS"] = {"timeout": 30, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [{"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"}]
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/accounts/"
LOGOUT_REDIRECT_URL = "/"

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("PODIUM_STATIC_ROOT", VAR_DIR / "static"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# plotly.js comes from the plotly package itself and is served by us (no CDN): /static/plotly/plotly.min.js
_plotly = importlib.util.find_spec("plotly")
STATICFILES_DIRS = [("plotly", Path(_plotly.submodule_search_locations[0]) / "package_data")] if _plotly else []
MEDIA_ROOT = Path(os.environ.get("PODIUM_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
# Ground truth and participants' files live under PRIVATE_ROOT, which no URL serves.
PRIVATE_ROOT = Path(os.environ.get("PODIUM_PRIVATE_ROOT", VAR_DIR / "private"))

if os.environ.get("PODIUM_S3_BUCKET"):
    _s3 = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {"bucket_name": os.environ["PODIUM_S3_BUCKET"]}}
    STORAGES = {"default": _s3, "private": _s3, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
else:
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "private": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(PRIVATE_ROOT), "base_url": None}},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
WHITENOISE_USE_FINDERS = True  # serve from the apps' static folders without collectstatic

# Celery: a real worker process in every configuration (never eager mode).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", f"sqla+sqlite:///{VAR_DIR / 'celery-broker.sqlite3'}")
CELERY_TASK_ALWAYS_EAGER = False

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "podium.errors.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Podium API",
    "VERSION": "0.1.0",
    # Swagger UI served from our own static files (drf-spectacular-sidecar), never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Upload limits (a phase may set a lower one).
PODIUM_MAX_UPLOAD_BYTES = int(os.environ.get("PODIUM_MAX_UPLOAD_BYTES", 50 * 1024 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("PODIUM_LOG_LEVEL", "INFO")},
}

# Submission jobs (submissions app): heartbeats, the watchdog, broker message lifetime, deadlines.
PODIUM_HEARTBEAT_INTERVAL_S = float(os.environ.get("PODIUM_HEARTBEAT_INTERVAL_S", 10))
PODIUM_HEARTBEAT_STALE_S = float(os.environ.get("PODIUM_HEARTBEAT_STALE_S", 60))
PODIUM_WATCHDOG_INTERVAL_S = float(os.environ.get("PODIUM_WATCHDOG_INTERVAL_S", 30))
PODIUM_WATCHDOG_IN_WORKERS = env_bool("PODIUM_WATCHDOG_IN_WORKERS", True)
PODIUM_QUEUED_RESEND_S = float(os.environ.get("PODIUM_QUEUED_RESEND_S", 300))
PODIUM_MESSAGE_EXPIRES_S = float(os.environ.get("PODIUM_MESSAGE_EXPIRES_S", 900))
PODIUM_SCORING_DEADLINE_S = float(os.environ.get("PODIUM_SCORING_DEADLINE_S", 3600))
PODIUM_MAX_ATTEMPTS = int(os.environ.get("PODIUM_MAX_ATTEMPTS", 3))
# An oversized submission upload is refused from its Content-Length, before its body is read.
MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.csrf.CsrfViewMiddleware"), "submissions.middleware.SubmissionUploadLimit")
PODIUM_QUEUED_DEADLINE_S = float(os.environ.get("PODIUM_QUEUED_DEADLINE_S", 24 * 3600))

# Container submissions (submissions/container_runs.py, container_tasks.py): the largest image archive
# (a phase may set a lower one), the log tail a team sees of its trial run, the time a job may take
# beyond the phase's time limit (loading the image, scoring), and image-cache pruning on each worker.
PODIUM_MAX_IMAGE_BYTES = int(os.environ.get("PODIUM_MAX_IMAGE_BYTES", 10 * 1024**3))
PODIUM_TRIAL_LOG_BYTES = int(os.environ.get("PODIUM_TRIAL_LOG_BYTES", 16 * 1024))
PODIUM_CONTAINER_SLACK_S = float(os.environ.get("PODIUM_CONTAINER_SLACK_S", 600))
PODIUM_CONTAINER_MAINTENANCE_S = float(os.environ.get("PODIUM_CONTAINER_MAINTENANCE_S", 600))
PODIUM_IMAGE_MAX_AGE_S = float(os.environ.get("PODIUM_IMAGE_MAX_AGE_S", 7 * 24 * 3600))
PODIUM_IMAGE_CACHE_BYTES = int(os.environ.get("PODIUM_IMAGE_CACHE_BYTES", 100 * 1024**3))
