"""Websockets about videos: /ws/videos/<id>/ (viewers; the owner also gets progress) and
/ws/studio/ (a creator's progress for all their videos).

/ws/videos/<id>/ is the watch page's one socket: other apps plug their events and client
messages into it through `apps.videos.delivery.socket` (reactions, comments, viewer counts).
"""

from __future__ import annotations

import json
import time

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from apps.videos.delivery import events, socket
from apps.videos.delivery.fanout import hub
from apps.videos.models import Video
from apps.videos.selectors import video_can_manage, video_can_watch

# What one socket may send: a burst of 10 messages, then 5 a second. Beyond that messages are
# dropped with an error, and a client that keeps flooding is disconnected.
CLIENT_RATE_PER_S = 5.0
CLIENT_BURST = 10.0
CLIENT_DROPS_BEFORE_CLOSE = 50


@database_sync_to_async
def _access(video_id: str, user) -> tuple[bool, bool]:
    video = (
        Video.objects.filter(pk=video_id).only("visibility", "moderation_state", "owner_id").first()
    )
    if video is None or not video_can_watch(video=video, user=user):
        return False, False
    return True, video_can_manage(video=video, user=user)


class VideoConsumer(AsyncJsonWebsocketConsumer):
    groups: list[str] = []

    async def dispatch(self, message: dict) -> None:
        """Channels closes stale database connections before every message, a hop through the
        one thread all sockets share, for every event fanned out to every viewer of a video (a
        viewer count, a reaction burst), and every one of its handlers that reads the database
        goes through `database_sync_to_async`, which closes them itself (as for /ws/site/)."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def connect(self) -> None:
        self.video_id = self.scope["url_route"]["kwargs"]["video_id"]
        allowed, self.is_manager = await _access(self.video_id, self.scope.get("user"))
        if not allowed:
            await self.close(code=4404)
            return
        self.group = events.video_group(self.video_id)
        self.latest: dict[str, tuple[int, int, int]] = {}
        # Join before accepting: every event after the handshake reaches this socket.
        await self.channel_layer.group_add(self.group, self.channel_name)
        await hub.join(self.video_id, self)
        await self.accept()
        self.accepted = True
        self.user = self.scope.get("user")
        self.tokens, self.refilled, self.dropped = CLIENT_BURST, time.monotonic(), 0
        self.opened = []
        for plugin in socket.plugins():
            if plugin.on_connect is not None:
                await plugin.on_connect(self)
            self.opened.append(plugin)

    async def disconnect(self, code: int) -> None:
        if getattr(self, "group", None):
            await self.channel_layer.group_discard(self.group, self.channel_name)
            await hub.leave(self.video_id, self)
        for plugin in getattr(self, "opened", []):
            if plugin.on_disconnect is not None:
                await plugin.on_disconnect(self)

    def _allow_message(self) -> bool:
        now = time.monotonic()
        self.tokens = min(CLIENT_BURST, self.tokens + (now - self.refilled) * CLIENT_RATE_PER_S)
        self.refilled = now
        if self.tokens >= 1:
            self.tokens -= 1
            self.dropped = 0
            return True
        self.dropped += 1
        return False

    async def receive(self, text_data=None, bytes_data=None, **kwargs) -> None:
        if not self._allow_message():
            if self.dropped >= CLIENT_DROPS_BEFORE_CLOSE:
                await self.close(code=4429)
            elif self.dropped == 1:
                await self.send_json({"type": "error", "error": "Too many messages; slow down."})
            return
        # Bad input gets an error, never a crashed socket.
        try:
            content = json.loads(text_data) if text_data and len(text_data) <= 4096 else None
        except ValueError:
            content = None
        if not isinstance(content, dict):
            await self.send_json({"type": "error", "error": "Send JSON objects under 4 KB."})
            return
        await self.receive_json(content)

    async def receive_json(self, content, **kwargs) -> None:
        kind = content.get("type")
        handler = socket.handler_for(kind) if isinstance(kind, str) else None
        if handler is None:
            await self.send_json({"type": "error", "error": "Unknown message type."})
            return
        await handler(self, content)

    async def video_progress(self, event: dict) -> None:
        if events.is_stale(event, self.latest):
            return
        if self.is_manager:
            await self.send_json(
                {"type": "progress", "status": event["status"], "progress": event["progress"]}
            )
        elif event["status"] in ("ready", "failed"):
            # Other viewers of a processing video learn only that it can be played (or not).
            await self.send_json({"type": "status", "status": event["status"]})


class StudioConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=4401)
            return
        self.group = events.owner_group(user.pk)
        self.latest: dict[str, tuple[int, int, int]] = {}
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if getattr(self, "group", None):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def studio_progress(self, event: dict) -> None:
        if events.is_stale(event, self.latest):
            return
        await self.send_json(
            {
                "type": "progress",
                "video": event["video"],
                "status": event["status"],
                "progress": event["progress"],
                "error": event.get("error"),
            }
        )
