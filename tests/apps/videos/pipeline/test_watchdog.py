"""The running site notices processing that stopped moving: no progress and nothing of it
queued or running for PIPELINE_STALL_S. It re-queues the work, and after
PIPELINE_STALL_REQUEUES tries fails the video with a reason. No operator's cron involved."""

from __future__ import annotations

import os
import signal
from datetime import timedelta

import dramatiq
import pytest
from django.core.files import File
from django.db import connection
from django.utils import timezone

from apps.videos import services
from apps.videos.models import Video
from apps.videos.pipeline import recovery, steps
from streamsite.broker import stop_worker
from tests.apps.videos.pipeline.test_recovery import _start_worker
from tests.conftest import require
from tests.factories import CreatorFactory, stored_upload
from tests.fixtures.pipeline import wait_for_video

pytestmark = pytest.mark.pipeline


def _planned_then_lost(samples) -> str:
    """Planned and one chunk done; then the queue loses every message (a crash, a flush)."""
    with open(samples["tiny_360p_4s.mp4"], "rb") as fh:
        video_id = services.video_create(
            owner=CreatorFactory(), title="Stalls", upload=File(fh), filename="clip.mp4"
        ).id
    steps.plan_video(video_id, 1)
    steps.chunk_step(video_id, 1, 0, 0)
    dramatiq.get_broker().flush_all()
    return video_id


def _later(settings):
    return timezone.now() + timedelta(seconds=settings.PIPELINE_STALL_S + 1)


def test_stalled_work_is_requeued_then_failed_with_a_reason(samples, no_workers, settings):
    settings.PIPELINE_STALL_REQUEUES = 2
    video_id = _planned_then_lost(samples)
    assert recovery.watchdog() == 0  # moved a moment ago: not stalled
    for attempt in (1, 2):
        assert recovery.watchdog(now=_later(settings)) == 1
        assert recovery.videos_in_queue() == {video_id}
        # Queued (or running) work is never taken for stalled work, however long it waits.
        assert recovery.watchdog(now=_later(settings)) == 0
        assert Video.objects.get(pk=video_id).stall_requeues == attempt
        dramatiq.get_broker().flush_all()  # and lost again
    assert recovery.watchdog(now=_later(settings)) == 1
    video = Video.objects.get(pk=video_id)
    assert video.status == "failed"
    assert video.error.startswith("Processing stopped: nothing moved for")
    assert video.processing_finished_at is not None


def test_a_ready_video_whose_work_stopped_stays_ready_and_ends(samples, no_workers, settings):
    """Watchable already, its larger rungs lost for good: it stays playable with the rungs it
    has, its progress ends, and what was never made says why."""
    from apps.videos.pipeline import plan as planning

    settings.PIPELINE_STALL_REQUEUES = 0
    video_id = _planned_then_lost(samples)
    video = Video.objects.get(pk=video_id)
    for chunk in planning.chunks(video.plan, 0)[1:]:
        steps.chunk_step(video_id, 1, 0, chunk.index)
    steps.audio_step(video_id, 1)
    steps.package_step(video_id, 1, "144p")
    dramatiq.get_broker().flush_all()
    assert Video.objects.get(pk=video_id).status == "ready"
    assert recovery.watchdog(now=_later(settings)) == 1
    video = Video.objects.get(pk=video_id)
    assert video.status == "ready" and video.progress == 100
    assert video.error.startswith("Processing stopped: nothing moved for")
    assert [r.name for r in video.renditions.all()] == ["144p"]
    never_made = video.tasks.exclude(failed_at=None)
    assert never_made.filter(kind="package", rung="360p").exists()
    assert not video.tasks.filter(done_at=None, failed_at=None).exists()


def test_requeued_work_finishes_the_video(samples, no_workers, settings):
    video_id = _planned_then_lost(samples)
    broker = dramatiq.get_broker()
    worker = dramatiq.Worker(broker, worker_threads=2, worker_timeout=50)
    worker.start()
    try:
        assert recovery.sweep() == 0  # the sweep runs the watchdog: nothing stalled yet
        assert recovery.watchdog(now=_later(settings)) == 1
        video = wait_for_video(video_id, timeout=120)
    finally:
        stop_worker(worker)
    assert video.status == "ready" and video.progress == 100, video.error
    assert video.stall_requeues == 0  # progress resets the count


def test_manage_py_worker_sweeps_by_itself(samples, transactional_db, settings, tmp_path):
    """With Redis, nothing but `manage.py worker` runs: an upload stored by another process
    and never queued (seed_demo, import_video, a lost enqueue) is found and processed."""
    require(bool(settings.REDIS_URL), "Redis (REDIS_URL)")
    require(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    dramatiq.get_broker().flush_all()
    video = stored_upload(samples["tiny_360p_4s.mp4"])
    Video.objects.filter(pk=video.pk).update(updated_at=timezone.now() - timedelta(minutes=5))
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "streamsite.test_settings",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "STORAGE_URL": f"file://{settings.MEDIA_ROOT}",
        "PIPELINE_WORK_DIR": str(tmp_path / "work"),
        "PIPELINE_WATCHDOG_INTERVAL_S": "0.5",
    }
    worker = _start_worker(env)
    try:
        video = wait_for_video(video.id, timeout=180)
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
        dramatiq.get_broker().flush_all()
    assert video.status == "ready" and video.progress == 100, video.error
