"""Work that stopped moving is found and moved again by the running site, not by a cron.

- `resume_unfinished`: embedded mode keeps its queues in memory; after a restart, re-send.
- `sweep` (every PIPELINE_WATCHDOG_INTERVAL_S, in the embedded server and in
  `manage.py worker`): uploads stored but never queued are queued, and the watchdog re-queues
  a video whose processing made no progress for PIPELINE_STALL_S while nothing of it was queued
  or running; after PIPELINE_STALL_REQUEUES such re-queues it fails with a reason (a ready
  video stays playable with the rungs it has).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from apps.videos.models import Video, VideoStatus
from apps.videos.pipeline import jobs
from apps.videos.services import video_fail
from streamsite.broker import outstanding_messages

logger = logging.getLogger(__name__)

PIPELINE_ACTORS = {"process_video", "encode_chunk", "encode_audio", "package_rung", "make_poster"}
UNFINISHED = Q(status__in=[VideoStatus.UPLOADED, VideoStatus.PROCESSING]) | Q(
    status=VideoStatus.READY, progress__lt=100
)


def resume_unfinished() -> int:
    count = 0
    for video_id, generation in Video.objects.filter(UNFINISHED).values_list("id", "generation"):
        # process_video plans what is unplanned and re-sends every task not yet done.
        jobs.send_process(video_id, generation)
        count += 1
    if count:
        logger.info("re-queued unfinished videos", extra={"count": count})
    return count


def videos_in_queue() -> set[str] | None:
    """Videos with a pipeline job waiting, delayed for a retry, or running. None when the
    broker cannot tell (RabbitMQ holding messages): then any video may still have work coming."""
    messages = outstanding_messages()
    if messages is None:
        return None
    return {str(m.args[0]) for m in messages if m.actor_name in PIPELINE_ACTORS and m.args}


def sweep(*, older_than_s: float = 30) -> int:
    """Queue uploads stored but never queued here (import_video and seed_demo in another
    process, or an enqueue lost to a crash between commit and send), then run the watchdog."""
    cutoff = timezone.now() - timedelta(seconds=older_than_s)
    stuck = Video.objects.filter(status=VideoStatus.UPLOADED, plan={}, updated_at__lt=cutoff)
    candidates = list(stuck.values_list("id", "generation"))
    queued = videos_in_queue() if candidates else set()
    count = 0
    for video_id, generation in candidates:
        if queued is not None and video_id not in queued:
            jobs.send_process(video_id, generation)
            count += 1
    return count + watchdog()


def watchdog(*, now=None) -> int:
    """Re-queue (or, after too many tries, fail) videos whose processing stopped moving.
    Returns how many it acted on."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.PIPELINE_STALL_S)
    stalled = list(
        Video.objects.filter(UNFINISHED, updated_at__lt=cutoff).values_list("id", flat=True)
    )
    if not stalled:
        return 0
    queued = videos_in_queue()
    if queued is None:
        return 0  # a backlog: judged again once the queues have drained
    return sum(_unstick(video_id, cutoff) for video_id in stalled if video_id not in queued)


def _unstick(video_id: str, cutoff) -> bool:
    with transaction.atomic():
        # Re-checked under the lock: another watchdog (one per worker host) may have acted.
        video = (
            Video.objects.select_for_update()
            .filter(UNFINISHED, pk=video_id, updated_at__lt=cutoff)
            .first()
        )
        if video is None:
            return False
        if video.stall_requeues < settings.PIPELINE_STALL_REQUEUES:
            video.stall_requeues += 1
            video.save(update_fields=["stall_requeues", "updated_at"])
            video_id, generation = video.id, video.generation
            jobs.send_process(video_id, generation)
            logger.warning(
                "stalled video re-queued", extra={"video": video_id, "try": video.stall_requeues}
            )
            return True
        minutes = max(1, round(settings.PIPELINE_STALL_S / 60))
        reason = (
            f"Processing stopped: nothing moved for {minutes} min, even after "
            f"{video.stall_requeues} restart(s); staff have been notified."
        )
        video_fail(video_id=video.id, generation=video.generation, reason=reason)
    logger.error("stalled video failed", extra={"video": video_id})
    return True
