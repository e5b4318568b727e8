"""Samsyn settings, read from the environment.

Every setting has its development default next to it. `SAMSYN_ENV=production` turns the defaults
off and refuses to start until every secret and service is given (see `production_problems`).
The settings reference in README.md lists each variable.
"""

import logging
import secrets
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
# Docker and Kubernetes secrets are files: NAME_FILE names the file holding NAME (django-environ reads it).
env = environ.FileAwareEnv()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")
VAR_DIR = Path(env.str("SAMSYN_VAR_DIR", default=str(BASE_DIR / "var")))

SAMSYN_ENV = env.str("SAMSYN_ENV", default="development")
if SAMSYN_ENV not in {"development", "production"}:
    raise ImproperlyConfigured(f"SAMSYN_ENV must be 'development' or 'production', not {SAMSYN_ENV!r}.")
PRODUCTION = SAMSYN_ENV == "production"


def _development_secret(name: str) -> str:
    """A random secret kept in var/ so development restarts keep sessions. Never used in production."""
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / name
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


def _secret(name: str) -> str:
    """A secret from NAME or the file NAME_FILE, without the newline a secret file ends with; a file that
    cannot be read stops the start with its name rather than a traceback."""
    try:
        return env.str(name, default="").strip()
    except OSError as exc:
        problem = f"{name}_FILE points to {exc.filename}, which cannot be read: {exc.strerror}."
        raise ImproperlyConfigured(problem) from None


DEBUG = env.bool("DEBUG", default=not PRODUCTION)
SECRET_KEY = _secret("SECRET_KEY") or ("" if PRODUCTION else _development_secret("secret_key"))
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# --- Database: SQLite in var/ unless DATABASE_URL is given -------------------------------------------------
DATABASE_URL = env.str("DATABASE_URL", default="")
if DATABASE_URL:
    DATABASES = {"default": env.db_url_config(DATABASE_URL)}
    # The password may come from a secret file instead of the URL, so the URL itself is not a secret.
    if database_password := _secret("DATABASE_PASSWORD"):
        DATABASES["default"]["PASSWORD"] = database_password
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(VAR_DIR / "samsyn.sqlite3")}}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=0))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")

# --- Broker and cache: Redis when REDIS_URL is given, else in-process ------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL or "cache+memory://")
# Without a broker, tasks run in the calling process, so a laptop needs no Redis.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=30 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=25 * 60)
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Keep LOGGING below (JSON in production) for the worker and beat instead of Celery's own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# A task of a killed worker is delivered again after the visibility timeout (acks_late).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=CELERY_TASK_TIME_LIMIT + 300)
}
# A page never waits long for a broker that is down: it gives up quickly and the periodic sweep re-queues.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TIMEZONE = "Europe/Stockholm"
# Static schedule: every job derives its work from the database, so a missed tick loses nothing.
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {
        "task": "audit.tasks.beat_heartbeat",
        "schedule": env.float("SAMSYN_BEAT_HEARTBEAT_SECONDS", default=60.0),
    },
    # Every night: walk the access and change log chains; alert the auditors if one is broken.
    "verify-audit-chains": {"task": "audit.tasks.verify_audit_chains", "schedule": crontab(hour=2, minute=30)},
    "sweep-queued-chain-checks": {"task": "audit.tasks.sweep_queued_chain_checks", "schedule": 300.0},
    "delete-expired-report-files": {"task": "reports.tasks.delete_expired_report_files", "schedule": 3600.0},
    "sweep-queued-reports": {"task": "reports.tasks.sweep_queued_reports", "schedule": 300.0},
    "send-owed-password-links": {"task": "accesscontrol.tasks.send_owed_password_links", "schedule": 300.0},
    "send-owed-access-notices": {"task": "accesscontrol.tasks.send_owed_access_change_notices", "schedule": 300.0},
    "reminders": {"task": "casework.tasks.send_reminders", "schedule": crontab(minute=15, hour="6-18")},
    "purge": {"task": "casework.tasks.purge_expired", "schedule": crontab(minute=30, hour=2)},
    "delete-stale-import-files": {"task": "casework.tasks.delete_stale_import_files", "schedule": 3600.0},
}
SAMSYN_BEAT_STALE_SECONDS = env.int("SAMSYN_BEAT_STALE_SECONDS", default=300)

