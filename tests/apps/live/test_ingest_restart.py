"""The ingest process itself dies mid-broadcast (SIGKILL, with its encoder) and is started
again: the encoder's key is free once the dead ingest's heartbeat is stale, the stream
continues (same stream, a discontinuity), and the dead ingest's recording is kept."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from apps.live import services
from apps.live.models import LiveStream
from tests.apps.live.test_ingest import _last_sequence, _playlist, _wait
from tests.conftest import require
from tests.fixtures.live_ingest import publish

pytestmark = [pytest.mark.pipeline, pytest.mark.postgres]
ROOT = Path(__file__).resolve().parents[3]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_ingest(port: int, work: Path) -> subprocess.Popen:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "PIPELINE_WORK_DIR": str(work),
        # The same media directory as this process (test settings would make a new one).
        "STORAGE_URL": f"file://{settings.MEDIA_ROOT}",
        "LIVE_RECOVERY_QUIET_S": "0",
        "LIVE_DVR_WINDOW_S": "0",
    }
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "live_ingest", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return proc
        time.sleep(0.2)
    proc.kill()
    raise AssertionError("the ingest did not start")


def test_a_killed_ingest_is_started_again_and_the_stream_continues(
    transactional_db, creator, tmp_path
):
    # A second process needs a shared database server.
    require(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    stream = services.live_create(owner=creator, title="Crash and carry on")
    port, work = _free_port(), tmp_path / "work"
    url = f"rtmp://127.0.0.1:{port}/live/{stream.stream_key}"
    first = _start_ingest(port, work)
    second = None
    encoder = publish(url, seconds=60)
    try:
        _wait(lambda: _last_sequence(_playlist(stream, "180p")) >= 2, 60, "the first segments")
        before = _last_sequence(_playlist(stream, "180p"))
        os.killpg(first.pid, signal.SIGKILL)  # the ingest and its live encoder, at once
        first.wait()
        encoder.wait(timeout=30)
        second = _start_ingest(port, work)
        # The dead ingest still "holds" the key until its heartbeat is stale.
        _wait(
            lambda: services.live_publish_check(stream_key=stream.stream_key) == stream.id
            if _stale(stream) else False,
            40,
            "the dead ingest's heartbeat to go stale",
        )  # fmt: skip
        again = publish(url, seconds=6)
        assert again.wait(timeout=60) == 0
        _wait(lambda: not LiveStream.objects.get(pk=stream.pk).publisher_connected, 30, "release")
        stream.refresh_from_db()
        assert stream.status == "live" and stream.publisher_session == 2
        after = _playlist(stream, "180p")
        assert "#EXT-X-DISCONTINUITY" in after and _last_sequence(after) > before
        # The killed connection's recording was stored by the new ingest at its start.
        assert sorted(stream.recording_parts) == [
            f"live/{stream.id}/recording/part-0001.flv",
            f"live/{stream.id}/recording/part-0002.flv",
        ]
    finally:
        encoder.kill()
        for proc in (first, second):
            if proc is not None and proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=30)


def _stale(stream: LiveStream) -> bool:
    try:
        services.live_publish_check(stream_key=stream.stream_key)
    except services.PublishRefused:
        return False
    return True
