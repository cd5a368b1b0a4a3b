"""Dramatiq actors of the video pipeline: thin wrappers that take ids and call `steps`.

Retries cover transient trouble (storage, database, a killed ffmpeg); a source that probes as
video but cannot be decoded fails the video at once with a reason instead of retrying.
"""

from __future__ import annotations

import logging

import dramatiq

from apps.videos.models import TaskKind
from apps.videos.pipeline import failures, jobs, posters, steps
from apps.videos.pipeline.bookkeeping import Stale, discard_deleted, video_is_gone
from apps.videos.services import video_fail
from media_pipeline.run import ToolFailed, ToolTimeout
from streamsite.broker import short_jobs_have_own_pool
from streamsite.ops import transient

logger = logging.getLogger(__name__)

# Chunks are the bulk of the work; everything else is short and unblocks viewers (planning,
# audio, packaging a finished rung), so it has its own queue and a higher priority: a rung
# whose chunks are done is published at once, not after every other chunk in the queue.
QUEUE = "pipeline"
FAST_QUEUE = "pipeline-fast"
FAST = {"queue_name": FAST_QUEUE, "priority": 0}
MINUTE = 60_000
# Every step retries with backoff; when it has used them up, the video fails with a reason.
# An outage of storage or the database is waited out (streamsite.ops.transient), never a failure.
STEP = {
    "max_retries": 3,
    "retry_when": transient.retry_when(3),
    "min_backoff": 2_000,
    "max_backoff": 60_000,
    "on_retry_exhausted": "pipeline_job_failed",
}


def _run(step, video_id: str, generation: int, *args, part: failures.Part) -> None:
    try:
        _attempt(step, video_id, generation, *args, part=part)
    except Exception:
        # Deleted under the step (its source or its row vanished): nothing to retry or report.
        if not video_is_gone(video_id):
            raise
    if video_is_gone(video_id):
        # What this job stored after the deletion swept the video's files goes too.
        discard_deleted(video_id, generation)


def _attempt(step, video_id: str, generation: int, *args, part: failures.Part) -> None:
    try:
        step(video_id, generation, *args)
    except Stale as stale:
        logger.info("stale pipeline job skipped", extra={"video": video_id, "why": str(stale)})
    except ToolFailed as failed:
        # The source passed the probe, so a decoder error here is bad media, not bad luck.
        logger.warning(
            "ffmpeg refused the media",
            extra={"video": video_id, "step": step.__name__, "stderr": failed.stderr_tail},
        )
        video_fail(
            video_id=video_id,
            generation=generation,
            reason=f"The video could not be processed: {_first_line(failed.stderr_tail)}",
            part=part,
        )
    except ToolTimeout:
        video_fail(
            video_id=video_id,
            generation=generation,
            reason="Processing took too long; the file may be damaged.",
            part=part,
        )


def _first_line(text: str) -> str:
    lines = [line for line in (text or "").splitlines() if line.strip()]
    return lines[-1][:200] if lines else "decoder error"


@dramatiq.actor(
    **FAST,
    time_limit=30 * MINUTE,
    **STEP,
)
def process_video(video_id: str, generation: int) -> None:
    _run(steps.plan_video, video_id, generation, part=failures.Part(failures.PLAN))


@dramatiq.actor(
    queue_name=QUEUE,
    priority=10,
    time_limit=60 * MINUTE,
    **STEP,
)
def encode_chunk(video_id: str, generation: int, group: int, index: int) -> None:
    _run(
        _chunk_then_package,
        video_id,
        generation,
        group,
        index,
        part=failures.Part(TaskKind.CHUNK, group=group, index=index),
    )


def _chunk_then_package(video_id: str, generation: int, group: int, index: int) -> None:
    rungs = steps.chunk_step(video_id, generation, group, index)
    # The job that finishes a rung group hands its rungs' packaging on, lowest first (it makes
    # the video watchable). With a pool of its own for short jobs (`manage.py worker`), all of
    # them: this worker goes back to chunks at once, instead of running a second behind the
    # others, and every later chunk with it, for the lowest rung's poster and sprite. Where one
    # pool runs everything (the embedded worker), the lowest rung is packaged here: a queued
    # job would wait behind the chunks its threads have already fetched.
    here = [] if short_jobs_have_own_pool() else rungs[:1]
    for rung in rungs[len(here) :]:
        jobs.send_package(video_id, generation, rung)
    for rung in here:
        steps.package_step(video_id, generation, rung)


@dramatiq.actor(
    **FAST,
    time_limit=60 * MINUTE,
    **STEP,
)
def encode_audio(video_id: str, generation: int) -> None:
    _run(steps.audio_step, video_id, generation, part=failures.Part(TaskKind.AUDIO))


@dramatiq.actor(
    **FAST,
    time_limit=60 * MINUTE,
    **STEP,
)
def package_rung(video_id: str, generation: int, rung: str) -> None:
    _run(
        steps.package_step,
        video_id,
        generation,
        rung,
        part=failures.Part(TaskKind.PACKAGE, rung=rung),
    )


@dramatiq.actor(
    **FAST,
    time_limit=10 * MINUTE,
    **STEP,
)
def make_poster(video_id: str, generation: int) -> None:
    _run(posters.poster_step, video_id, generation, part=failures.Part(TaskKind.POSTER))


@dramatiq.actor(queue_name=FAST_QUEUE, max_retries=5, time_limit=MINUTE)
def pipeline_job_failed(message_data: dict, retry_info: dict) -> None:
    """Called by the Retries middleware when a job has used up its retries: the part this job
    makes ends as failed with a reason (`services.video_fail` decides whether the video stays
    playable with the rest or fails as a whole). Never raises on the video's state."""
    args = message_data.get("args") or []
    if len(args) < 2:
        return
    video_id, generation = args[0], args[1]
    actor = message_data.get("actor_name", "")
    cause = _first_line((message_data.get("options") or {}).get("traceback", ""))
    logger.error(
        "pipeline job failed for good",
        extra={"video": video_id, "actor": actor, "retry": retry_info, "cause": cause},
    )
    video_fail(
        video_id=video_id,
        generation=generation,
        reason=f"Failed after several attempts ({cause}); staff have been notified.",
        part=failures.part_of_job(actor, args),
    )
