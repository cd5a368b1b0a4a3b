"""Streamsite settings: one module, driven by the environment (see README.md).

With nothing set, everything runs embedded in one process: SQLite, an in-memory channel layer,
in-process Dramatiq workers, local files and a local-memory cache. Each service URL switches
its part to the production backend.
"""

from __future__ import annotations

from pathlib import Path

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from streamsite.env import (
    env_bool,
    env_database,
    env_float,
    env_int,
    env_json_list,
    env_list,
    env_networks,
    env_str,
)
from streamsite.storage_env import media_root_from_env, storage_from_env

BASE_DIR = Path(__file__).resolve().parent.parent

# Off unless asked for: `make run` sets DEBUG=1 for the embedded default.
DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG=0 (DEBUG is off unless set): export SECRET_KEY "
            "(a long random string), or DEBUG=1 for local development (`make run` does)."
        )
    SECRET_KEY = "dev-only-insecure-key-streamsite-0123456789-abcdefghijklmnopqrstuvwxyz"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "channels",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_prometheus",
    "axes",
    "csp",
    "streamsite.apps.StreamsiteConfig",
    # The project's apps (apps/<name>), users and videos first: the others build on them.
    *(f"apps.{name}" for name in ["users", "videos", "comments", "reactions", "ads"]),
    *(f"apps.{name}" for name in ["broadcasts", "live", "cms", "sharing"]),
    *(f"apps.{name}" for name in ["playlists", "history"]),
    "apps.captions",
    *(f"apps.{name}" for name in ["subscriptions", "notifications"]),
]

MIDDLEWARE = [
    # First: everything after it (axes, throttles, logs) sees the one derived client address.
    "streamsite.client_address.ClientAddressMiddleware",
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "streamsite.client_address.CspOwnWebsocketMiddleware",
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
    "streamsite.ops.unavailable.DatabaseUnavailableMiddleware",  # last: sees view errors first
]

ROOT_URLCONF = "streamsite.urls"
ASGI_APPLICATION = "streamsite.asgi.application"
WSGI_APPLICATION = "streamsite.wsgi.application"
AUTH_USER_MODEL = "users.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

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
                "csp.context_processors.nonce",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
_db = DATABASES["default"]
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the in-process workers' writes; IMMEDIATE takes the write
    # lock at BEGIN so two writers wait for each other instead of failing mid-transaction.
    _db["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    # django-prometheus's backend, with a pool that fails fast while the database is down.
    _db["ENGINE"] = "streamsite.ops.postgres"
    _db["CONN_MAX_AGE"] = 0 if "pool" in _db["OPTIONS"] else env_int("DB_CONN_MAX_AGE", 60)
    _db["CONN_HEALTH_CHECKS"] = True
    _db.setdefault("OPTIONS", {})["connect_timeout"] = env_int("DB_CONNECT_TIMEOUT", 5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Threads per web process that run sync views (streamsite/http.py): at most as many requests
# in views at once; the rest wait on the event loop, costing nothing.
WEB_THREADS = env_int("WEB_THREADS", 20)

# --- Redis: channel layer, cache, broker ------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [{"address": REDIS_URL, "max_connections": 2000}],
                "prefix": env_str("CHANNELS_PREFIX", "streamsite"),
                "capacity": 1000,
                "expiry": 30,
            },
        }
    }
    CACHES = {
        "default": {
            # Redis down: pages are still served, uncached (streamsite.ops.cache), never hang.
            "BACKEND": "streamsite.ops.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_PREFIX", "streamsite"),
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 5},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "streamsite.layers.ThreadSafeInMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

DRAMATIQ_NAMESPACE = env_str("DRAMATIQ_NAMESPACE", "streamsite")
# Embedded mode runs this many worker threads inside the server process.
EMBEDDED_WORKER_THREADS = env_int("EMBEDDED_WORKER_THREADS", 2)
DRAMATIQ_HEARTBEAT_TIMEOUT_MS = env_int("DRAMATIQ_HEARTBEAT_TIMEOUT_MS", 60_000)
DRAMATIQ_MAINTENANCE_CHANCE = env_int("DRAMATIQ_MAINTENANCE_CHANCE", 1000)

# --- Storage --------------------------------------------------------------------------------
MEDIA_ROOT = media_root_from_env(BASE_DIR / "media")
MEDIA_URL = "/media/"
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    # Refuses media served unsigned; signed URLs live MEDIA_URL_EXPIRE_S (storage_env.py).
    "default": storage_from_env(),
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_IS_LOCAL = STORAGES["default"]["BACKEND"].endswith("FileSystemStorage")
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# --- Media access and the pipeline watchdog (apps/videos/pipeline/recovery.py) -------------
MEDIA_URL_EXPIRE_S = env_int("MEDIA_URL_EXPIRE_S", 300)  # lifetime of signed media URLs
# No progress and nothing queued or running for this long: re-queue; after this many tries,
# fail with a reason. The serving process and `manage.py worker` check every interval.
PIPELINE_STALL_S = env_int("PIPELINE_STALL_S", 600)
PIPELINE_STALL_REQUEUES = env_int("PIPELINE_STALL_REQUEUES", 2)
PIPELINE_WATCHDOG_INTERVAL_S = env_float("PIPELINE_WATCHDOG_INTERVAL_S", 15.0)

