"""The `/ws/site/` channel-layer groups and the broadcast events pushed to them on commit."""

from __future__ import annotations

import json
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from redis.exceptions import RedisError

from apps.broadcasts.models import Broadcast
from streamsite import page_cache

logger = logging.getLogger(__name__)

SITE_GROUP = "site.all"
# The channel layer alias of /ws/site/ (settings.CHANNEL_LAYERS["site"]: Redis Pub/Sub).
LAYER = "site"


def video_group(video_id: str) -> str:
    return f"site.video.{video_id}"


def live_group(live_stream_id: str) -> str:
    return f"site.live.{live_stream_id}"


def user_group(user_id: int) -> str:
    """Every /ws/site/ socket of one signed-in user (see `notify_user`)."""
    return f"site.user.{user_id}"


def scope_group(broadcast: Broadcast) -> str:
    if broadcast.video_id:
        return video_group(broadcast.video_id)
    if broadcast.live_stream_id:
        return live_group(broadcast.live_stream_id)
    return SITE_GROUP


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def to_message(broadcast: Broadcast) -> dict:
    """The client's view of a broadcast: the `/ws/site/` message and an item of the API list."""
    return {
        "type": "broadcast",
        "id": broadcast.id,
        "severity": broadcast.severity,
        "message": broadcast.message,
        "video": broadcast.video_id,
        "expires_at": _iso(broadcast.expires_at),
        "live_stream": broadcast.live_stream_id or None,
        "link": broadcast.link,
        "display": broadcast.display,
        "dismissible": broadcast.dismissible,
        "starts_at": _iso(broadcast.starts_at),
    }


def shown_event(message: dict) -> dict:
    """The layer event for a `broadcast` message: its JSON encoded once here, not once per
    socket (a broadcast goes to every open page)."""
    return {"type": "broadcast.message", "id": message["id"], "text": json.dumps(message)}


def send(group: str, event: dict) -> None:
    layer = get_channel_layer(LAYER)
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, event)
    except (OSError, RuntimeError, RedisError) as exc:
        # The broadcast is stored: pages catch up when their socket reconnects, or poll.
        logger.warning("broadcast event not sent", extra={"group": group, "error": repr(exc)})


def shown(broadcast: Broadcast) -> None:
    """Push the broadcast (new or edited) to its scope's sockets once committed."""
    group, event = scope_group(broadcast), shown_event(to_message(broadcast))
    transaction.on_commit(lambda: send(group, event))
    page_cache.invalidate()  # a page loaded after this shows it, not a cached copy without


def ended(broadcast_id: int, group: str) -> None:
    event = {"type": "broadcast.ended", "id": broadcast_id}
    transaction.on_commit(lambda: send(group, event))
    page_cache.invalidate()


def notify_user(user_id: int, *, notification_id: int, kind: str, video: str | None) -> None:
    """`{"type": "notification", "id", "kind", "video"}` to every open page of one user, once
    the transaction that made the notification has committed (for the followers app)."""
    event = {"type": "site.notification", "id": notification_id, "kind": kind, "video": video}
    transaction.on_commit(lambda: send(user_group(user_id), event))
