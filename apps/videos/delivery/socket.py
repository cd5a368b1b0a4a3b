"""What other apps plug into a video's socket (/ws/videos/<id>/), so the watch page holds one
socket while this app knows nothing of reactions or comments.

An app registers a `SocketPlugin` in its AppConfig.ready(): hooks run when a socket opens
(after it joined the video's group; e.g. to send a snapshot of counts) and closes, and handlers
answer the client message types it owns. Events for every viewer go out with `push`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from redis.exceptions import RedisError

from apps.videos.delivery.fanout import push_group

logger = logging.getLogger(__name__)

Hook = Callable[[object], Awaitable[None]]
Handler = Callable[[object, dict], Awaitable[None]]


@dataclass(frozen=True)
class SocketPlugin:
    name: str
    on_connect: Hook | None = None
    on_disconnect: Hook | None = None
    # Client message "type" -> handler(consumer, message).
    handlers: dict[str, Handler] = field(default_factory=dict)


_plugins: dict[str, SocketPlugin] = {}


def register(plugin: SocketPlugin) -> None:
    _plugins[plugin.name] = plugin


def plugins() -> list[SocketPlugin]:
    return list(_plugins.values())


def handler_for(message_type: str) -> Handler | None:
    for plugin in _plugins.values():
        if message_type in plugin.handlers:
            return plugin.handlers[message_type]
    return None


def push_event(video_id: str, message: dict) -> dict:
    """The channel-layer event that makes every socket of the video send `message` as is.

    Encoded once here, not once per socket: with a thousand viewers, encoding (and the
    in-memory layer's copy of each event) per socket was a large share of the fan-out."""
    return {"type": "video.push", "video": video_id, "text": json.dumps(message)}


async def apush(video_id: str, message: dict) -> None:
    layer = get_channel_layer()
    if layer is not None:
        await layer.group_send(push_group(video_id), push_event(video_id, message))


def push(video_id: str, message: dict) -> None:
    """Send `message` to every open socket of the video once the current transaction commits."""

    def send() -> None:
        try:
            async_to_sync(apush)(video_id, message)
        except (OSError, RuntimeError, RedisError) as exc:
            # The write is stored (and answered): an open page catches up when its socket
            # reconnects. Raised from on_commit, a Redis outage would turn it into a 500.
            logger.warning("video push not sent", extra={"video": video_id, "error": repr(exc)})

    transaction.on_commit(send)
