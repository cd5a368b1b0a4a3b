"""Test settings: the real settings, with fast password hashing and throwaway media."""

import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

# Tests run the development configuration (DEBUG is off unless set, as in production); the
# production one is checked by tests/streamsite/test_settings.py in its own interpreter.
os.environ.setdefault("DEBUG", "1")


def _worker_redis_url(url: str, worker: int) -> str:
    """The same server, database number + worker (pytest-xdist's gw0, gw1…)."""
    parts = urlsplit(url)
    db = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{(db + worker) % 16}"))


# Each pytest-xdist worker (`make test` runs two) gets a Redis database and a pipeline work
# directory of its own: tests empty their cache's database, and the workers' queues and
# channel groups are named alike. Set in the environment, so the servers and workers a test
# starts use them too. (pytest-django gives each worker its own test database.)
# A child started by a test inherits both variables and must not shift again.
_xdist = os.environ.get("PYTEST_XDIST_WORKER", "")
if _xdist.startswith("gw") and os.environ.get("STREAMSITE_TEST_WORKER") != _xdist:
    os.environ["STREAMSITE_TEST_WORKER"] = _xdist
    for _name in ("REDIS_URL", "BROKER_URL"):
        if os.environ.get(_name, "").startswith(("redis://", "rediss://")):
            os.environ[_name] = _worker_redis_url(os.environ[_name], int(_xdist[2:]))
    os.environ["PIPELINE_WORK_DIR"] = str(
        Path(os.environ.get("PIPELINE_WORK_DIR") or "/tmp/streamsite-work") / _xdist
    )

from streamsite.settings import *  # noqa: E402, F403
from streamsite.settings import MEDIA_IS_LOCAL  # noqa: E402

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
