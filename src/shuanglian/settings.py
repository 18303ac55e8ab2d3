"""Shuanglian settings: every knob comes from the environment, with defaults that work alone."""

from pathlib import Path

import dj_database_url

from shuanglian.core.env import (
    env_bool,
    env_int,
    env_list,
    env_secret,
    env_str,
    new_field_key,
    new_secret_key,
)

BASE_DIR = Path(__file__).resolve().parents[2]
VAR_DIR = Path(env_str("SHUANGLIAN_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_secret("SECRET_KEY", VAR_DIR / "secret.key", new_secret_key)
# Key for personal data at rest (ID numbers, phones): 32 bytes, urlsafe base64.
FIELD_KEY = env_secret("SHUANGLIAN_FIELD_KEY", VAR_DIR / "field.key", new_field_key)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "shuanglian.core",
    "shuanglian.accounts",
    "shuanglian.regions",
    "shuanglian.units",
    "shuanglian.households",
    "shuanglian.imports",
    "shuanglian.exports",
    "shuanglian.pairings",
    "shuanglian.projects",
    "shuanglian.meetings",
    "shuanglian.assistance",
    "shuanglian.lifecycle",
    "shuanglian.ratings",
    "shuanglian.booklet",
    "shuanglian.monitoring",
    "shuanglian.assessments",
    "shuanglian.alerts",
    "shuanglian.briefs",
    "shuanglian.dashboard",
    "shuanglian.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "shuanglian.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "shuanglian.accounts.middleware.SessionIdleMiddleware",
    "shuanglian.accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "shuanglian.core.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = "shuanglian.urls"
WSGI_APPLICATION = "shuanglian.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]

DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'shuanglian.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers go on while an import writes; IMMEDIATE takes the write lock up front
        # so two writers queue on the busy timeout instead of failing with "database is locked".
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": env_int("SQLITE_BUSY_TIMEOUT", 20),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# Password rules (等保: length, not common, not the username), refused in the user's language
# (accounts.validators words the one refusal Django 5.2 leaves untranslated).
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ["username"]},
    },
    {
        "NAME": "shuanglian.accounts.validators.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Lockout after repeated failures (DHIS2's defaults): this many failed logins of one username
# within LOGIN_LOCK_MINUTES lock the account for LOGIN_LOCK_MINUTES.
LOGIN_MAX_FAILURES = env_int("LOGIN_MAX_FAILURES", 5)
LOGIN_LOCK_MINUTES = env_int("LOGIN_LOCK_MINUTES", 15)
# Lifetime of an API bearer token.
API_TOKEN_HOURS = env_int("API_TOKEN_HOURS", 12)
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
USE_I18N = True
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# WhiteNoise warns on every start when its root is missing; collectstatic fills it for production.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/echarts", BASE_DIR / "node_modules" / "echarts" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve straight from the finders as well, so tests and a fresh checkout need no collectstatic.
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "media"
# Uploaded photos (visits, deeds, projects) are refused above this size. They are served only
# through scoped views, never from MEDIA_ROOT directly: they show households' homes.
PHOTO_MAX_MB = env_int("PHOTO_MAX_MB", 10)
# Registry imports: uploads stream to IMPORT_DIR; a file may be this large.
IMPORT_DIR = Path(env_str("IMPORT_DIR", str(VAR_DIR / "imports")))
IMPORT_MAX_MB = env_int("IMPORT_MAX_MB", 500)
# Exports of more rows than this run as background tasks, written to VAR_DIR/exports.
EXPORT_TASK_ROWS = env_int("EXPORT_TASK_ROWS", 50_000)

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Idle timeout: a request pushes the session's end SESSION_IDLE_MINUTES further (written at
# most once a minute, by accounts.middleware.SessionIdleMiddleware), so a session ends after
# that long without a request; and it ends when the browser closes (shared office computers).
SESSION_ENGINE = "shuanglian.accounts.sessions"
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30) * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
# SECURE_COOKIES says the site is served over HTTPS (behind the TLS proxy); the other transport
# protections follow it unless set one by one.
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", SESSION_COOKIE_SECURE)
if env_bool("TLS_PROXY", SESSION_COOKIE_SECURE):
    # The proxy terminates TLS and says so in this header (nginx: proxy_set_header
    # X-Forwarded-Proto $scheme); without it the redirect to HTTPS would loop.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if SESSION_COOKIE_SECURE else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", SECURE_HSTS_SECONDS > 0)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", SECURE_HSTS_SECONDS > 0)

# Page size of keyset-paginated lists, pages and API alike.
PAGE_SIZE = env_int("SHUANGLIAN_PAGE_SIZE", 50)
# Relapse monitoring: risk events above this share of a household's yearly net income flag it;
# a flagged case not assessed within MONITORING_ASSESS_DAYS days is overdue.
MONITORING_EXPENSE_SHARE = float(env_str("MONITORING_EXPENSE_SHARE", "0.5"))
MONITORING_ASSESS_DAYS = env_int("MONITORING_ASSESS_DAYS", 15)
# Identification and exit: days a public notice (公示) runs; size limit of a step's documents.
NOTICE_DAYS = env_int("NOTICE_DAYS", 7)
LIFECYCLE_DOCUMENT_MAX_MB = env_int("LIFECYCLE_DOCUMENT_MAX_MB", 10)
# Alerts: a paired household not visited for this many days, a project in one status this long.
ALERT_VISIT_DAYS = env_int("ALERT_VISIT_DAYS", 60)
ALERT_PROJECT_STALL_DAYS = env_int("ALERT_PROJECT_STALL_DAYS", 90)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
