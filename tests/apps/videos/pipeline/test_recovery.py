"""Work survives dying workers: in-memory queues lost on restart, and SIGKILLed Redis workers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import dramatiq
import pytest
from django.conf import settings
from django.core.files import File
from django.db import connection

from apps.videos import services
from apps.videos.models import PipelineTask, Video
from apps.videos.pipeline import recovery
from streamsite.broker import stop_worker
from tests.conftest import require
from tests.factories import CreatorFactory
from tests.fixtures.pipeline import wait_for_video

pytestmark = pytest.mark.pipeline
ROOT = Path(__file__).resolve().parents[4]


def _import(path: Path) -> str:
    with open(path, "rb") as fh:
        return services.video_create(
            owner=CreatorFactory(), title="Recovered", upload=File(fh), filename=path.name
        ).id


def _chunks_done(video_id: str) -> int:
    return (
        PipelineTask.objects.filter(video_id=video_id, kind="chunk").exclude(done_at=None).count()
    )


def _assert_complete(video: Video) -> None:
    assert video.status == "ready" and video.progress == 100, video.error
    expected = round(video.duration * 60)
    for rendition in video.renditions.all():
        assert sum(round(d * 60) for _, d, _ in rendition.segments) == expected


def test_restart_requeues_unfinished_work(samples, transactional_db, settings, tmp_path):
    """Embedded mode: the queue dies with the process; on start, unfinished videos resume."""
    from apps.videos.pipeline import steps
    from streamsite.broker import import_actor_modules

    settings.PIPELINE_WORK_DIR = tmp_path / "work"
    settings.PIPELINE_SEGMENTS_PER_CHUNK = 1
    import_actor_modules()
    broker = dramatiq.get_broker()
    broker.flush_all()
    # The work done before the "crash": planning and one chunk, run here without a worker.
    video_id = _import(samples["chunky_60fps_14s.mp4"])
    steps.plan_video(video_id, 1)
    steps.chunk_step(video_id, 1, 0, 0)
    broker.flush_all()  # what a restart does to an in-memory queue
    video = Video.objects.get(pk=video_id)
    assert video.status == "processing" and video.progress < 100 and _chunks_done(video_id) == 1

    worker = dramatiq.Worker(broker, worker_threads=2, worker_timeout=50)
    worker.start()
    try:
        assert recovery.resume_unfinished() == 1
        _assert_complete(wait_for_video(video_id))
    finally:
        stop_worker(worker)
        broker.flush_all()


def _start_worker(env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "worker", "--processes", "1", "--threads", "1"],
        cwd=ROOT,
        env=env,
        start_new_session=True,  # its own process group, so SIGKILL reaches every child
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_sigkilled_worker_loses_nothing(samples, transactional_db, tmp_path):
    """Redis broker: kill -9 a worker mid-job; another worker finishes the video correctly."""
    require(bool(settings.REDIS_URL), "Redis (REDIS_URL)")
    require(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "streamsite.test_settings",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "STORAGE_URL": f"file://{settings.MEDIA_ROOT}",
        "PIPELINE_WORK_DIR": str(tmp_path / "work"),
        "PIPELINE_SEGMENTS_PER_CHUNK": "1",
        "PIPELINE_FFMPEG_THREADS": "1",
        "DRAMATIQ_HEARTBEAT_TIMEOUT_MS": "2000",
        "DRAMATIQ_MAINTENANCE_CHANCE": "200000",
    }
    dramatiq.get_broker().flush_all()
    first = _start_worker(env)
    second = None
    try:
        video_id = _import(samples["chunky_60fps_14s.mp4"])
        deadline = time.monotonic() + 90
        while _chunks_done(video_id) == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _chunks_done(video_id) > 0, "the first worker never got going"
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
        assert Video.objects.get(pk=video_id).progress < 100
        second = _start_worker(env)
        _assert_complete(wait_for_video(video_id, timeout=180))
    finally:
        for proc in (first, second):
            if proc is not None and proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
        dramatiq.get_broker().flush_all()
