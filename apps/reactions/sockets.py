"""The reactions app's part of the video socket: a snapshot of counts when it opens, the viewer
count, and `{"type": "reaction", "emoji", "t"}` from signed-in viewers."""

from __future__ import annotations

from channels.db import database_sync_to_async
from django.core.exceptions import ValidationError

from apps.reactions import live, selectors, services
from apps.videos.delivery.socket import SocketPlugin
from apps.videos.models import Video


@database_sync_to_async
def _snapshot(video_id: str) -> tuple[float | None, dict]:
    duration = Video.objects.filter(pk=video_id).values_list("duration", flat=True).first()
    likes, dislikes = selectors.vote_counts(video_id=video_id)
    return duration, {
        "type": "counts",
        "likes": likes,
        "dislikes": dislikes,
        "reactions": selectors.reaction_counts(video_id=video_id),
    }


async def on_connect(consumer) -> None:
    consumer.duration, snapshot = await _snapshot(consumer.video_id)
    snapshot["viewers"] = await live.viewers_join(consumer.video_id)
    consumer.counted = True
    await consumer.send_json(snapshot)


async def on_disconnect(consumer) -> None:
    if getattr(consumer, "counted", False):
        consumer.counted = False
        await live.viewers_leave(consumer.video_id)


async def on_reaction(consumer, message: dict) -> None:
    user = consumer.user
    if user is None or not user.is_authenticated:
        await consumer.send_json({"type": "error", "error": "Sign in to react."})
        return
    emoji = message.get("emoji")
    try:
        emoji = services.emoji_check(emoji)
    except ValidationError as exc:
        await consumer.send_json({"type": "error", "error": exc.messages[0]})
        return
    live.coalescer.add_reaction(
        consumer.video_id,
        emoji,
        stored=False,
        user_id=user.pk,
        video_time=services.clamp_time(message.get("t"), consumer.duration),
    )


plugin = SocketPlugin(
    name="reactions",
    on_connect=on_connect,
    on_disconnect=on_disconnect,
    handlers={"reaction": on_reaction},
)
