"""Expired resumable uploads are removed by the running site (the serving process and
`manage.py worker`), not only by a cron nobody sets up."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from apps.videos.models import ResumableUpload
from apps.videos.uploads.tus_store import parts_dir
from streamsite import housekeeping, startup
from tests.factories import CreatorFactory
from tests.fixtures.processes import process_env, start_worker, stop

EXPIRED_ID = "expiredUpload0123456789abcdef"
LIVE_ID = "liveUpload0123456789abcdefgh"


def _upload(upload_id: str, idle: timedelta) -> str:
    part = default_storage.save(f"{parts_dir(upload_id)}/0000-part", ContentFile(b"abc"))
    ResumableUpload.objects.create(
        id=upload_id,
        owner=CreatorFactory(),
        length=10,
        offset=3,
        parts=[[part, 3]],
        touched_at=timezone.now() - idle,
    )
    return part


def _gone(upload_id: str, part: str, deadline_s: float = 60) -> bool:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if not ResumableUpload.objects.filter(pk=upload_id).exists():
            if not default_storage.exists(part):
                return True
        time.sleep(0.1)
    return False


def test_serving_process_schedules_the_cleanup(settings, transactional_db, monkeypatch):
    settings.TUS_CLEANUP_INTERVAL_S = 0.1
    expired = _upload(EXPIRED_ID, timedelta(hours=25))
    live = _upload(LIVE_ID, timedelta(hours=1))
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
        assert _gone(EXPIRED_ID, expired)
        assert ResumableUpload.objects.filter(pk=LIVE_ID).exists()
        assert default_storage.exists(live)
    finally:
        stop.set()


def test_worker_command_schedules_the_cleanup(transactional_db, tmp_path):
    expired = _upload(EXPIRED_ID, timedelta(hours=25))
    env = process_env(TUS_CLEANUP_INTERVAL_S="1", PIPELINE_WORK_DIR=str(tmp_path / "work"))
    proc = start_worker(env, tmp_path / "worker.log", "--processes", "1")
    try:
        assert _gone(EXPIRED_ID, expired), (tmp_path / "worker.log").read_text()[-2000:]
    finally:
        assert stop(proc, timeout=60) is not None
