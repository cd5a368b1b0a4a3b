"""The `/ws/site/` sockets' channel layer: Redis Pub/Sub, so a broadcast is one PUBLISH that
each server process fans out in memory (the core layer queues one message per socket in Redis
and its reader pops them one by one: about half a second per 1,000 sockets here).

Pub/Sub delivers at most once and, unlike the core layer, keeps sockets open while Redis is
away, deaf to what is published meanwhile. So when the subscription connection fails, every
local socket of this layer is told (`layer.lost`) and closes; the pages reconnect when Redis is
back and fetch what they missed (static/js/broadcasts.js)."""

from __future__ import annotations

import asyncio
import logging

from channels_redis.pubsub import (
    RedisPubSubChannelLayer,
    RedisPubSubLoopLayer,
    RedisSingleShardConnection,
)
from channels_redis.utils import _wrap_close
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

LOST = {"type": "layer.lost"}


class _Shard(RedisSingleShardConnection):
    async def _do_receiving(self) -> None:
        while True:
            try:
                if self._pubsub and self._pubsub.subscribed:
                    message = await self._pubsub.get_message(
                        ignore_subscribe_messages=True, timeout=0.1
                    )
                    self._receive_message(message)
                else:
                    await asyncio.sleep(0.1)
            except (OSError, RedisError) as exc:
                logger.warning("site layer lost Redis", extra={"error": repr(exc)})
                self._tell_everyone_lost()
                await asyncio.sleep(1)

    def _tell_everyone_lost(self) -> None:
        data = self.channel_layer.channel_layer.serialize(LOST)
        for queue in list(self.channel_layer.channels.values()):
            queue.put_nowait(data)


class _LoopLayer(RedisPubSubLoopLayer):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._shards = [_Shard(shard.host, self) for shard in self._shards]


class SitePubSubChannelLayer(RedisPubSubChannelLayer):
    _last: tuple = (None, None)  # (loop, its layer): the server's loop asks for every message

    def _get_layer(self):
        loop = asyncio.get_running_loop()
        if self._last[0] is loop:
            return self._last[1]
        layer = self._layers.get(loop)
        if layer is None:
            layer = _LoopLayer(*self._args, **self._kwargs, channel_layer=self)
            self._layers[loop] = layer
            _wrap_close(self, loop)
        self._last = (loop, layer)
        return layer


def site_layer_setting(default: dict) -> dict:
    """`CHANNEL_LAYERS["site"]` when settings name none: Pub/Sub on the default layer's Redis
    (own prefix), or, embedded, another layer of the default's kind."""
    config = default.get("CONFIG", {})
    if default.get("BACKEND") != "channels_redis.core.RedisChannelLayer":
        return {"BACKEND": default["BACKEND"], "CONFIG": config}
    return {
        "BACKEND": f"{__name__}.SitePubSubChannelLayer",
        "CONFIG": {"hosts": config.get("hosts"), "prefix": config.get("prefix", "asgi") + ".site"},
    }
