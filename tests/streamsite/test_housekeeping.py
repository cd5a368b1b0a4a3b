"""Expired resumable uploads are removed by the running site (the serving process and
`manage.py worker`), not only by a cron nobody sets up."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from django.conf import settings

from streamsite import housekeeping, startup
from tests.conftest import require

ROOT = Path(__file__).resolve().parents[2]
UPLOAD_ID = "expiredUpload0123456789abcdef"


def _expired_upload(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    files = [directory / f"{UPLOAD_ID}.bin", directory / f"{UPLOAD_ID}.json"]
    day_ago = time.time() - 25 * 3600
    for path in files:
        path.write_bytes(b"{}")
        os.utime(path, (day_ago, day_ago))
    return files


def _gone(files: list[Path], deadline_s: float = 60) -> bool:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if not any(path.exists() for path in files):
            return True
        time.sleep(0.1)
    return False


def test_serving_process_schedules_the_cleanup(settings, tmp_path, monkeypatch):
    settings.TUS_UPLOAD_DIR = str(tmp_path / "tus")
    settings.TUS_CLEANUP_INTERVAL_S = 0.1
    files = _expired_upload(tmp_path / "tus")
    live = tmp_path / "tus" / "liveUpload0123456789abcdefgh.bin"
    live.write_bytes(b"x")
    monkeypatch.setattr(housekeeping, "_started", False)
    monkeypatch.delenv("STREAMSITE_NO_EMBEDDED_WORKER")
    # Not embedded here, so no in-process workers start; the chores start either way.
    monkeypatch.setattr(startup.broker, "is_embedded", lambda: False)
    started = []
    real_start = housekeeping.start
    monkeypatch.setattr(housekeeping, "start", lambda: started.append(real_start(stop)) or stop)
    stop = threading.Event()
    try:
        startup.on_server_start()
        assert started
        assert _gone(files)
        assert live.exists()
    finally:
        stop.set()


def test_worker_command_schedules_the_cleanup(tmp_path):
    require(bool(settings.REDIS_URL), "Redis (REDIS_URL)")
    files = _expired_upload(tmp_path / "streamsite-tus")  # beside PIPELINE_WORK_DIR
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "streamsite.test_settings",
        "REDIS_URL": settings.REDIS_URL,
        "PIPELINE_WORK_DIR": str(tmp_path / "work"),
        "TUS_CLEANUP_INTERVAL_S": "1",
    }
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "worker", "--processes", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        assert _gone(files)
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