if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Encryption keys (encryption.crypto) ---------------------------------------------------------------
# A keyring is "id:base64key" entries separated by commas, the first one the primary key for writing.
# Either the value itself or a file holding it; development generates var/keys/ on first run.
# The keyring files are read by encryption.crypto when first needed and again after a rotation, not
# here: these two are read without FileAwareEnv, so the settings hold the path and never the keys.
_keyring_env = environ.Env()
SAMSYN_ENCRYPTION_KEYS = _keyring_env.str("SAMSYN_ENCRYPTION_KEYS", default="")
SAMSYN_ENCRYPTION_KEYS_FILE = env.str("SAMSYN_ENCRYPTION_KEYS_FILE", default="")
SAMSYN_BLIND_INDEX_KEYS = _keyring_env.str("SAMSYN_BLIND_INDEX_KEYS", default="")
SAMSYN_BLIND_INDEX_KEYS_FILE = env.str("SAMSYN_BLIND_INDEX_KEYS_FILE", default="")
SAMSYN_DEVELOPMENT_KEYS_DIR = VAR_DIR / "keys"

# --- Applications ---------------------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "auditlog",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "django_prometheus",
    "encryption",
    "accesscontrol",
    "casework",
    "audit",
    "reports",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside everything that answers a request but static files: no response is cached (personal data).
    "accesscontrol.middleware.NoStoreMiddleware",
    "audit.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before the idle timeout, which tells the user why they were signed out.
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "audit.middleware.ChangeLogMiddleware",
    "accesscontrol.middleware.SessionTimeoutMiddleware",
    "accesscontrol.middleware.VerifiedLoginRequiredMiddleware",
    "accesscontrol.middleware.CurrentAgreementMiddleware",
    # The access log: the reads a view declared, once it has answered; a view's refusal (403, 404).
    "audit.access.AccessLogMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "accesscontrol.context_processors.navigation",
            ],
            # The one formatting layer for amounts, shares, periods and dates, in every template.
            "builtins": ["config.template_formatting"],
        },
    }
]

# --- Authentication -------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accesscontrol.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accesscontrol:login"
LOGIN_REDIRECT_URL = "accesscontrol:start"
LOGOUT_REDIRECT_URL = "accesscontrol:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Two-factor login is mandatory; development may show demo users how to pass it (never in production).
SAMSYN_DEMO_SECOND_FACTOR_HINTS = not PRODUCTION and env.bool("SAMSYN_DEMO_SECOND_FACTOR_HINTS", default=True)
OTP_TOTP_ISSUER = "Samsyn"

# Lockout after repeated failures (django-axes).
# Reverse proxies in front of Samsyn (Caddy, an ingress): the client's address is that many entries from
# the right of X-Forwarded-For (config/client_address.py), for the logs and the lockout.
SAMSYN_PROXY_HOPS = env.int("SAMSYN_PROXY_HOPS", default=0)
AXES_CLIENT_IP_CALLABLE = "config.client_address.client_address"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
# Lock a username at the address that guesses it, not everywhere: a guesser cannot lock a colleague out.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Across addresses a username is slowed down instead (accesscontrol.login_throttle): after this many failures
# from all addresses within the cool-off, each further attempt waits this many seconds after the last failure.
SAMSYN_LOGIN_SLOWDOWN_AFTER = env.int("SAMSYN_LOGIN_SLOWDOWN_AFTER", default=10)
SAMSYN_LOGIN_SLOWDOWN_SECONDS = env.int("SAMSYN_LOGIN_SLOWDOWN_SECONDS", default=60)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accesscontrol/locked_out.html"
AXES_VERBOSE = False

# Sessions: idle timeout (minutes), secure cookies.
SAMSYN_IDLE_TIMEOUT_MINUTES = env.int("SAMSYN_IDLE_TIMEOUT_MINUTES", default=30)
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=12 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=PRODUCTION)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=PRODUCTION)
SESSION_COOKIE_NAME = "__Host-samsyn_session" if SESSION_COOKIE_SECURE else "samsyn_session"
CSRF_COOKIE_NAME = "__Host-samsyn_csrf" if CSRF_COOKIE_SECURE else "samsyn_csrf"

