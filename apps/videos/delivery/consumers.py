"""Websockets about videos: /ws/videos/<id>/ (viewers; the owner also gets progress) and
/ws/studio/ (a creator's progress for all their videos)."""

from __future__ import annotations

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from apps.videos.delivery import events
from apps.videos.models import Video
from apps.videos.selectors import video_can_manage, video_can_watch


@database_sync_to_async
def _access(video_id: str, user) -> tuple[bool, bool]:
    video = Video.objects.filter(pk=video_id).only("visibility", "owner_id").first()
    if video is None or not video_can_watch(video=video, user=user):
        return False, False
    return True, video_can_manage(video=video, user=user)


class VideoConsumer(AsyncJsonWebsocketConsumer):
    groups: list[str] = []

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
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if getattr(self, "group", None):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def video_progress(self, event: dict) -> None:
        if self.is_manager and not events.is_stale(event, self.latest):
            await self.send_json(
                {"type": "progress", "status": event["status"], "progress": event["progress"]}
            )


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
