"""Jobs: announcing a video or a live stream to the channel's subscribers. Idempotent: the
announcement row and the notifications' unique constraint make a retry finish what is missing
and insert nothing twice."""

from __future__ import annotations

import dramatiq

from apps.notifications import services

QUEUE = "notifications"


@dramatiq.actor(queue_name=QUEUE, max_retries=5, time_limit=15 * 60_000)
def announce_video(video_id: str) -> None:
    services.announce_video(video_id=video_id)


@dramatiq.actor(queue_name=QUEUE, max_retries=5, time_limit=15 * 60_000)
def announce_live(stream_id: str) -> None:
    services.announce_live(stream_id=stream_id)
