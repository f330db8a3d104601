"""One settings module, driven by the environment (product.md §12)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("CHANNELDESK_DATA_DIR", "./var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        # O_EXCL so two processes starting at once cannot write two different keys.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("CHANNELDESK_DEBUG", "") == "1"
BASE_URL = os.environ.get("CHANNELDESK_BASE_URL", "http://127.0.0.1:8000").rstrip("/")


def _allowed_hosts() -> list[str]:
    """CHANNELDESK_ALLOWED_HOSTS if set, else the host of CHANNELDESK_BASE_URL and loopback:
    a request naming another host (Host header attacks) is refused with 400."""
    if configured := os.environ.get("CHANNELDESK_ALLOWED_HOSTS"):
        return [h.strip() for h in configured.split(",") if h.strip()]
    from urllib.parse import urlsplit

    return sorted({urlsplit(BASE_URL).hostname or "localhost", "localhost", "127.0.0.1", "[::1]"})


ALLOWED_HOSTS = _allowed_hosts()
SMTP_URL = os.environ.get("SMTP_URL", "")
DEFAULT_FROM_EMAIL = os.environ.get(
    "CHANNELDESK_FROM_EMAIL", "Channeldesk <noreply@channeldesk.local>"
)
SECURE = BASE_URL.startswith("https://")
# Webhook URLs resolving to loopback/private/link-local addresses are refused unless allowed
# (a test or lab setup with a receiver on the same host).
WEBHOOK_ALLOW_PRIVATE = os.environ.get("CHANNELDESK_WEBHOOK_ALLOW_PRIVATE", "") == "1"
# The PBX connection test refuses loopback addresses (the platform itself) unless allowed.
CONNECTION_TEST_ALLOW_LOOPBACK = (
    os.environ.get("CHANNELDESK_CONNECTION_TEST_ALLOW_LOOPBACK", "") == "1"
)
TESTING = os.environ.get("CHANNELDESK_TESTING", "") == "1"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks_db",
    # Only for its templates and static files: the API docs page serves Swagger UI from our
    # own static files (no CDN in the docs page's CSP).
    "ninja",
    "channeldesk.core",
    "channeldesk.tenancy",
    "channeldesk.identity",
    "channeldesk.audit",
    "channeldesk.notifications",
    "channeldesk.catalog",
    "channeldesk.accounts",
    "channeldesk.onboarding",
    "channeldesk.relationships",
    "channeldesk.subscriptions",
    "channeldesk.contracts",
    "channeldesk.billing",
    "channeldesk.telephony",
    "channeldesk.api",
]

MIDDLEWARE = [
    "channeldesk.core.middleware.RequestContextMiddleware",
    "channeldesk.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Session, CSRF, authentication and messages are skipped for bearer-token API requests
    # (core.middleware.web_only); everything else runs on every request.
    "channeldesk.core.web_middleware.Session",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "channeldesk.core.web_middleware.Csrf",
    "channeldesk.core.web_middleware.Authentication",
    "channeldesk.identity.middleware.ActorMiddleware",
    "channeldesk.api.middleware.ApiMiddleware",
    "channeldesk.core.web_middleware.Messages",
]

ROOT_URLCONF = "channeldesk.urls"
WSGI_APPLICATION = "channeldesk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csrf",
                "django.contrib.messages.context_processors.messages",
                "channeldesk.core.context.shell",
            ],
            "builtins": ["django.templatetags.i18n"],
        },
    }
]

DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'channeldesk.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=600)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL for concurrent readers, IMMEDIATE so writers queue on busy_timeout instead of
        # failing on lock upgrade, foreign keys enforced (quality.md 23). A 64 MiB page cache
        # per connection (SQLite's default is 2 MiB): at 1 M accounts a reseller's pages lie
        # scattered over a 10 GB file; its subscriptions page took 20 ms of SQL, 13 ms with it.
        "init_command": (
            "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;"
            "PRAGMA busy_timeout=10000;PRAGMA foreign_keys=ON;PRAGMA cache_size=-65536;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 10,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 600
    DATABASES["default"].setdefault("TEST", {})["NAME"] = os.environ.get(
        "CHANNELDESK_TEST_SQLITE", str(DATA_DIR / "test.sqlite3")
    )
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "identity.User"
AUTHENTICATION_BACKENDS = ["channeldesk.identity.backends.EmailBackend"]
LOGIN_URL = "/auth/login"

PASSWORD_HASHERS = ["channeldesk.identity.hashers.ChanneldeskArgon2Hasher"]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "channeldesk.identity.passwords.BreachedPasswordValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("email", "name")},
    },
    {"NAME": "channeldesk.identity.passwords.MaximumLengthValidator"},
]

SESSION_ENGINE = "channeldesk.identity.sessions"
SESSION_COOKIE_AGE = 12 * 3600  # absolute lifetime
SESSION_IDLE_SECONDS = 2 * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_TRUSTED_ORIGINS = [BASE_URL]
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "no-referrer"
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("de", "Deutsch"), ("nl", "Nederlands")]
LANGUAGE_COOKIE_NAME = "channeldesk_language"
# Per-app catalogs live in each app; this one holds templates/ and core/. Extraction per app
# (scripts/messages.sh) must not be redirected here.
LOCALE_PATHS = [] if os.environ.get("CHANNELDESK_EXTRACT_APP") else [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"
OPERATOR_TIME_ZONE = os.environ.get("CHANNELDESK_OPERATOR_TZ", "Europe/Berlin")

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

TASKS = {
    "default": {
        "BACKEND": os.environ.get("CHANNELDESK_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Provisioning delay for orders: None = next day 06:00 in the operator's time zone.
PROVISIONING_DELAY_SECONDS = (
    int(os.environ["CHANNELDESK_PROVISIONING_DELAY"])
    if os.environ.get("CHANNELDESK_PROVISIONING_DELAY")
    else None
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("CHANNELDESK_LOG_LEVEL", "WARNING")},
    "loggers": {
        "channeldesk": {"level": os.environ.get("CHANNELDESK_LOG_LEVEL", "INFO")},
        "django.request": {"level": "ERROR"},
    },
}
