"""deploy/nginx-rtmp.conf for real: a private nginx (libnginx-mod-rtmp) with the shipped
`rtmp {}` block on free ports, its on_publish calling the site (Daphne), accepted streams
relayed to the ingest. The right key goes live through it; a wrong key is refused."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from apps.live import services
from apps.live.models import LiveStatus, LiveStream
from tests.conftest import require
from tests.fixtures.live_ingest import publish

pytestmark = [pytest.mark.pipeline, pytest.mark.postgres]

CONF = Path(__file__).resolve().parents[3] / "deploy" / "nginx-rtmp.conf"
MODULE = Path("/usr/lib/nginx/modules/ngx_rtmp_module.so")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _config(site: str, ingest_url: str, port: int, tmp: Path) -> str:
    """The shipped rtmp block, with this test's ports in place of the documented ones."""
    rtmp = CONF.read_text()
    rtmp = rtmp.replace("listen 1935;", f"listen 127.0.0.1:{port};")
    rtmp = rtmp.replace("http://127.0.0.1:8000", site)
    rtmp = rtmp.replace("push rtmp://127.0.0.1:1936/live;", f"push {ingest_url};")
    assert str(port) in rtmp and site in rtmp and ingest_url in rtmp, "the config changed shape"
    return (
        f"load_module {MODULE};\n"
        f"daemon off;\nmaster_process off;\nworker_processes 1;\npid {tmp}/nginx.pid;\n"
        f"error_log {tmp}/error.log info;\nevents {{ worker_connections 64; }}\n{rtmp}"
    )


@pytest.fixture
def nginx_rtmp(live_site, ingest, tmp_path):
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    require(Path(nginx).exists() and MODULE.exists(), "nginx with libnginx-mod-rtmp")
    port = _free_port()
    conf = tmp_path / "nginx.conf"
    conf.write_text(_config(live_site, ingest.url, port, tmp_path))
    check = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-e", str(tmp_path / "error.log"), "-c", str(conf)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert check.returncode == 0, check.stderr
    server = subprocess.Popen(
        [nginx, "-p", str(tmp_path), "-e", str(tmp_path / "error.log"), "-c", str(conf)],
        stdin=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.1)
    yield f"rtmp://127.0.0.1:{port}/live"
    server.terminate()
    server.wait(timeout=10)


def test_nginx_rtmp_checks_the_key_with_the_site_and_relays_to_the_ingest(
    nginx_rtmp, creator, tmp_path
):
    stream = services.live_create(owner=creator, title="Through nginx")
    other = services.live_create(owner=creator, title="Untouched")

    wrong = publish(f"{nginx_rtmp}/not-a-key", seconds=3)
    assert wrong.wait(timeout=30) != 0  # refused by on_publish (403) before any media
    assert not LiveStream.objects.filter(status=LiveStatus.LIVE).exists()

    encoder = publish(f"{nginx_rtmp}/{stream.stream_key}", seconds=6)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            stream.refresh_from_db()
            if stream.status == LiveStatus.LIVE and stream.publisher_connected and stream.height:
                break
            time.sleep(0.2)
        # Live through the relay: the ingest claimed the key and measured the source.
        log = (tmp_path / "error.log").read_text()[-3000:]
        assert stream.status == LiveStatus.LIVE, (stream.end_reason, log)
        assert (stream.width, stream.height) == (320, 180)
        assert encoder.wait(timeout=30) == 0
    finally:
        encoder.kill()
        encoder.wait()
    # The relay's end releases the key in the ingest (a reconnect could continue the stream).
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and LiveStream.objects.get(pk=stream.pk).publisher_connected:
        time.sleep(0.2)
    assert not LiveStream.objects.get(pk=stream.pk).publisher_connected
    other.refresh_from_db()
    assert other.status == LiveStatus.SCHEDULED
