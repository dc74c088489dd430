"""Settings for the fact-checking workbench, all read from the environment.

Defaults are safe rather than convenient: DEBUG is off unless asked for, and without
DEBUG a SECRET_KEY must be given. See README.md for the full table.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
import dj_email_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

from factcheck.env import env_bool, env_int, env_list, env_str, env_url

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("DATA_DIR", str(BASE_DIR / ".data")))

DEBUG = env_bool("DEBUG", False)


def _secret_key() -> str:
    key = env_str("SECRET_KEY")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (generate one with "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`)"
        )
    # Development only: a random key kept under .data/ so sessions survive restarts.
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_url("SITE_URL", "http://127.0.0.1:8000", schemes=("http", "https")).rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "csp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "simple_history",
    "annotations",
]

MIDDLEWARE = [
    "annotations.middleware.ServerTimingMiddleware",
    "annotations.middleware.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
    # Changes nothing of a request or a response (Axes still sees the view's answer):
    # under ASGI the chain above runs in the request's one thread (see its doc).
    "annotations.middleware.SyncChainMiddleware",
]

ROOT_URLCONF = "factcheck.urls"
WSGI_APPLICATION = "factcheck.wsgi.application"

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
                "annotations.context_processors.unread_notifications",
                "annotations.context_processors.live",
            ],
        },
    },
]


def _database() -> dict:
    default = f"sqlite:///{DATA_DIR / 'db.sqlite3'}"
    url = env_str("DATABASE_URL", default) or default
    try:
        config = dj_database_url.parse(url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60, minimum=0))
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a database URL we know: {exc}") from None
    if config["ENGINE"] == "django.db.backends.sqlite3":
        Path(config["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        # WAL lets readers go on while one request writes; the timeout waits out a
        # writer instead of failing with "database is locked". A 64 MiB page cache
        # (taken only as it fills; the default is 2 MiB) holds the indexes a long
        # import writes into.
        config["OPTIONS"] = {
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;"
            ),
            "transaction_mode": "IMMEDIATE",
        }
        config["CONN_MAX_AGE"] = 0
        # A file, not memory, so that worker processes started by tests share it.
        # One file per test run, so parallel runs never share it.
        config["TEST"] = {"NAME": str(DATA_DIR / f"test_db_{os.getpid()}.sqlite3")}
    elif config["ENGINE"] == "django.db.backends.postgresql":
        config["CONN_HEALTH_CHECKS"] = True
        if env_bool("DB_PREPARED_STATEMENTS", False):
            # Parameters bound by the server, and a statement a connection has run five
            # times prepared (psycopg's prepare_threshold): planned once per connection,
            # and psycopg no longer quotes each parameter into the SQL text. Off by
            # default (Django's): no clear gain measured on the annotation POST, and a
            # PgBouncer in transaction mode before 1.21, or without
            # max_prepared_statements, cannot keep prepared statements.
            config["OPTIONS"] = {
                **config.get("OPTIONS", {}),
                "server_side_binding": True,
                "prepare_threshold": 5,
            }
        # Under ASGI (factcheck.asgi: connections not kept) a pool per process lends
        # connections to requests and to the live streams' reads, instead of each opening
        # its own.
        pool = env_int("DB_POOL_SIZE", 0 if config["CONN_MAX_AGE"] else 10, minimum=0)
        if pool and config["CONN_MAX_AGE"]:
            raise ImproperlyConfigured("DB_POOL_SIZE needs DB_CONN_MAX_AGE=0 (a pool keeps them).")
        if pool:
            # A request waits this long for a connection: under ASGI nothing else bounds
            # how many run at once (a burst of logins hashing passwords holds them).
            timeout = env_int("DB_POOL_TIMEOUT", 60, minimum=1)
            pool_options = {"min_size": 1, "max_size": pool, "timeout": timeout}
            config["OPTIONS"] = {**config.get("OPTIONS", {}), "pool": pool_options}
    else:
        # The bulk import and the similarity search speak each one's SQL.
        raise ImproperlyConfigured(
            "DATABASE_URL must name a PostgreSQL (postgres://…) or SQLite (sqlite:///…) "
            f"database; {config['ENGINE']} is not supported."
        )
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed names need `collectstatic`, which `make serve` and deployments run.
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Tests and `make run` serve static files straight from the apps, without collectstatic.
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", DEBUG)

# Who may create a workspace and become its first editor: any signed-in user, staff
# only, or nobody (the operator creates desks in the admin site).
WORKSPACE_CREATION = env_str("WORKSPACE_CREATION", "staff").strip().lower()
if WORKSPACE_CREATION not in ("any", "staff", "nobody"):
    raise ImproperlyConfigured(
        f"WORKSPACE_CREATION must be any, staff or nobody; got {WORKSPACE_CREATION!r}"
    )

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sign-in through the newsroom's OpenID Connect provider (mozilla-django-oidc), on when
# OIDC_CLIENT_ID is set. People are matched by verified email; see README.md.
OIDC_ENABLED = bool(env_str("OIDC_CLIENT_ID").strip())
# Password sign-in (the login form and POST /api/v1/auth/token/); personal tokens stay.
PASSWORD_LOGIN = env_bool("PASSWORD_LOGIN", True)
if not PASSWORD_LOGIN and not OIDC_ENABLED:
    raise ImproperlyConfigured(
        "PASSWORD_LOGIN is off but OIDC_CLIENT_ID is not set: nobody could sign in"
    )
if OIDC_ENABLED:
    _endpoint_schemes = ("http", "https") if DEBUG else ("https",)

    def _oidc_endpoint(name: str) -> str:
        if not env_str(name).strip():
            raise ImproperlyConfigured(f"{name} must be set when OIDC_CLIENT_ID is set")
        return env_url(name, "", schemes=_endpoint_schemes)

    OIDC_RP_CLIENT_ID = env_str("OIDC_CLIENT_ID").strip()
    OIDC_RP_CLIENT_SECRET = env_str("OIDC_CLIENT_SECRET")
    if not OIDC_RP_CLIENT_SECRET:
        raise ImproperlyConfigured("OIDC_CLIENT_SECRET must be set when OIDC_CLIENT_ID is set")
    OIDC_OP_AUTHORIZATION_ENDPOINT = _oidc_endpoint("OIDC_AUTHORIZATION_ENDPOINT")
    OIDC_OP_TOKEN_ENDPOINT = _oidc_endpoint("OIDC_TOKEN_ENDPOINT")
    OIDC_OP_USER_ENDPOINT = _oidc_endpoint("OIDC_USERINFO_ENDPOINT")
    OIDC_RP_SIGN_ALGO = env_str("OIDC_SIGN_ALGO", "RS256").strip()
    if OIDC_RP_SIGN_ALGO not in ("RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "HS256"):
        raise ImproperlyConfigured(
            f"OIDC_SIGN_ALGO must be RS256, RS384, RS512, ES256, ES384, ES512 or HS256; "
            f"got {OIDC_RP_SIGN_ALGO!r}"
        )
    if OIDC_RP_SIGN_ALGO != "HS256":
        OIDC_OP_JWKS_ENDPOINT = _oidc_endpoint("OIDC_JWKS_ENDPOINT")
    OIDC_RP_SCOPES = env_str("OIDC_SCOPES", "openid email profile")
    if "openid" not in OIDC_RP_SCOPES.split() or "email" not in OIDC_RP_SCOPES.split():
        raise ImproperlyConfigured(
            f"OIDC_SCOPES must include openid and email; got {OIDC_RP_SCOPES!r}"
        )
    # Signing out also ends the provider's session (RP-initiated logout) when its
    # end-session endpoint is given; the ID token is kept in the session as its hint.
    if env_str("OIDC_END_SESSION_ENDPOINT").strip():
        OIDC_OP_LOGOUT_ENDPOINT = _oidc_endpoint("OIDC_END_SESSION_ENDPOINT")
        OIDC_STORE_ID_TOKEN = True
    OIDC_OP_LOGOUT_URL_METHOD = "annotations.web.sign_in.provider_logout_url"
OIDC_CREATE_USER = env_bool("OIDC_CREATE_USERS", False)
# The ID-token claim listing workspace roles as "slug:role" ("" to ignore roles).
OIDC_ROLES_CLAIM = env_str("OIDC_ROLES_CLAIM", "factcheck_roles").strip()
OIDC_PROVIDER_NAME = env_str("OIDC_PROVIDER_NAME", "your organisation's account").strip()
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT_SECONDS", 10, minimum=1)
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_authentication_callback"
OIDC_CALLBACK_CLASS = "annotations.web.sign_in.OIDCCallbackView"
LOGIN_REDIRECT_URL_FAILURE = "/login/?signin=failed"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    *(["django.contrib.auth.backends.ModelBackend"] if PASSWORD_LOGIN else []),
    *(["annotations.web.sign_in.OIDCBackend"] if OIDC_ENABLED else []),
]

# Limits on what users may bring in. A request body over MAX_UPLOAD_BYTES (plus room
# for the form around the file) is answered 413 before it is read.
MAX_DOCUMENT_CHARS = env_int("MAX_DOCUMENT_CHARS", 2_000_000, minimum=1)
# Longest chunk appended to a live document at once (a transcript arrives in small ones).
MAX_CHUNK_CHARS = env_int("MAX_CHUNK_CHARS", 100_000, minimum=1)
MAX_UPLOAD_BYTES = env_int("MAX_UPLOAD_BYTES", 20 * 1024 * 1024, minimum=1)
MAX_REQUEST_BYTES = MAX_UPLOAD_BYTES + 64 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Files of reference fact-checks (ClaimReview JSON, TSV). Uploads through the pages and
# the API stay within MAX_UPLOAD_BYTES too; `manage.py import_factchecks` only this.
FACTCHECKS_MAX_BYTES = env_int("FACTCHECKS_MAX_BYTES", 50 * 1024 * 1024, minimum=1)

# Background jobs (large imports, PDF exports). "immediate" runs them in the request,
# which suits development; "database" queues them for `manage.py jobs_worker` processes on
# any machine that reaches the database.
TASK_BACKEND = env_str("TASK_BACKEND", "immediate")
if TASK_BACKEND not in ("immediate", "database"):
    raise ImproperlyConfigured(f"TASK_BACKEND must be immediate or database; got {TASK_BACKEND!r}")
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if TASK_BACKEND == "immediate"
        else "django_tasks_db.DatabaseBackend"
    }
}
JOB_LEASE_SECONDS = env_int("JOB_LEASE_SECONDS", 120, minimum=1)
# Uploads larger than this are imported by a background job.
BACKGROUND_IMPORT_BYTES = env_int("BACKGROUND_IMPORT_BYTES", 1_000_000, minimum=0)

# Webhooks. Their addresses may not be private, loopback, link-local or otherwise
# non-public unless the operator allows it (a desk whose receivers sit on its own network).
WEBHOOK_ALLOW_PRIVATE = env_bool("WEBHOOK_ALLOW_PRIVATE", False)
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 5, minimum=1)
if WEBHOOK_TIMEOUT_SECONDS > 30:
    raise ImproperlyConfigured(
        f"WEBHOOK_TIMEOUT_SECONDS must be at most 30; got {WEBHOOK_TIMEOUT_SECONDS}"
    )

# Email: console in development, SMTP (smtp://user:pass@host:587/?tls=True) in production.
_email = dj_email_url.parse(env_str("EMAIL_URL", "console://" if DEBUG else "smtp://localhost:25"))
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email["EMAIL_HOST"]
EMAIL_PORT = _email["EMAIL_PORT"]
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"]
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"]
EMAIL_USE_TLS = _email["EMAIL_USE_TLS"]
EMAIL_USE_SSL = _email["EMAIL_USE_SSL"]
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "factcheck@localhost")

# Login throttling (django-axes): lock a username+address pair after repeated failures.
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# The same client address as the API throttles: REMOTE_ADDR unless behind a proxy.
AXES_CLIENT_IP_CALLABLE = "annotations.api.throttling.client_address"

# Proxies. X-Forwarded-For and X-Forwarded-Proto are believed only behind a proxy that
# sets them (BEHIND_PROXY); NUM_PROXIES says how many stand in front, so that the client is
# the address the outermost one saw. Otherwise anyone could send the header and pick the
# address that throttles and login locks count by.
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
if BEHIND_PROXY:
    NUM_PROXIES = env_int("NUM_PROXIES", 1, minimum=1)
else:
    NUM_PROXIES = env_int("NUM_PROXIES", 0, minimum=0)
    if NUM_PROXIES:
        raise ImproperlyConfigured(
            f"NUM_PROXIES is {NUM_PROXIES} but BEHIND_PROXY is off: set BEHIND_PROXY=1 "
            "when a proxy in front adds X-Forwarded-For, or leave NUM_PROXIES unset"
        )

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Personal tokens and DRF's one-per-user tokens, both as `Token …`.
        "annotations.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON only, refused with a 400 when nested deeper than any body the API takes.
    "DEFAULT_PARSER_CLASSES": ["annotations.api.parsers.BoundedJSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # Counters in the shared `throttle` cache (annotations/api/throttling.py).
    "DEFAULT_THROTTLE_CLASSES": [
        "annotations.api.throttling.AnonThrottle",
        "annotations.api.throttling.UserThrottle",
    ],
    # 0: DRF takes REMOTE_ADDR and ignores X-Forwarded-For.
    "NUM_PROXIES": NUM_PROXIES,
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("THROTTLE_ANON", "60/min"),
        "user": env_str("THROTTLE_USER", "1200/min"),
        "token": env_str("THROTTLE_TOKEN", "10/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Fact-checking workbench API",
    "DESCRIPTION": "Documents, claims, annotations, reviews, verdicts and exports.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "WebhookEventTypeEnum": "annotations.models.webhooks.Webhook.EventType",
    },
}


def _cache(name: str, default: str, *, max_entries: int | None = None) -> dict:
    """A cache from a URL: locmem://[name], redis://host:port/db or db://table_name."""
    url = env_str(name, default) or default
    scheme, _, rest = url.partition("://")
    if scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": rest}
    if scheme in ("redis", "rediss"):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if scheme == "db":
        config = {
            "BACKEND": "annotations.cache.DatabaseCache",
            "LOCATION": rest or "factcheck_cache",
        }
        if max_entries:
            config["OPTIONS"] = {"MAX_ENTRIES": max_entries}
        return config
    raise ImproperlyConfigured(
        f"{name} must start with locmem://, redis://, rediss:// or db://; got {url!r}"
    )


