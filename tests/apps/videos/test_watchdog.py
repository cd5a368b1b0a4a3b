"""The running site notices processing that stopped moving: no progress and nothing of it
queued or running for PIPELINE_STALL_S. It re-queues the work, and after
PIPELINE_STALL_REQUEUES tries fails the video with a reason. No operator's cron involved."""

from __future__ import annotations

from datetime import timedelta

import dramatiq
import pytest
from django.core.files import File
from django.utils import timezone

from apps.videos import pipeline, recovery, services
from apps.videos.models import Video
from streamsite.broker import stop_worker
from tests.factories import CreatorFactory
from tests.fixtures.pipeline import wait_for_video

pytestmark = pytest.mark.pipeline


def _planned_then_lost(samples) -> str:
    """Planned and one chunk done; then the queue loses every message (a crash, a flush)."""
    with open(samples["tiny_360p_4s.mp4"], "rb") as fh:
        video_id = services.video_create(
            owner=CreatorFactory(), title="Stalls", upload=File(fh), filename="clip.mp4"
        ).id
    pipeline.plan_video(video_id, 1)
    pipeline.chunk_step(video_id, 1, 0, 0)
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
