"""deploy/nginx.conf, for real: `nginx -t` with the RTMP front end included, then nginx in
front of two Daphne web nodes: requests and websockets reach both, a broadcast sent through
Redis reaches sockets on both, body limits hold per route, public segments are cached and
private ones never, and when one node dies the other serves everything."""

from __future__ import annotations

import json
import signal
import subprocess
from pathlib import Path

import pytest
import requests
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from apps.broadcasts.push import events
from apps.videos.delivery.links import media_url
from tests.conftest import require
from tests.factories import VideoFactory
from tests.fixtures.nginx import NGINX, nginx_command, render_nginx
from tests.fixtures.processes import ROOT, free_port, process_env, start_daphne, stop, wait_http

pytestmark = pytest.mark.slow


def test_the_config_is_valid_with_the_rtmp_front_end(tmp_path):
    require(Path(NGINX).exists(), "nginx (apt-get install nginx-light libnginx-mod-rtmp)")
    conf = render_nginx(tmp_path, free_port(), ["127.0.0.1:9"], rtmp=True)
    checked = subprocess.run(
        [*nginx_command(conf), "-t"], capture_output=True, text=True, timeout=30
    )
    assert checked.returncode == 0, checked.stderr
    assert "syntax is ok" in checked.stderr


def _ws(base: str):
    from websockets.sync.client import connect

    url = base.replace("http://", "ws://") + "/ws/site/"
    return connect(url, origin=base, open_timeout=10)


def test_nginx_balances_two_web_nodes_and_survives_losing_one(transactional_db, tmp_path):
    require(Path(NGINX).exists(), "nginx (apt-get install nginx-light libnginx-mod-rtmp)")
    env = process_env()
    node_a, base_a = start_daphne(env, tmp_path / "a.log")
    node_b, base_b = start_daphne(env, tmp_path / "b.log")
    port = free_port()
    upstreams = [base_a.removeprefix("http://"), base_b.removeprefix("http://")]
    conf = render_nginx(tmp_path, port, upstreams, rtmp=False)
    front = subprocess.Popen([*nginx_command(conf), "-g", "daemon off;"], start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    sockets = []
    try:
        wait_http(f"{base}/healthz", front, tmp_path / "error.log")
        for _ in range(10):
            assert requests.get(f"{base}/", timeout=10).status_code == 200
        for log in ("a.log", "b.log"):
            assert '"GET /" 200' in (tmp_path / log).read_text(), log

        # Websockets through nginx, one on each node (least_conn); a broadcast published once
        # in Redis reaches both.
        sockets = [_ws(base), _ws(base)]
        for log in ("a.log", "b.log"):
            assert "WSCONNECT /ws/site/" in (tmp_path / log).read_text(), log
        events.send(events.SITE_GROUP, events.shown_event({"id": 4242, "message": "Hello"}))
        for sock in sockets:
            assert json.loads(sock.recv(timeout=10))["id"] == 4242

        # Body limits per route: a big body is refused by nginx on pages, passed on for tus.
        big = b"\0" * (3 * 1024 * 1024)
        assert requests.post(f"{base}/accounts/login/", data=big, timeout=30).status_code == 413
        tus = requests.patch(f"{base}/api/v1/uploads/x", data=big, timeout=30)
        assert tus.status_code in (401, 404, 412), tus.status_code

        # Public keyed segments are cached at the front; private ones never are.
        for visibility in ("public", "private"):
            video = VideoFactory(visibility=visibility)
            name = f"{video.output_prefix}360p/seg-1.m4s"
            default_storage.save(name, ContentFile(b"segment"))
            url = base + media_url(name, video.media_key)
            if visibility == "public":
                first = requests.get(url, timeout=10)
                assert first.status_code == 200 and "immutable" in first.headers["Cache-Control"]
                assert requests.get(url, timeout=10).headers["X-Cache-Status"] == "HIT"
            else:
                assert requests.get(url, timeout=10).status_code == 404
                assert requests.get(url, timeout=10).headers["X-Cache-Status"] != "HIT"

        # Node A dies: every request still succeeds on B, and a socket that was on A
        # reconnects (to B) and gets the next broadcast.
        stop(node_a, signal.SIGKILL)
        for _ in range(10):
            assert requests.get(f"{base}/", timeout=10).status_code == 200
        for sock in sockets:
            sock.close()
        again = _ws(base)
        sockets = [again]
        events.send(events.SITE_GROUP, events.shown_event({"id": 4343, "message": "Still"}))
        assert json.loads(again.recv(timeout=10))["id"] == 4343
    finally:
        for sock in sockets:
            sock.close()
        stop(front, signal.SIGQUIT, timeout=10)
        stop(node_a, signal.SIGKILL)
        stop(node_b)


def test_the_compose_file_has_the_production_shape():
    import yaml

    compose = yaml.safe_load((ROOT / "deploy" / "compose.yml").read_text())
    services = compose["services"]
    webs = [name for name in services if name.startswith("web-")]
    assert len(webs) == 2
    for name in webs:
        assert "manage.py serve" in services[name]["command"]
        assert "migrate" in services[name]["depends_on"]
    assert services["worker"]["deploy"]["replicas"] == 2
    assert services["worker"]["command"].startswith("python manage.py worker")
    assert {"nginx", "postgres", "redis", "minio"} <= set(services)
    assert services["web-1"]["environment"]["PROXY_COUNT"] == "1"
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    assert all(f"server {name}:8000" in nginx for name in webs)


def test_the_kubernetes_web_pods_drain_through_readyz():
    import yaml

    docs = list(yaml.safe_load_all((ROOT / "deploy" / "k8s" / "streamsite.yaml").read_text()))
    web = next(
        d for d in docs if d["metadata"]["name"] == "streamsite-web" and "template" in d["spec"]
    )
    pod = web["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert "serve" in container["command"] and web["spec"]["replicas"] >= 2
    config = next(d for d in docs if d["kind"] == "ConfigMap")["data"]
    assert pod["terminationGracePeriodSeconds"] > float(config["SHUTDOWN_GRACE_S"])
    worker = next(d for d in docs if d["metadata"]["name"] == "streamsite-worker")
    grace = worker["spec"]["template"]["spec"]["terminationGracePeriodSeconds"]
    assert grace > float(config["WORKER_SHUTDOWN_TIMEOUT_S"])
