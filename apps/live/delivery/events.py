"""Websocket events about a live stream (/ws/live/<id>/), sent after the change commits.

With Redis every process's sockets get them; embedded (in-memory layer) only the ingest's own
process would, so the live page also polls the API and needs none of them to work.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction

from apps.videos.delivery import socket
from apps.videos.delivery.events import send_to_group


def live_group(stream_id: str) -> str:
    return f"live.{stream_id}"


def _viewers_key(stream_id: str) -> str:
    return f"live:viewers:{stream_id}"


def status_changed(stream) -> None:
    event = {
        "type": "live.status",
        "status": stream.status,
        "recording": stream.recording_video_id,
    }
    group = live_group(stream.id)
    transaction.on_commit(lambda: send_to_group(group, event))
    if stream.video_id:
        # The live page's one socket is its video's (comments, reactions, viewers): it hears
        # of going live and ending there too.
        message = {"type": "live", "status": stream.status, "recording": event["recording"]}
        socket.push(stream.video_id, message)


def viewers_change(stream_id: str, delta: int) -> int:
    """Count a socket in (+1) or out (-1); atomic in Redis, per process in memory."""
    key = _viewers_key(stream_id)
    cache.add(key, 0, timeout=None)
    try:
        count = cache.incr(key, delta)
    except ValueError:  # evicted between add and incr
        cache.set(key, max(0, delta), timeout=None)
        count = max(0, delta)
    if count < 0:
        cache.set(key, 0, timeout=None)
        count = 0
    return count
