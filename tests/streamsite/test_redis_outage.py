"""Redis unreachable (a private redis-server, killed and restarted): pages and the API keep
being served from PostgreSQL without the cache, /readyz says the channel layer is down, and
everything is back as soon as Redis answers. (Sockets reconnecting and catching up after a
Redis restart: tests/browser/test_broadcasts_reconnect_browser.py.)"""

from __future__ import annotations

import time

import pytest
import requests

from tests.factories import VideoFactory
from tests.fixtures.private_services import PrivateRedis, wait_until
from tests.fixtures.processes import process_env, start_daphne, stop

pytestmark = pytest.mark.slow


def test_a_redis_outage_leaves_pages_served_and_recovers(transactional_db, tmp_path):
    video = VideoFactory(title="Still here")
    redis = PrivateRedis(tmp_path)
    redis.start()
    node = None
    try:
        node, base = start_daphne(process_env(REDIS_URL=redis.url), tmp_path / "web.log")
        pages = ("/", f"{video.get_absolute_url()}", "/api/v1/videos/")
        for page in pages:
            assert requests.get(base + page, timeout=15).status_code == 200, page

        redis.stop()
        for page in pages:
            started = time.monotonic()
            answer = requests.get(base + page, timeout=15)
            assert answer.status_code == 200, (page, answer.status_code)
            assert time.monotonic() - started < 5
        assert "Still here" in requests.get(base + video.get_absolute_url(), timeout=15).text
        ready = requests.get(f"{base}/readyz", timeout=15)
        assert ready.status_code == 503 and "channel_layer" in ready.json()["failed"]

        redis.start()
        assert wait_until(lambda: requests.get(f"{base}/readyz", timeout=15).status_code == 200)
    finally:
        if node is not None:
            stop(node)
        redis.stop()
