"""A web node asked to stop (SIGTERM) drains first: /readyz fails at once so the balancer takes
it out of rotation, everything else is still served for SHUTDOWN_GRACE_S, then it exits."""

from __future__ import annotations

import signal
import sys
import time

import pytest
import requests

from streamsite.ops import shutdown
from tests.fixtures.processes import free_port, process_env, spawn, stop, wait_http

pytestmark = pytest.mark.slow


def test_sigterm_fails_readyz_first_then_stops_after_the_grace(transactional_db, tmp_path):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "serve.log"
    argv = [sys.executable, "manage.py", "serve", "--bind", "127.0.0.1", "--port", str(port)]
    node = spawn(argv, process_env(SHUTDOWN_GRACE_S="3"), log)
    try:
        wait_http(f"{base}/healthz", node, log)
        assert requests.get(f"{base}/readyz", timeout=30).status_code == 200, log.read_text()
        node.send_signal(signal.SIGTERM)
        asked = time.monotonic()
        draining = requests.get(f"{base}/readyz", timeout=5)
        assert draining.status_code == 503 and draining.json()["status"] == "draining"
        # Still serving what the balancer sent before it noticed.
        assert requests.get(f"{base}/", timeout=5).status_code == 200
        assert node.wait(timeout=30) == 0
        assert time.monotonic() - asked >= 2.5
        with pytest.raises(requests.ConnectionError):
            requests.get(f"{base}/healthz", timeout=2)
    finally:
        stop(node, signal.SIGKILL)


@pytest.mark.django_db
def test_readyz_answers_draining_without_checking_anything(client):
    shutdown.begin_drain()
    try:
        response = client.get("/readyz")
    finally:
        shutdown.end_drain()
    assert response.status_code == 503 and response.json()["status"] == "draining"
    assert client.get("/readyz").json()["status"] != "draining"
