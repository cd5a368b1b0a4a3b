"""The pipeline's bookkeeping: a step's view of its video row and of its task rows.

Every step loads the row (and drops work of a stale generation), skips a task already done,
and records what it finished under the row lock, which also moves the progress bar.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from apps.videos.delivery import events
from apps.videos.models import PipelineTask, Video, VideoStatus
from apps.videos.pipeline import encoding, layout, storage

logger = logging.getLogger(__name__)


class Stale(Exception):
    """The video was deleted or reprocessed since this job was queued."""


def load_video(video_id: str, generation: int, *, lock: bool = False) -> Video:
    qs = Video.objects.select_for_update() if lock else Video.objects
    video = qs.filter(pk=video_id).first()
    if video is None or video.generation != generation or video.status == VideoStatus.FAILED:
        raise Stale(f"video {video_id} g{generation} is gone, reprocessed or failed")
    return video


def video_is_gone(video_id: str) -> bool:
    return not Video.objects.filter(pk=video_id).exists()


def discard_deleted(video_id: str, generation: int) -> None:
    """A job that finds its video deleted removes what it may have stored since the deletion
    swept the video's files (it uploads before it takes the row lock), and its scratch dir."""
    removed = storage.delete_prefix(layout.video_prefix(video_id))
    encoding.remove_work_dir(video_id, generation)
    logger.info("job of a deleted video stopped", extra={"video": video_id, "removed": removed})


def is_done(video: Video, **lookup) -> bool:
    return (
        PipelineTask.objects.filter(video=video, generation=video.generation, **lookup)
        .exclude(done_at=None)
        .exists()
    )


def lock_task(video: Video, **lookup) -> PipelineTask:
    return PipelineTask.objects.select_for_update().get(
        video=video, generation=video.generation, **lookup
    )


def mark_done(video: Video, task: PipelineTask) -> bool:
    """Record a finished task and the new progress. Caller holds the video row lock."""
    if task.done_at is not None:
        return False
    task.done_at = timezone.now()
    # Given up on as "not made" (it needed a part that failed) yet made after all: it is done.
    task.failed_at, task.error = None, ""
    task.save(update_fields=["done_at", "failed_at", "error"])
    record_progress(video)
    return True


def record_progress(video: Video) -> bool:
    """Save the progress of the video's tasks; processing ends (100 %, scratch files removed)
    when none is left, whether each was done or failed for good. Caller holds the row lock."""
    counts = PipelineTask.objects.filter(video=video, generation=video.generation).aggregate(
        total=Sum("weight"),
        done=Sum("weight", filter=Q(done_at__isnull=False)),
        left=Count("pk", filter=Q(done_at=None, failed_at=None)),
    )
    all_done = counts["left"] == 0
    done, total = counts["done"] or 0.0, counts["total"] or 1.0
    video.progress = 100 if all_done else min(99, int(100 * done / total))
    video.processing_finished_at = timezone.now() if all_done else None
    if all_done:
        output_prefix, vid, gen = video.output_prefix, video.id, video.generation
        transaction.on_commit(lambda: _cleanup(vid, gen, output_prefix))
    video.stall_requeues = 0  # it moved
    video.save(update_fields=["progress", "processing_finished_at", "stall_requeues", "updated_at"])
    events.progress_changed(video, error=video.error)
    return all_done


def _cleanup(video_id: str, generation: int, output_prefix: str) -> None:
    storage.delete_prefix(layout.work_prefix(output_prefix))
    encoding.remove_work_dir(video_id, generation)
    logger.info("video processed", extra={"video": video_id, "generation": generation})
