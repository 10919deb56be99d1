"""Settings for minhbach, read from the environment (see ``.env.example``).

One file for every deployment: a commune runs the embedded SQLite database, a province points
``DATABASE_URL`` at PostgreSQL. Production (``DEBUG`` off) refuses to start without a secret key
and allowed hosts, so an insecure default can never reach a public server.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def _load_dotenv(path: Path) -> None:
    """Read ``KEY=VALUE`` lines of a local ``.env`` file; the real environment wins."""
    if not path.is_file():
        return
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        os.environ.setdefault(key.strip(), value.strip().strip('"').strip("'"))


_load_dotenv(Path(os.environ.get("MINHBACH_ENV_FILE", str(BASE_DIR / ".env"))))


def env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in (env(name, default) or "").split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)
_DEV_SECRET = "insecure-development-key-do-not-use-in-production"  # noqa: S105
SECRET_KEY = env("DJANGO_SECRET_KEY", _DEV_SECRET if DEBUG else None)
if not SECRET_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "django_htmx",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "minhbach.core",
    "minhbach.units",
    "minhbach.accounts",
    "minhbach.procedures",
    "minhbach.dossiers",
    "minhbach.feedback",
    "minhbach.open311",
    "minhbach.ratings",
    "minhbach.disclosure",
    "minhbach.indicators",
    "minhbach.emulation",
    "minhbach.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "minhbach.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "minhbach" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite by default: WAL journal and IMMEDIATE transactions, so that two desks writing at once
# queue for the write lock instead of failing with "database is locked" half-way through.
SQLITE_PATH = env("SQLITE_PATH", str(BASE_DIR / "var" / "minhbach.sqlite3"))
DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
    if DATABASES["default"]["ENGINE"].endswith("postgresql") and not env_bool("MINHBACH_PG_JIT", False):
        # PostgreSQL's JIT compiles the indicators' whole-table aggregates for seconds before
        # running them for a fraction of that (bench/bench_indicators.py: 2.8 s vs 0.33 s at
        # 20,000 dossiers); the OLTP queries never gain from it. MINHBACH_PG_JIT=1 keeps it.
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_PATH,
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"
                    "PRAGMA busy_timeout=20000;"
                ),
            },
            "TEST": {"NAME": env("SQLITE_TEST_PATH")},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:staff-home"
LOGOUT_REDIRECT_URL = "portal:home"

# Brute-force protection: five failures lock the username+address pair for one hour.
AXES_FAILURE_LIMIT = int(env("AXES_FAILURE_LIMIT", "5") or 5)
AXES_COOLOFF_TIME = float(env("AXES_COOLOFF_HOURS", "1") or 1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# --- Language and time ------------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "minhbach" / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Ho_Chi_Minh"

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "var" / "media")) or "")

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "minhbach API",
    "DESCRIPTION": "API của nền tảng minhbach",
    "VERSION": "0.1.0",
}

# Absolute address of the public site, printed in QR codes and posters (they leave the browser).
PUBLIC_BASE_URL = (env("MINHBACH_PUBLIC_URL", "http://127.0.0.1:8000") or "").rstrip("/")

# Cache: per-process memory by default; a shared Redis when REDIS_URL is set. Rate limits (public
# dossier lookup) need the shared one as soon as more than one worker process serves the site.
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Citizens' uploads and the public lookup (minhbach.dossiers.uploads, minhbach.dossiers.views.public).
DOSSIER_UPLOAD_MAX_FILE_BYTES = int(env("DOSSIER_UPLOAD_MAX_FILE_MB", "10") or 10) * 1024 * 1024
DOSSIER_UPLOAD_MAX_TOTAL_BYTES = int(env("DOSSIER_UPLOAD_MAX_TOTAL_MB", "30") or 30) * 1024 * 1024
DOSSIER_LOOKUP_RATE_LIMIT = int(env("DOSSIER_LOOKUP_RATE_LIMIT", "10") or 10)
DOSSIER_LOOKUP_RATE_WINDOW = int(env("DOSSIER_LOOKUP_RATE_WINDOW_SECONDS", "600") or 600)

# Counter kiosk ratings (minhbach.ratings): attempts per client address in the window (seconds).
RATINGS_KIOSK_RATE_LIMIT = int(env("RATINGS_KIOSK_RATE_LIMIT", "20") or 20)
RATINGS_KIOSK_RATE_WINDOW = int(env("RATINGS_KIOSK_RATE_WINDOW_SECONDS", "600") or 600)

# Background work: the Django Tasks API (django-tasks, the same API as Django 6's django.tasks).
# The default queue is a database table (django-tasks-db), worked by ``manage.py db_worker``; no
# broker to run. ``immediate`` runs each task in the enqueuing process (development, tests).
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "dummy": "django_tasks.backends.dummy.DummyBackend",
}
_task_backend = env("MINHBACH_TASKS_BACKEND", "database") or "database"
TASKS = {"default": {"BACKEND": _TASK_BACKENDS.get(_task_backend, _task_backend)}}

# Notifications to applicants and officers (minhbach.dossiers.notifications). Email goes through
# Django's EMAIL_BACKEND (console by default: nothing leaves the machine until SMTP is set up);
# SMS through a pluggable backend, a dotted path to a BaseSmsBackend subclass.
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25") or 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "") or ""
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "") or ""
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "minhbach <no-reply@localhost>")
MINHBACH_SMS_BACKEND = env("MINHBACH_SMS_BACKEND", "minhbach.dossiers.notifications.ConsoleSmsBackend")

# Where the public reference data lives (never copied into the repository).
SHARED_DATA_DIR = Path(env("MINHBACH_SHARED_DATA", str(BASE_DIR.parent / "shared" / "data")) or "")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}