# Optional OpenID Connect login for a municipality's identity provider (mozilla-django-oidc).
OIDC_ENABLED = env.bool("OIDC_ENABLED", default=False)
if OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("accesscontrol.oidc.SamsynOIDCBackend")
    OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID")
    OIDC_RP_CLIENT_SECRET = _secret("OIDC_RP_CLIENT_SECRET")
    if not OIDC_RP_CLIENT_SECRET:
        raise ImproperlyConfigured("OIDC_ENABLED needs OIDC_RP_CLIENT_SECRET or OIDC_RP_CLIENT_SECRET_FILE.")
    OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_OP_AUTHORIZATION_ENDPOINT")
    OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_OP_TOKEN_ENDPOINT")
    OIDC_OP_USER_ENDPOINT = env.str("OIDC_OP_USER_ENDPOINT")
    OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_OP_JWKS_ENDPOINT")
    OIDC_RP_SIGN_ALGO = env.str("OIDC_RP_SIGN_ALGO", default="RS256")
    OIDC_RP_SCOPES = "openid email profile"
    OIDC_USE_PKCE = True
    # Existing users only, matched by e-mail (accesscontrol.oidc): a login never creates a user.
    OIDC_CREATE_USER = False
    OIDC_CALLBACK_CLASS = "accesscontrol.oidc.SamsynOIDCCallbackView"
    LOGIN_REDIRECT_URL_FAILURE = "/login/"
    # The identity provider's own MFA counts as the second factor only when it says so (acr/amr claims).
    OIDC_TRUST_IDP_MFA = env.bool("OIDC_TRUST_IDP_MFA", default=False)
    OIDC_MFA_AMR_VALUES = env.list("OIDC_MFA_AMR_VALUES", default=["mfa"])
    OIDC_MFA_ACR_VALUES = env.list("OIDC_MFA_ACR_VALUES", default=[])

# --- Security headers -----------------------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("SAMSYN_BEHIND_PROXY", default=PRODUCTION) else None
)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=PRODUCTION)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=PRODUCTION)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

# --- Internationalisation: Swedish by default, English selectable ---------------------------------------
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Svenska")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "samsyn_language"
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Static files: served by WhiteNoise, no CDN ---------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = VAR_DIR / "files"
WHITENOISE_USE_FINDERS = not PRODUCTION  # development serves straight from static/, no collectstatic
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# --- Mail: reminders carry counts and a link, never personal data ---------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://" if not PRODUCTION else "smtp://localhost:25")
# The relay's password may come from a secret file instead of the URL.
if email_password := _secret("EMAIL_PASSWORD"):
    EMAIL_CONFIG["EMAIL_HOST_PASSWORD"] = email_password
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="samsyn@localhost")
SAMSYN_BASE_URL = env.str("SAMSYN_BASE_URL", default="http://127.0.0.1:8000")

# --- REST API (statistics for BI tools) ----------------------------------------------------------------
# A management user's API key works this many days from when it was made (reports.authentication).
SAMSYN_API_TOKEN_DAYS = env.int("SAMSYN_API_TOKEN_DAYS", default=90)
# Calls per user to the statistics API (REST framework's "N/second|minute|hour|day"); beyond it, 429.
SAMSYN_API_RATE = env.str("SAMSYN_API_RATE", default="600/hour")
# How long a released table stays in the API's cache at most (it is dropped at the next revision day anyway).
SAMSYN_API_CACHE_SECONDS = env.int("SAMSYN_API_CACHE_SECONDS", default=3600)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "reports.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Scoped: reports.api.StatisticsView names its scope; counted in the default cache (Redis in production).
    "DEFAULT_THROTTLE_RATES": {"statistics": SAMSYN_API_RATE},
    "EXCEPTION_HANDLER": "audit.refusals.api_exception_handler",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Samsyn statistik-API",
    "DESCRIPTION": "Anonymised, disclosure-controlled statistics for the management role.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
}

# --- Audit log (django-auditlog): encrypted fields are masked, see audit.masking ------------------------
AUDITLOG_MASK_CALLABLE = "audit.masking.mask_encrypted"
AUDITLOG_INCLUDE_ALL_MODELS = False
AUDITLOG_DISABLE_REMOTE_ADDR = False
AUDITLOG_CID_GETTER = "audit.middleware.change_log_cid"

