"""Settings for the congress portal: one module, read from the environment.

Defaults give the embedded setup (SQLite file under ./data, an embedded Celery broker, console
e-mail); production sets the variables documented in `.env.example`.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONCE as _csp_nonce
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from congress.env import env_bool, env_int, env_int_list, env_list, env_str, env_url

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("DATA_DIR", str(BASE_DIR / "data")))
TESTING = "pytest" in sys.modules or env_bool("DJANGO_TESTING", False)

DEBUG = env_bool("DJANGO_DEBUG", True)
_DEV_SECRET = "dev-only-insecure-key-never-use-in-production-0123456789abcdefghijkl"
SECRET_KEY = env_str("DJANGO_SECRET_KEY", _DEV_SECRET if DEBUG else None)
if not DEBUG and (SECRET_KEY == _DEV_SECRET or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be a random string of 50+ characters in production"
    )
ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "django_celery_beat",
    # Second factor (TOTP + backup codes; congress/mfa.py) and the Content Security Policy.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    # The shared institution first, then the domain apps.
    "congress",
    "congress.jointmeetings",
    "deputies",
    "experts",
    "motions",
    "motions.suggestions",
    "evaluations",
    "evaluations.reviews",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Hits of the public page cache, before sessions, locale, CSRF and auth (congress/caching.py).
    "congress.caching.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "congress.security.SessionIdleTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, so that its refusals get the headers of the middleware above (X-Frame-Options…).
    "congress.mfa.SecondFactorMiddleware",
]

ROOT_URLCONF = "congress.urls"
WSGI_APPLICATION = "congress.wsgi.application"
ASGI_APPLICATION = "congress.asgi.application"
AUTH_USER_MODEL = "congress.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portal:dashboard"
LOGOUT_REDIRECT_URL = "public:home"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "congress.context_processors.portal",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env_url(
    "DATABASE_URL",
    f"sqlite:///{DATA_DIR / 'congress.sqlite3'}",
    schemes={"sqlite", "postgres", "postgresql", "pgsql"},
)
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60, minimum=0)
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # WAL lets the worker and the web process use the file at once; a generous busy timeout
    # makes writers wait instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    if DATABASE_URL.startswith("sqlite:///") and not TESTING:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
IS_POSTGRES = DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql")

# --- Cache and Celery -----------------------------------------------------------------------
REDIS_URL = env_url("REDIS_URL", None, schemes={"redis", "rediss"})
if REDIS_URL and TESTING and os.environ.get("PYTEST_XDIST_WORKER"):
    # Each pytest-xdist worker gets its own Redis database, since tests clear the cache.
    _worker = int(os.environ["PYTEST_XDIST_WORKER"].removeprefix("gw") or 0)
    REDIS_URL = urlsplit(REDIS_URL)._replace(path=f"/{1 + _worker % 15}").geturl()
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's RedisCache behind a circuit breaker: a Redis outage is logged once and
            # answered by a process-local stand-in, Redis is retried every RETRY_SECONDS and
            # what changed meanwhile is invalidated on return (congress/resilience.py;
            # docs/operations.md, "Redis outage").
            "BACKEND": "congress.resilience.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "congress",
            "TIMEOUT": 300,
            "RETRY_SECONDS": 10,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    CELERY_BROKER_URL = REDIS_URL
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "congress",
        }
    }
    # Embedded broker: messages are files under DATA_DIR/broker; no server to install.
    CELERY_BROKER_URL = "filesystem://"
    _broker_dir = DATA_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
    if not TESTING:
        for sub in ("queue", "processed", "control"):
            (_broker_dir / sub).mkdir(parents=True, exist_ok=True)

CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_TASK_ACKS_LATE = True  # at-least-once: a task is acknowledged after it ran
CELERY_TASK_REJECT_ON_WORKER_LOST = True  # a killed worker's task goes back to the queue
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 240, minimum=1)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300, minimum=1)
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker waits out a Redis outage of any length (Celery's default gives up after 100 tries,
# about 50 minutes, and exits); docs/operations.md, "Redis outage".
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# Publishing must never hang a web request when the broker is down: fail fast, the sweep
# catches up on whatever was not enqueued.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)

# --- Auth -----------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

SESSION_COOKIE_AGE = env_int("SESSION_ABSOLUTE_SECONDS", 12 * 3600, minimum=60)
SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_SECONDS", 30 * 60, minimum=60)
LOGIN_MAX_FAILURES = env_int("LOGIN_MAX_FAILURES", 5, minimum=1)
LOGIN_COOLOFF_SECONDS = env_int("LOGIN_COOLOFF_SECONDS", 15 * 60, minimum=1)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Sessions live in the database (revocation deletes a user's rows: congress/security.py).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Staff always need a second factor (congress/mfa.py); this makes it required for every account.
MFA_REQUIRED_FOR_ALL = env_bool("MFA_REQUIRED_FOR_ALL", False)
OTP_TOTP_ISSUER = "海淀区人大常委会门户"

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
# One catalogue per app, so that each app owns its translations (see docs/architecture.md).
I18N_DOMAINS = [
    "congress",
    "jointmeetings",
    "deputies",
    "experts",
    "motions",
    "suggestions",
    "evaluations",
    "reviews",
]
LOCALE_PATHS = [BASE_DIR / "locale" / name for name in I18N_DOMAINS]

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(DATA_DIR / "media")))
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(DATA_DIR / "private")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
    # Non-public files (reports not yet published, suggestion attachments, reply letters): no
    # URL, outside MEDIA_ROOT, streamed only by permission-checked views (docs/security.md).
    "private": {"BACKEND": "congress.uploads.PrivateFileSystemStorage"},
}
PRIVATE_STORAGE_S3_BUCKET = env_str("PRIVATE_STORAGE_S3_BUCKET", "")
if PRIVATE_STORAGE_S3_BUCKET:
    # With S3 (django-storages): a private bucket or prefix, never a public or signed URL.
    STORAGES["private"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": PRIVATE_STORAGE_S3_BUCKET,
            "location": env_str("PRIVATE_STORAGE_S3_PREFIX", "private"),
            "default_acl": "private",
            "querystring_auth": False,
            "file_overwrite": False,
        },
    }
# Media on S3-compatible object storage (django-storages), so that any web node serves any file
# (docs/deployment.md, "Scale beyond one machine"). The credentials and endpoint below serve the
# public media bucket and the private one above alike.
AWS_S3_ENDPOINT_URL = env_str("AWS_S3_ENDPOINT_URL", "") or None
AWS_S3_REGION_NAME = env_str("AWS_S3_REGION_NAME", "") or None
AWS_ACCESS_KEY_ID = env_str("AWS_ACCESS_KEY_ID", "") or None
AWS_SECRET_ACCESS_KEY = env_str("AWS_SECRET_ACCESS_KEY", "") or None
AWS_S3_ADDRESSING_STYLE = env_str("AWS_S3_ADDRESSING_STYLE", "") or None
AWS_S3_SIGNATURE_VERSION = "s3v4"
MEDIA_S3_BUCKET = env_str("MEDIA_S3_BUCKET", "")
if MEDIA_S3_BUCKET:
    # Public uploads (photos): with MEDIA_S3_CUSTOM_DOMAIN (e.g. portal.example.gov.cn/media, the
    # reverse proxy forwarding /media/ to the bucket) plain same-origin URLs; without it, signed
    # URLs that expire after MEDIA_S3_URL_SECONDS, so the bucket itself never needs public reads.
    _media_domain = env_str("MEDIA_S3_CUSTOM_DOMAIN", "") or None
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_S3_BUCKET,
            "location": env_str("MEDIA_S3_PREFIX", "media"),
            "default_acl": None,
            "file_overwrite": False,
            "custom_domain": _media_domain,
            "querystring_auth": _media_domain is None,
            "querystring_expire": env_int("MEDIA_S3_URL_SECONDS", 3600, minimum=60),
        },
    }
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "海淀区人大常委会 <noreply@congress.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security (production) ------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content Security Policy (django-csp 4) on every response: only our own files, no inline script
# (a script that must be inline needs the request's nonce), no plugins, no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", _csp_nonce],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if env_bool("DJANGO_BEHIND_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "congress.api.FilterBackend",  # django-filter, refusing malformed values with 400
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "congress.api.Pagination",
    "PAGE_SIZE": 20,
    "EXCEPTION_HANDLER": "congress.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "区人大常委会门户 API / District People's Congress Portal API",
    "DESCRIPTION": "Motions, suggestions, reviews, evaluations, deputies, stations and experts.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# --- The portal's own rules -----------------------------------------------------------------
# Days before a due date at which reminders go out (the deadline engine; docs/deadlines.md).
DEADLINE_REMINDER_OFFSETS = sorted(
    env_int_list("DEADLINE_REMINDER_OFFSETS", [14, 3, 1]), reverse=True
)
DEADLINE_ESCALATION_DAYS = env_int("DEADLINE_ESCALATION_DAYS", 7, minimum=1)
DEADLINE_SWEEP_MINUTES = env_int("DEADLINE_SWEEP_MINUTES", 15, minimum=1)
DEADLINE_SWEEP_BATCH = env_int("DEADLINE_SWEEP_BATCH", 2000, minimum=1)
NOTIFICATION_CHANNELS = env_list("NOTIFICATION_CHANNELS", ["inbox", "email"])
# Personal data: days each kind is kept before the daily privacy job erases it (docs/privacy.md).
PRIVACY_RETENTION_DAYS = {
    # voters' names and contacts, counted from the day their opinion was closed
    "voter_contact": env_int("PRIVACY_VOTER_CONTACT_DAYS", 730, minimum=1),
    # deputies' mobile, e-mail and address, counted from the end of their last mandate
    "deputy_contact": env_int("PRIVACY_DEPUTY_CONTACT_DAYS", 1825, minimum=1),
    # experts' mobile and e-mail, counted from the end of their appointment
    "expert_contact": env_int("PRIVACY_EXPERT_CONTACT_DAYS", 1825, minimum=1),
    # the personal-data access log itself (who read what)
    "access_log": env_int("PRIVACY_ACCESS_LOG_DAYS", 1095, minimum=180),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
