"""Test settings: the real settings, with fast password hashing and throwaway media."""

import os
import tempfile
from pathlib import Path

# Tests run the development configuration (DEBUG is off unless set, as in production); the
# production one is checked by tests/streamsite/test_settings.py in its own interpreter.
os.environ.setdefault("DEBUG", "1")

from streamsite.settings import *  # noqa: F403
from streamsite.settings import MEDIA_IS_LOCAL

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
if MEDIA_IS_LOCAL and not os.environ.get("STORAGE_URL"):
    MEDIA_ROOT = tempfile.mkdtemp(prefix="streamsite-test-media-")
DRAMATIQ_NAMESPACE = "streamsite-test"
SECURE_SSL_REDIRECT = False
AXES_FAILURE_LIMIT = 5

# The live server (Daphne in a thread) and worker threads need their own connections to the test
# database; an in-memory SQLite database would be private to one connection.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(Path(tempfile.gettempdir()) / f"streamsite-test-{os.getpid()}.sqlite3")
    }

# Request threads of the live server close their connections after each request, so the test
# database can be dropped at the end of the run.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405

# Counters in a shared Redis (throttles, view windows) must not carry over from an earlier run.
for _cache in CACHES.values():  # noqa: F405
    _cache["KEY_PREFIX"] = f"{_cache.get('KEY_PREFIX', 'streamsite')}-test-{os.getpid()}"
# The whole suite signs in from 127.0.0.1 many times a minute; throttle tests set their own rates.
AUTH_PAGE_RATE_PER_ADDRESS = "10000/min"
AUTH_PAGE_RATE_PER_ACCOUNT = "10000/min"

# The suite opens and drops its databases around many short-lived threads; the connection pool
# (on by default in production) is tested on its own, in a server process of its own
# (tests/faults/test_db_pool.py), where DB_POOL_MAX is set explicitly.
if "DB_POOL_MAX" not in os.environ:
    DATABASES["default"]["OPTIONS"].pop("pool", None)  # noqa: F405

# Tests read pages right after changing what they show; the page cache has tests of its own
# (tests/streamsite/test_page_cache.py), which turn it on.
if "PAGE_CACHE_S" not in os.environ:
    PAGE_CACHE_S = 0