# --- Logging: JSON lines in production, never personal data --------------------------------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "audit.middleware.RequestIdLogFilter"}},
    "formatters": {
        # Only named fields, exception messages withheld unless known safe: see config/log_format.py.
        "json": {"()": "config.log_format.SamsynJsonFormatter"},
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if PRODUCTION else "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Django's request logger would print the request (and with it form data) on errors.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.security.DisallowedHost": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}

if PRODUCTION:
    # Python warnings (from libraries, at start-up) become log records too: every line stays JSON.
    logging.captureWarnings(True)

# --- Samsyn domain settings -----------------------------------------------------------------------------
SAMSYN_OFFICE_HOURS = env.str("SAMSYN_OFFICE_HOURS", default="07:00-18:00")
# ISO weekdays (1 = Monday) that count as office days for the access-log review.
SAMSYN_OFFICE_DAYS = env.list("SAMSYN_OFFICE_DAYS", cast=int, default=[1, 2, 3, 4, 5])
SAMSYN_MANY_PERSONS_PER_DAY = env.int("SAMSYN_MANY_PERSONS_PER_DAY", default=25)
SAMSYN_STATISTICS_THRESHOLD = env.int("SAMSYN_STATISTICS_THRESHOLD", default=5)
SAMSYN_SMALL_POPULATION_GUARD = env.int("SAMSYN_SMALL_POPULATION_GUARD", default=20)
# Statistics of a period are released this many days after it ended, when late entries are in.
SAMSYN_STATISTICS_RELEASE_DELAY_DAYS = env.int("SAMSYN_STATISTICS_RELEASE_DELAY_DAYS", default=14)
# Long reports (built by a worker, stored encrypted) are deleted this many days after they are finished.
SAMSYN_REPORT_FILE_DAYS = env.int("SAMSYN_REPORT_FILE_DAYS", default=7)
# The largest case attachment accepted (bytes). The upload is held in memory up to this size and no further
# (casework.uploads), so this also bounds the memory one upload takes.
SAMSYN_ATTACHMENT_MAX_BYTES = env.int("SAMSYN_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
# An imported list (casework.imports) may be this large; it is held in memory and sealed, never on disk.
SAMSYN_IMPORT_MAX_BYTES = env.int("SAMSYN_IMPORT_MAX_BYTES", default=5 * 1024 * 1024)
# A preview nobody confirmed or cancelled has its sealed file deleted after this many hours.
SAMSYN_IMPORT_PREVIEW_HOURS = env.int("SAMSYN_IMPORT_PREVIEW_HOURS", default=24)
SAMSYN_METRICS_TOKEN = _secret("SAMSYN_METRICS_TOKEN")
PROMETHEUS_EXPORT_MIGRATIONS = False


def production_problems() -> list[str]:
    """What production settings lack or get wrong, in words an operator can act on."""
    problems = []
    if not SECRET_KEY:
        problems.append("SECRET_KEY (or SECRET_KEY_FILE) is not set")
    if not DATABASE_URL or not IS_POSTGRES:
        problems.append("DATABASE_URL must point to PostgreSQL (postgres://…)")
    if not CELERY_BROKER_URL:
        problems.append("REDIS_URL (or CELERY_BROKER_URL) is not set: production needs a broker")
    if not (SAMSYN_ENCRYPTION_KEYS or SAMSYN_ENCRYPTION_KEYS_FILE):
        problems.append("SAMSYN_ENCRYPTION_KEYS or SAMSYN_ENCRYPTION_KEYS_FILE is not set")
    if not (SAMSYN_BLIND_INDEX_KEYS or SAMSYN_BLIND_INDEX_KEYS_FILE):
        problems.append("SAMSYN_BLIND_INDEX_KEYS or SAMSYN_BLIND_INDEX_KEYS_FILE is not set")
    if DEBUG:
        problems.append("DEBUG must be off")
    if not ALLOWED_HOSTS:
        problems.append("ALLOWED_HOSTS is empty")
    if not (SESSION_COOKIE_SECURE and CSRF_COOKIE_SECURE):
        problems.append("SESSION_COOKIE_SECURE and CSRF_COOKIE_SECURE must be on (Samsyn is served over HTTPS only)")
    return problems


if PRODUCTION and (missing := production_problems()):
    raise ImproperlyConfigured("Samsyn refuses to start in production: " + "; ".join(missing) + ".")
