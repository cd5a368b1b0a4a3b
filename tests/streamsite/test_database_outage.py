"""PostgreSQL unreachable (a private server, crashed and restarted): pages and the API answer
503 with Retry-After within a few seconds, never hang and never 500; /readyz names the
database; the site recovers by itself once the server is back, with what was written before."""

from __future__ import annotations

import time

import pytest
import requests
from django.db import connection

from tests.conftest import require
from tests.fixtures.private_services import PrivatePostgres, copy_schema, wait_until
from tests.fixtures.processes import process_env, start_daphne, stop

pytestmark = pytest.mark.slow


def _timed_get(url: str, **kw) -> tuple[requests.Response, float]:
    started = time.monotonic()
    response = requests.get(url, timeout=15, **kw)
    return response, time.monotonic() - started


def test_a_database_outage_is_a_fast_503_and_the_site_recovers(transactional_db, tmp_path):
    require(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    pg = PrivatePostgres()
    node = None
    try:
        pg.start()
        pg.psql("CREATE DATABASE streamsite")
        copy_schema(connection.settings_dict, pg.url("streamsite"))
        env = process_env(DATABASE_URL=pg.url("streamsite"), DB_CONNECT_TIMEOUT="2")
        node, base = start_daphne(env, tmp_path / "web.log")
        assert requests.get(f"{base}/", timeout=15).status_code == 200
        assert requests.get(f"{base}/api/v1/videos/", timeout=15).status_code == 200

        pg.stop("immediate")  # a crash: connections drop, new ones are refused
        page, took = _timed_get(f"{base}/")
        assert page.status_code == 503 and took < 5, (page.status_code, took)
        assert page.headers["Retry-After"] and "Back in a moment" in page.text
        api, took = _timed_get(f"{base}/api/v1/videos/")
        assert api.status_code == 503 and took < 5 and api.json()["error"]
        ready = requests.get(f"{base}/readyz", timeout=15)
        assert ready.status_code == 503 and "database" in ready.json()["failed"]
        assert requests.get(f"{base}/healthz", timeout=5).status_code == 200

        pg.start()
        assert wait_until(lambda: requests.get(f"{base}/", timeout=15).status_code == 200)
        assert requests.get(f"{base}/api/v1/videos/", timeout=15).status_code == 200
        assert requests.get(f"{base}/readyz", timeout=15).json()["checks"]["database"] == "ok"
    finally:
        if node is not None:
            stop(node)
        pg.destroy()
