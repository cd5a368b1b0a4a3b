"""Embedded mode keeps its queues in memory: after a restart, re-send unfinished work."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.utils import timezone

from apps.videos.models import Video, VideoStatus
from apps.videos.pipeline import jobs

logger = logging.getLogger(__name__)


def resume_unfinished() -> int:
    count = 0
    unfinished = Video.objects.filter(
        status__in=[VideoStatus.UPLOADED, VideoStatus.PROCESSING]
    ) | Video.objects.filter(status=VideoStatus.READY, progress__lt=100)
    for video_id, generation in unfinished.values_list("id", "generation"):
        # process_video plans what is unplanned and re-sends every task not yet done.
        jobs.send_process(video_id, generation)
        count += 1
    if count:
        logger.info("re-queued unfinished videos", extra={"count": count})
    return count


def sweep(*, older_than_s: float = 30) -> int:
    """Queue videos that were stored but never queued here (import_video and seed_demo in
    another process, or an enqueue lost to a crash between commit and send)."""
    cutoff = timezone.now() - timedelta(seconds=older_than_s)
    stuck = Video.objects.filter(status=VideoStatus.UPLOADED, plan={}, updated_at__lt=cutoff)
    count = 0
    for video_id, generation in stuck.values_list("id", "generation"):
        jobs.send_process(video_id, generation)
        count += 1
    return count
