"""Nothing is lost when the push path fails: with the channel layer's Redis stopped, a broadcast
is still stored; when Redis is back, the page's socket reconnects and catches up.

Runs against a throwaway redis-server of its own (a free port, no persistence): the machine's
shared Redis is never stopped."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time

import pytest
from playwright.sync_api import expect

from apps.broadcasts.models import Broadcast
from tests.browser.test_broadcasts_browser import _api
from tests.conftest import require
from tests.factories import ModeratorFactory

pytestmark = [pytest.mark.browser, pytest.mark.redis]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ThrowawayRedis:
    def __init__(self, workdir) -> None:
        self.port = _free_port()
        self.workdir = workdir
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("throwaway redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None


@pytest.fixture
def own_redis(settings, tmp_path):
    require(shutil.which("redis-server") is not None, "redis-server")
    redis = ThrowawayRedis(tmp_path)
    redis.start()
    # Channels drops its cached layers when this setting changes; the live server's next
    # sockets and sends use this Redis.
    url = f"redis://127.0.0.1:{redis.port}/0"
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [url], "prefix": "reconnect"},
        },
        "site": {
            "BACKEND": "apps.broadcasts.push.layers.SitePubSubChannelLayer",
            "CONFIG": {"hosts": [url], "prefix": "reconnect.site"},
        },
    }
    yield redis
    redis.stop()


def test_page_catches_up_after_the_channel_layer_was_down(page, live_site, own_redis):
    moderator = ModeratorFactory()
    page.goto("/")
    page.wait_for_function("() => document.getElementById('banners').dataset.socket === 'open'")
    page.evaluate("() => { window.__notReloaded = true; }")

    own_redis.stop()
    # The server notices its layer is gone and the socket closes; the page starts retrying.
    page.wait_for_function(
        "() => document.getElementById('banners').dataset.socket === 'closed'", timeout=30_000
    )
    body = {"message": "Issued while Redis was down", "severity": "warning"}
    status, body = _api(live_site, "POST", "/api/v1/broadcasts/", moderator, body)
    assert status == 201 and Broadcast.objects.filter(pk=body["id"]).exists()
    own_redis.start()

    expect(page.get_by_text("Issued while Redis was down")).to_be_visible(timeout=45_000)
    page.wait_for_function("() => document.getElementById('banners').dataset.socket === 'open'")
    assert page.evaluate("() => window.__notReloaded === true")
    # The reconnected socket carries live events again.
    assert _api(live_site, "DELETE", f"/api/v1/broadcasts/{body['id']}/", moderator)[0] == 204
    expect(page.get_by_text("Issued while Redis was down")).to_have_count(0)
