"""civicgrid settings, read from the environment (docs/configuration.md lists them all)."""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from civicgrid.lib.env import (
    env_bool,
    env_choice,
    env_float,
    env_int,
    env_int_list,
    env_list,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("CIVICGRID_DATA_DIR", str(BASE_DIR / "var"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if DEBUG:
    SECRET_KEY = SECRET_KEY or "insecure-development-key-do-not-use-in-production"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "testserver"]
else:
    if not SECRET_KEY:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_ROOT = env_str("SITE_ROOT", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "civicgrid.people",
    "civicgrid.areas",
    "civicgrid.categories",
    "civicgrid.worktime",
    "civicgrid.cases",
    "civicgrid.campaigns",
    "civicgrid.inspections",
    "civicgrid.ledgers",
    "civicgrid.scoring",
    "civicgrid.dashboard",
    "civicgrid.public",
    "civicgrid.notifications",
    "civicgrid.open311",
    "civicgrid.api",
    "civicgrid.documents",
    "civicgrid.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "civicgrid.urls"
WSGI_APPLICATION = "civicgrid.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "civicgrid" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "civicgrid.people.context_processors.authz",
            ],
        },
    },
]

# Database: SQLite in WAL mode under DATA_DIR unless DATABASE_URL names another.
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "civicgrid.sqlite3",
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "civicgrid_cache",
        }
    }

TASKS = {
    "default": {
        "BACKEND": env_choice(
            "TASKS_BACKEND",
            ["django_tasks_db.DatabaseBackend", "django_tasks.backends.immediate.ImmediateBackend"],
            "django_tasks_db.DatabaseBackend",
        ),
        "QUEUES": ["default"],
    }
}

AUTH_USER_MODEL = "people.User"
AUTHENTICATION_BACKENDS = ["civicgrid.people.backends.UsernameOrPhoneBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "civicgrid.people.validators.NotDemoPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
LOGIN_MAX_FAILURES = env_int("LOGIN_MAX_FAILURES", 5, minimum=1)
LOGIN_LOCKOUT_SECONDS = env_int("LOGIN_LOCKOUT_SECONDS", 900, minimum=1)

LANGUAGE_CODE = "zh-hans"
# Each language named in itself, so a reader can always find their own.
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "civicgrid" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "civicgrid" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# REST API tokens exchanged for a password last this many days (admins make longer ones).
API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 90, minimum=1)

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL exclude each other: set one.")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "civicgrid@localhost")

# Working-time clock (工作时): office hours of a working day, local time.
WORK_HOURS = env_str("WORK_HOURS", "08:30-12:00,14:00-17:30")
# Cases: remind the handler when this share of the working time has passed.
CASE_REMIND_SHARE = env_float("CASE_REMIND_SHARE", 0.8)
if not 0 < CASE_REMIND_SHARE < 1:
    raise ImproperlyConfigured("CASE_REMIND_SHARE must lie between 0 and 1")
# Surveys: answers one address may send per window (a community hall shares one Wi-Fi).
SURVEY_RATE_PER_IP = env_int("SURVEY_RATE_PER_IP", 60, minimum=1)
SURVEY_RATE_WINDOW = env_int("SURVEY_RATE_WINDOW", 3600, minimum=1)
# Satisfaction: ratings at or above this level (5 非常满意 … 1 非常不满意) count as satisfied.
SATISFIED_MIN_LEVEL = env_int("SATISFIED_MIN_LEVEL", 3, minimum=1)
# Escalation after expiry, in working hours overdue, per level: community, street, leader.
CASE_ESCALATION_HOURS = env_int_list("CASE_ESCALATION_HOURS", [0, 14, 35])

# Dashboard: a recurring-problem spot (顽疾点位) is one category reported this many times
# within this many days within this many metres of one place.
DASHBOARD_HOTSPOT_COUNT = env_int("DASHBOARD_HOTSPOT_COUNT", 3, minimum=2)
DASHBOARD_HOTSPOT_DAYS = env_int("DASHBOARD_HOTSPOT_DAYS", 30, minimum=1)
DASHBOARD_HOTSPOT_METRES = env_int("DASHBOARD_HOTSPOT_METRES", 50, minimum=1)

# Notifications: e-mail and group robots are sent by the worker; a failed send is retried
# after NOTIFY_RETRY_SECONDS, doubling each time, at most NOTIFY_MAX_ATTEMPTS times.
NOTIFY_TIMEOUT_SECONDS = env_float("NOTIFY_TIMEOUT_SECONDS", 5.0)
if NOTIFY_TIMEOUT_SECONDS <= 0:
    raise ImproperlyConfigured("NOTIFY_TIMEOUT_SECONDS must be more than 0")
NOTIFY_MAX_ATTEMPTS = env_int("NOTIFY_MAX_ATTEMPTS", 5, minimum=1)
NOTIFY_RETRY_SECONDS = env_int("NOTIFY_RETRY_SECONDS", 60, minimum=1)

# Residents' channel (/p/): uploads, and how often one address or one phone may submit.
PUBLIC_UPLOAD_MAX_MB = env_int("PUBLIC_UPLOAD_MAX_MB", 10, minimum=1)
PUBLIC_RATE_PER_IP = env_int("PUBLIC_RATE_PER_IP", 20, minimum=1)
PUBLIC_RATE_IP_WINDOW = env_int("PUBLIC_RATE_IP_WINDOW", 3600, minimum=1)
PUBLIC_RATE_PER_PHONE = env_int("PUBLIC_RATE_PER_PHONE", 5, minimum=1)
PUBLIC_RATE_PHONE_WINDOW = env_int("PUBLIC_RATE_PHONE_WINDOW", 86400, minimum=1)
# Behind a proxy, the header holding the client's address (X-Real-IP); empty: REMOTE_ADDR.
CLIENT_IP_HEADER = env_str("CLIENT_IP_HEADER")

# Supporting documents (佐证材料): the largest file a unit may upload, in MB.
EVIDENCE_MAX_MB = env_int("EVIDENCE_MAX_MB", 20, minimum=1)

# Map: a tile URL template (e.g. 天地图 with its key); empty shows polygons on a blank map.
MAP_TILE_URL = env_str("MAP_TILE_URL")
MAP_TILE_ATTRIBUTION = env_str("MAP_TILE_ATTRIBUTION")
MAP_CENTER_LAT = env_float("MAP_CENTER_LAT", 35.2157)
MAP_CENTER_LNG = env_float("MAP_CENTER_LNG", 113.2418)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
