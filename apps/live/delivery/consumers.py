"""/ws/live/<id>/: the live page's state changes and viewer count."""

from __future__ import annotations

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from apps.live.delivery import events
from apps.live.models import LiveStream


@database_sync_to_async
def _exists(stream_id: str) -> bool:
    return LiveStream.objects.filter(pk=stream_id).exists()


class LiveConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        self.stream_id = self.scope["url_route"]["kwargs"]["stream_id"]
        self.counted = False
        if not await _exists(self.stream_id):
            await self.close(code=4404)
            return
        self.group = events.live_group(self.stream_id)
        # Join before accepting: every event after the handshake reaches this socket.
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        self.counted = True
        await self._announce(+1)

    async def disconnect(self, code: int) -> None:
        if getattr(self, "group", None):
            await self.channel_layer.group_discard(self.group, self.channel_name)
        if self.counted:
            self.counted = False
            await self._announce(-1)

    async def _announce(self, delta: int) -> None:
        count = await database_sync_to_async(events.viewers_change)(self.stream_id, delta)
        await self.channel_layer.group_send(self.group, {"type": "live.viewers", "count": count})

    async def live_viewers(self, event: dict) -> None:
        await self.send_json({"type": "viewers", "count": event["count"]})

    async def live_status(self, event: dict) -> None:
        await self.send_json(
            {"type": "status", "status": event["status"], "recording": event["recording"]}
        )