CACHES = {
    # Pages' derived data (the marked text): never stale, so any cache will do.
    "default": _cache("CACHE_URL", "locmem://"),
    # API throttle counters must be shared by every process, or each gunicorn worker
    # counts on its own: in production the database cache table (made by `migrate`).
    # In development (DEBUG) one process serves, so memory is enough; tests set memory
    # too (conftest.py). Room for 10,000 counters: above MAX_ENTRIES Django's database
    # cache deletes a third of them, live ones included.
    "throttle": _cache(
        "THROTTLE_CACHE_URL",
        "locmem://throttle" if DEBUG else "db://factcheck_throttle",
        max_entries=10_000,
    ),
}

# Security. Behind a TLS-terminating proxy keep the defaults; on a plain-HTTP
# deployment (or local production-like serving) set SECURE_SSL=false.
SECURE_SSL = env_bool("SECURE_SSL", not DEBUG)
SECURE_SSL_REDIRECT = SECURE_SSL
SESSION_COOKIE_SECURE = SECURE_SSL
CSRF_COOKIE_SECURE = SECURE_SSL
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if SECURE_SSL else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", SECURE_HSTS_SECONDS > 0)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
# The page scripts read the CSRF token from the form field, not from the cookie.
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Live updates (annotations.live): a comment line on a quiet stream this often; how often
# a quiet stream asks again whether its reader is a member (every event asks too); how
# soon a browser reconnects; how often the bus polls the events table on SQLite
# (PostgreSQL uses LISTEN/NOTIFY).
LIVE_HEARTBEAT_SECONDS = env_int("LIVE_HEARTBEAT_SECONDS", 15, minimum=1)
LIVE_MEMBERSHIP_SECONDS = env_int("LIVE_MEMBERSHIP_SECONDS", 60, minimum=1)
LIVE_RETRY_MS = env_int("LIVE_RETRY_MS", 2000, minimum=100)
LIVE_POLL_SECONDS = env_int("LIVE_POLL_MS", 500, minimum=50) / 1000
# Anonymous readers' streams of public reports open at once in one process; beyond it
# a reader's page polls instead (annotations.web.public_live).
LIVE_PUBLIC_STREAMS = env_int("LIVE_PUBLIC_STREAMS", 1000, minimum=0)

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        # No inline script: page scripts are files; anything inline carries the nonce.
        "script-src": [SELF, NONCE],
        # Reports carry their CSS inline so the exported file stands alone.
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint logs a line per page at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
