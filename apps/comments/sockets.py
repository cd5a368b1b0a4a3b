"""The comments app's part of the video socket: the comment count when it opens (comments
themselves arrive as `comment` events; a reconnecting page fetches what it missed)."""

from __future__ import annotations

from channels.db import database_sync_to_async

from apps.comments.selectors import comment_count
from apps.videos.delivery.socket import SocketPlugin


async def on_connect(consumer) -> None:
    count = await database_sync_to_async(comment_count)(video_id=consumer.video_id)
    await consumer.send_json({"type": "comment_count", "count": count})


plugin = SocketPlugin(name="comments", on_connect=on_connect)
