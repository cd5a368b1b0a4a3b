"""This process's video sockets, by video: a push to a video's viewers crosses the channel
layer once per process (to one hub channel) and is written to each local socket directly.

Through the layer, each socket would get its own copy of every event, its own queue and its own
dispatch: at a thousand viewers that per-socket path was most of the fan-out's cost (FIELD-NOTES:
Channels 3-4k deliveries/s per process, a bare broadcast 65k/s).
"""

from __future__ import annotations

import asyncio
import logging

from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)


def push_group(video_id: str) -> str:
    return f"videopush.{video_id}"


class Hub:
    def __init__(self) -> None:
        self.sockets: dict[str, set] = {}
        self.channel: str | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.task: asyncio.Task | None = None

    async def _ensure(self, layer) -> None:
        loop = asyncio.get_running_loop()
        if self.loop is loop and self.task is not None and not self.task.done():
            return
        # A new event loop (a restarted server, another test) starts from nothing.
        self.loop, self.sockets = loop, {}
        self.channel = await layer.new_channel()
        self.task = loop.create_task(self._listen(layer, self.channel))

    async def join(self, video_id: str, consumer) -> None:
        """Before the socket is accepted: every push after its handshake reaches it."""
        layer = get_channel_layer()
        await self._ensure(layer)
        self.sockets.setdefault(video_id, set()).add(consumer)
        # Every time, not only for the first socket: it also renews the group's expiry.
        await layer.group_add(push_group(video_id), self.channel)

    async def leave(self, video_id: str, consumer) -> None:
        local = self.sockets.get(video_id)
        if local is None or asyncio.get_running_loop() is not self.loop:
            return
        local.discard(consumer)
        if local:
            return
        self.sockets.pop(video_id, None)
        layer = get_channel_layer()
        await layer.group_discard(push_group(video_id), self.channel)
        if self.sockets.get(video_id):  # a socket joined while we were leaving
            await layer.group_add(push_group(video_id), self.channel)

    async def _listen(self, layer, channel: str) -> None:
        while True:
            event = await layer.receive(channel)
            text = event.get("text")
            for consumer in list(self.sockets.get(event.get("video"), ())):
                if not getattr(consumer, "accepted", False):
                    # Joined but still in its handshake: a send now would come before the
                    # accept. It gets the state in its snapshot instead.
                    continue
                try:
                    await consumer.send(text_data=text)
                except Exception:  # one broken socket must not stop the others' delivery
                    logger.warning("push not written to a socket", exc_info=True)


hub = Hub()