# --- Auth, API --------------------------------------------------------------------------------
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
# Lock out a username tried from one address, never a whole address (shared NATs, proxies).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_float("LOGIN_COOLOFF_HOURS", 0.25)
AXES_RESET_ON_SUCCESS = True
# How many proxies in front are trusted to append to X-Forwarded-For (0: the header is ignored).
# streamsite.client_address derives the client's address from it once, for everything.
PROXY_COUNT = env_int("PROXY_COUNT", 0)
if PROXY_COUNT < 0:
    raise ImproperlyConfigured("PROXY_COUNT must be 0 or more.")
AXES_CLIENT_IP_CALLABLE = "streamsite.client_address.client_address"
AXES_VERBOSE = False
AXES_LOCKOUT_CALLABLE = "apps.users.lockout.lockout_response"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 24,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "streamsite.api.exception_handler",
    # REMOTE_ADDR already holds the derived client address (ClientAddressMiddleware).
    "NUM_PROXIES": 0,
    "DEFAULT_THROTTLE_RATES": {
        "writes": env_str("API_WRITE_RATE", "60/min"),
        "uploads": env_str("API_UPLOAD_RATE", "30/min"),
        "auth": env_str("API_AUTH_RATE", "30/min"),
        "likes": env_str("API_LIKE_RATE", "60/min"),
        "reactions": env_str("API_REACTION_RATE", "120/min"),
        "comments": env_str("API_COMMENT_RATE", "30/min"),
        "views": env_str("API_VIEW_RATE", "120/min"),
        # Ad decisions (JSON and VAST together): each may reserve an impression (a write).
        "ad_decisions": env_str("API_AD_DECISION_RATE", "120/min"),
        "history": env_str("HISTORY_WRITE_RATE", "120/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Streamsite API",
    "DESCRIPTION": (
        'Video on demand and live streaming. Errors are `{"error": "reason"}`; resumable '
        "uploads speak tus 1.0.0. See README.md and docs/architecture.md in the repository."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Served from our own static files: the strict CSP allows no third-party scripts.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Media pipeline -------------------------------------------------------------------------
FFMPEG_BINARY = env_str("FFMPEG_BINARY") or None
MAX_UPLOAD_MB = env_int("MAX_UPLOAD_MB", 4096)
MAX_DURATION_S = env_int("MAX_DURATION_S", 14400)
# width x height x fps x duration an upload may declare (2000: 4 h of 1080p60); 0: no budget.
MAX_SOURCE_GIGAPIXELS = env_float("MAX_SOURCE_GIGAPIXELS", 2000)
PIPELINE_PRESET = env_str("PIPELINE_PRESET", "veryfast")
PIPELINE_WORK_DIR = Path(env_str("PIPELINE_WORK_DIR") or "/tmp/streamsite-work")
PIPELINE_SEGMENT_S = env_float("PIPELINE_SEGMENT_S", 4.0)
PIPELINE_SEGMENTS_PER_CHUNK = env_int("PIPELINE_SEGMENTS_PER_CHUNK", 3)
# Chunks shrink towards the end (none takes over 1/N of what is left), so the workers finish
# together; 0 keeps every chunk full-size.
PIPELINE_CHUNK_TAPER = env_int("PIPELINE_CHUNK_TAPER", 3)
# Threads per chunk ffmpeg (decoder, filters and encoders together). 0: a share of the cores
# per chunk job that may run at once (`manage.py worker` tells its pool; the embedded worker
# has EMBEDDED_WORKER_THREADS): single-threaded jobs side by side waste less CPU than
# frame-threaded ones fighting over the same cores.
PIPELINE_FFMPEG_THREADS = env_int("PIPELINE_FFMPEG_THREADS", 0)
# Address-space cap per ffmpeg (x264 on 4K with many threads needs a few GB).
PIPELINE_FFMPEG_MEMORY_MB = env_int("PIPELINE_FFMPEG_MEMORY_MB", 8192)
# Rungs as data: name, short side, average video kbps (maxrate 1.5x, bufsize 2x). Close to
# Apple's HLS authoring spec; a deployment may replace it with PIPELINE_LADDER_JSON.
PIPELINE_LADDER = env_json_list("PIPELINE_LADDER_JSON") or [
    {"name": "144p", "height": 144, "video_kbps": 120},
    {"name": "240p", "height": 240, "video_kbps": 300},
    {"name": "360p", "height": 360, "video_kbps": 700},
    {"name": "480p", "height": 480, "video_kbps": 1200},
    {"name": "720p", "height": 720, "video_kbps": 2800},
    {"name": "1080p", "height": 1080, "video_kbps": 5000},
    {"name": "1440p", "height": 1440, "video_kbps": 9000},
    {"name": "2160p", "height": 2160, "video_kbps": 16000},
]
# Rungs up to this short side are encoded first, so a video is watchable early.
PIPELINE_FIRST_GROUP_MAX_HEIGHT = env_int("PIPELINE_FIRST_GROUP_MAX_HEIGHT", 240)
# When larger rungs follow, the first group has chunks of its own, this many segments long: its
# jobs are cheap and mostly decoding, so the pre-roll and start-up of short chunks would be a
# large share of them, and workers go on to the next group's chunks rather than idle at its
# end. 0: the first group uses the common chunks.
PIPELINE_FIRST_GROUP_SEGMENTS_PER_CHUNK = env_int("PIPELINE_FIRST_GROUP_SEGMENTS_PER_CHUNK", 9)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- Social: likes, comments, live reactions ------------------------------------------------
# Reactions, vote counts and viewer counts go to a video's sockets at most once per window.
REACTIONS_WINDOW_S = env_float("REACTIONS_WINDOW_S", 0.25)
COMMENT_MAX_LENGTH = env_int("COMMENT_MAX_LENGTH", 2000)
# Links in comments become clickable only for accounts at least this old (spam).
COMMENT_LINKS_MIN_ACCOUNT_DAYS = env_int("COMMENT_LINKS_MIN_ACCOUNT_DAYS", 7)

# --- Security --------------------------------------------------------------------------------
# X-Forwarded-Proto is a client's word unless a trusted proxy sets it.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PROXY_COUNT else None
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Health probes come over plain HTTP from the orchestrator, inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]

_media_extra = env_list("CSP_MEDIA_SRC", [])
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:", *_media_extra],
        "media-src": [SELF, "blob:", *_media_extra],
        # Plus the page's own ws(s):// origin, added per request (CspOwnWebsocketMiddleware).
        "connect-src": [SELF, *_media_extra],
        "worker-src": [SELF, "blob:"],
        "frame-ancestors": [NONE],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
    }
}

