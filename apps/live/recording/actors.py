"""Dramatiq actors of live streams: thin wrappers taking ids."""

from __future__ import annotations

import dramatiq

from apps.live.models import LiveStatus, LiveStream
from apps.live.recording import join, playlists


# On the pipeline's short-job queue: the join is a stream copy (seconds), and every worker
# deployment already consumes that queue (manage.py worker's pool for the short queues).
@dramatiq.actor(
    queue_name="pipeline-fast", max_retries=3, time_limit=30 * 60_000, min_backoff=5_000
)
def live_finalize(stream_id: str) -> None:
    """Turn an ended stream's recording into a normal video (idempotent)."""
    join.finalize(stream_id)


@dramatiq.actor(queue_name="pipeline-fast", max_retries=3, time_limit=10 * 60_000)
def live_remove_window(stream_id: str) -> None:
    """The live window's files, once the recording is a video (idempotent)."""
    stream = LiveStream.objects.filter(pk=stream_id).first()
    if stream and stream.status == LiveStatus.ENDED and stream.recording_video_id:
        playlists.remove_window(stream)
