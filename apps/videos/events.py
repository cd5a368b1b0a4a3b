"""Websocket events about a video, sent once the transaction that caused them has committed."""

from __future__ import annotations

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)


def video_group(video_id: str) -> str:
    return f"video.{video_id}"


def owner_group(user_id: int) -> str:
    return f"studio.{user_id}"


def _send(group: str, event: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, event)
    except (OSError, RuntimeError) as exc:
        # A missed progress tick is harmless (the page also polls); losing the job is not.
        logger.warning("websocket event not sent", extra={"group": group, "error": repr(exc)})


def progress_changed(
    *, video_id: str, owner_id: int, status: str, progress: int, error: str | None = None
) -> None:
    event = {
        "type": "video.progress",
        "video": video_id,
        "status": status,
        "progress": progress,
        "error": error,
    }

    def send() -> None:
        _send(video_group(video_id), event)
        _send(owner_group(owner_id), {**event, "type": "studio.progress"})

    transaction.on_commit(send)
