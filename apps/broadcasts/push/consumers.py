"""`/ws/site/`: the socket every page holds. Broadcasts of the page's scope (the whole site,
plus `?video=<id>` or `?live=<id>`), and a signed-in user's own group for notifications."""

from __future__ import annotations

import re
from urllib.parse import parse_qs

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from apps.broadcasts.push import events
from apps.videos.models import Video
from apps.videos.selectors import video_can_watch

_ID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


@database_sync_to_async
def _may_watch(video_id: str, user) -> bool:
    video = (
        Video.objects.filter(pk=video_id).only("visibility", "moderation_state", "owner_id").first()
    )
    return video is not None and video_can_watch(video=video, user=user)


# Layer events whose handlers never touch the database.
_NO_DATABASE = frozenset(
    {"broadcast.message", "broadcast.ended", "site.notification", "layer.lost"}
)


class SiteConsumer(AsyncJsonWebsocketConsumer):
    # Pub/Sub: one publish per broadcast, fanned out in each server process (events.LAYER).
    channel_layer_alias = events.LAYER

    async def dispatch(self, message: dict) -> None:
        """Channels closes stale database connections before every message, a hop through
        the one shared sync thread; for a broadcast to every open page that queue was most of
        the fan-out's cost (docs/benchmarks.md). These handlers use no database, so they skip
        it; the handshake still goes through Channels (and database_sync_to_async)."""
        if message["type"] in _NO_DATABASE:
            await getattr(self, get_handler_name(message))(message)
            return
        await super().dispatch(message)

    async def connect(self) -> None:
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        video_id = (query.get("video") or [""])[0]
        live_id = (query.get("live") or [""])[0]
        groups = [events.SITE_GROUP]
        # A private video's banners reach only those who may watch it; a page about a video
        # deleted meanwhile still gets the site's.
        if _ID.match(video_id) and await _may_watch(video_id, self.scope.get("user")):
            groups.append(events.video_group(video_id))
        if live_id and _ID.match(live_id):
            groups.append(events.live_group(live_id))
        user = self.scope.get("user")
        if user is not None and user.is_authenticated:
            groups.append(events.user_group(user.pk))
        self.joined = groups
        # Join before accepting: every event after the handshake reaches this socket.
        for group in groups:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        for group in getattr(self, "joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content, **kwargs) -> None:
        # Nothing to say to the server: the socket is one-way.
        return

    async def layer_lost(self, event: dict) -> None:
        # Deaf until Redis is back: close, so the page reconnects then and catches up.
        await self.close(code=4503)

    async def broadcast_message(self, event: dict) -> None:
        await self.send(text_data=event["text"])  # encoded once by events.shown_event

    async def broadcast_ended(self, event: dict) -> None:
        await self.send_json({"type": "broadcast.ended", "id": event["id"]})

    async def site_notification(self, event: dict) -> None:
        """For the followers app: `group_send(user_group(id), {"type": "site.notification",
        "id", "kind", "video"})`."""
        keys = ("id", "kind", "video")
        await self.send_json({"type": "notification", **{k: event.get(k) for k in keys}})