# --- Logging: one JSON object per line on stdout ---------------------------------------------
LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "streamsite.logging.JsonFormatter"}},
    "handlers": {
        "stdout": {"class": "streamsite.logging.SwitchableStreamHandler", "formatter": "json"}
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "daphne": {"level": "WARNING"},
    },
}

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

DEMO_PASSWORD = env_str("DEMO_PASSWORD", "demo-pass-123")
# With DEBUG=0, seed_demo makes accounts only with a password the operator chose.
DEMO_PASSWORD_SET = bool(env_str("DEMO_PASSWORD"))

# --- Abuse limits and operators' endpoints (docs/security.md) ---------------------------------
# Sign-in, sign-up and password pages: attempts per client address, and per account name,
# whatever the address (each attempt costs a full password hash).
AUTH_PAGE_RATE_PER_ADDRESS = env_str("AUTH_PAGE_RATE_PER_ADDRESS", "30/min")
AUTH_PAGE_RATE_PER_ACCOUNT = env_str("AUTH_PAGE_RATE_PER_ACCOUNT", "10/min")
SIGNUP_MODE = env_str("SIGNUP_MODE", "open")
if SIGNUP_MODE not in {"open", "approval", "closed"}:
    raise ImproperlyConfigured(f"SIGNUP_MODE={SIGNUP_MODE!r}: use open, approval or closed.")
# A view counts once per viewer and video within this window, when playback starts.
VIEW_WINDOW_S = env_int("VIEW_WINDOW_S", 6 * 3600)
# Anonymous viewers' home, search and watch pages are served from the cache this long
# (streamsite/page_cache.py); 0 renders every page.
PAGE_CACHE_S = env_int("PAGE_CACHE_S", 10)
# /metrics: these addresses or networks, or `Authorization: Bearer $METRICS_TOKEN`.
METRICS_ALLOWED_IPS = env_networks("METRICS_ALLOWED_IPS", ["127.0.0.1", "::1"])
METRICS_TOKEN = env_str("METRICS_TOKEN")
# Uploads: per-user limits, refused before any byte is stored. Staff are not limited.
DAILY_UPLOADS = env_int("DAILY_UPLOADS", 200)
USER_QUOTA_GB = env_float("USER_QUOTA_GB", 0)  # 0: no byte quota
TUS_MAX_OPEN_UPLOADS = env_int("TUS_MAX_OPEN_UPLOADS", 5)
TUS_MAX_CHUNK_MB = env_int("TUS_MAX_CHUNK_MB", 64)
TUS_CLEANUP_INTERVAL_S = env_int("TUS_CLEANUP_INTERVAL_S", 3600)
from streamsite.settings_captions import *  # noqa: E402, F403 - captions (apps.captions)
from streamsite.settings_live import *  # noqa: E402, F403 - live streaming (apps.live)
from streamsite.settings_notifications import *  # noqa: E402, F403 - follows, digest
from streamsite.settings_ops import *  # noqa: E402, F403 - broker, graceful shutdown
from streamsite.settings_sharing import *  # noqa: E402, F403 - sharing, e-mail (apps.sharing)
