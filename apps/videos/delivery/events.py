"""Websocket events about a video, sent once the transaction that caused them has committed."""

from __future__ import annotations

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from redis.exceptions import RedisError

from apps.videos.models import VideoStatus

logger = logging.getLogger(__name__)


def video_group(video_id: str) -> str:
    return f"video.{video_id}"


def owner_group(user_id: int) -> str:
    return f"studio.{user_id}"


def send_to_group(group: str, event: dict) -> None:
    """Send now (callers wrap it in on_commit); a failed send is logged, never raised: a missed
    tick is harmless, as pages catch up, while losing the job that sent it is not."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, event)
    except (OSError, RuntimeError, RedisError) as exc:
        # A missed progress tick is harmless (the page also polls); losing the job is not.
        logger.warning("websocket event not sent", extra={"group": group, "error": repr(exc)})


def progress_changed(video, *, error: str | None = None) -> None:
    """The video's status and progress, to its owner's sockets, once the change has committed.

    Worker threads and processes commit progress in order but may send out of order, so the
    event carries its generation and the sockets drop one older than what they already sent.
    """
    event = {
        "type": "video.progress",
        "video": video.id,
        "generation": video.generation,
        "status": video.status,
        "progress": video.progress,
        "error": error,
    }
    video_id, owner_id = video.id, video.owner_id

    def send() -> None:
        send_to_group(video_group(video_id), event)
        send_to_group(owner_group(owner_id), {**event, "type": "studio.progress"})

    transaction.on_commit(send)


# At equal progress a later status wins: "ready" is never followed by "processing".
_STATUS_ORDER = {VideoStatus.UPLOADED: 0, VideoStatus.PROCESSING: 1, VideoStatus.READY: 2}


def is_stale(event: dict, latest: dict[str, tuple[int, int, int]]) -> bool:
    """True for a progress event older than the last one passed on for its video (same
    generation, lower progress); records the event as the latest otherwise. A failure is never
    stale: it stops the video wherever its progress stood."""
    key = (event.get("generation", 0), event["progress"], _STATUS_ORDER.get(event["status"], 0))
    last = latest.get(event["video"])
    if (
        event["status"] != VideoStatus.FAILED
        and last is not None
        and last[0] == key[0]
        and key < last
    ):
        return True
    latest[event["video"]] = key
    return False
