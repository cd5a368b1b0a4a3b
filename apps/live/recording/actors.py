"""Dramatiq actors of live streams: thin wrappers taking ids."""

from __future__ import annotations

import dramatiq

from apps.live.recording import join


# On the pipeline's short-job queue: the join is a stream copy (seconds), and every worker
# deployment already consumes that queue (manage.py worker's pool for the short queues).
@dramatiq.actor(
    queue_name="pipeline-fast", max_retries=3, time_limit=30 * 60_000, min_backoff=5_000
)
def live_finalize(stream_id: str) -> None:
    """Turn an ended stream's recording into a normal video (idempotent)."""
    join.finalize(stream_id)
