"""Many concurrent requests on one web node: each waits for one of the pool's connections
instead of opening its own, so PostgreSQL's connection limit is never the reason a page fails."""

from __future__ import annotations

import concurrent.futures
import signal
import urllib.request

import pytest
from django.conf import settings
from django.db import connection

from tests.conftest import require
from tests.factories import VideoFactory
from tests.fixtures.processes import process_env, start_daphne, stop

pytestmark = [pytest.mark.postgres]
POOL = 3


def _connections(db_name: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [db_name])
        return cursor.fetchone()[0]


def test_a_node_serves_fifty_concurrent_pages_on_a_pool_of_three(transactional_db, tmp_path):
    require(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    db_name = settings.DATABASES["default"]["NAME"]
    video = VideoFactory()
    node, base = start_daphne(process_env(DB_POOL_MAX=str(POOL)), tmp_path / "node.log")
    try:
        before = _connections(db_name)
        peak = before

        def get(path: str) -> int:
            with urllib.request.urlopen(base + path, timeout=30) as response:
                response.read()
                return response.status

        paths = [f"/watch/{video.id}/", "/", f"/api/v1/videos/{video.id}/"] * 17
        with concurrent.futures.ThreadPoolExecutor(50) as pool:
            futures = [pool.submit(get, path) for path in paths]
            while not all(f.done() for f in futures):
                peak = max(peak, _connections(db_name))
            statuses = [f.result() for f in futures]
    finally:
        stop(node, signal.SIGKILL)
    assert statuses == [200] * len(paths)
    # The node held at most its pool (the pool's warm minimum included), never one per request.
    assert peak - before <= POOL, (before, peak)
