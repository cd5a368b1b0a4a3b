"""The watch page's socket: reactions reach every viewer coalesced, counts and viewers are
live, comments arrive escaped; strangers, anonymous writers, floods and foreign origins are
refused."""

from __future__ import annotations

import asyncio

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from apps.comments import services as comment_services
from apps.reactions.live import coalescer
from apps.reactions.models import Reaction
from streamsite.asgi import application
from tests.factories import UserFactory, VideoFactory

pytestmark = pytest.mark.redis


def _socket(video, user=None, origin=b"http://127.0.0.1") -> WebsocketCommunicator:
    comm = WebsocketCommunicator(
        application, f"/ws/videos/{video.id}/", headers=[(b"origin", origin)]
    )
    if user is not None:
        comm.scope["user"] = user
    return comm


async def _until(comm, kind: str, timeout: float = 10, **fields) -> dict:
    """The next message of this type (with these field values), skipping others."""
    while True:
        message = await comm.receive_json_from(timeout=timeout)
        if message["type"] == kind and all(message.get(k) == v for k, v in fields.items()):
            return message


def test_reactions_reach_every_viewer_coalesced_and_are_stored(live_db):
    video = VideoFactory(duration=30.0)
    senders = [UserFactory() for _ in range(3)]

    async def scenario():
        watcher = _socket(video)
        assert (await watcher.connect())[0]
        snapshot = await _until(watcher, "counts")
        assert snapshot["reactions"]["🔥"] == 0 and snapshot["likes"] == 0
        sockets = [_socket(video, u) for u in senders]
        for s in sockets:
            assert (await s.connect())[0]
        for s in sockets:
            for i in range(8):
                await s.send_json_to({"type": "reaction", "emoji": "🔥", "t": 12.5 + i})
        seen, messages = 0, 0
        while seen < 24:
            message = await _until(watcher, "reaction")
            messages += 1
            seen += message["burst"]["🔥"]
        assert seen == 24 and messages < 24  # a burst, not one message per press
        assert message["counts"]["🔥"] == 24
        for s in [watcher, *sockets]:
            await s.disconnect()

    asyncio.run(scenario())
    assert coalescer.wait_idle()  # it stores each window just after sending it
    times = sorted(Reaction.objects.filter(video=video).values_list("video_time", flat=True))
    assert len(times) == 24 and times[0] == 12.5 and times[-1] == 19.5


def test_viewer_count_follows_sockets(live_db):
    video = VideoFactory()

    async def scenario():
        first = _socket(video)
        assert (await first.connect())[0]
        assert (await _until(first, "counts"))["viewers"] == 1
        second = _socket(video)
        assert (await second.connect())[0]
        await _until(first, "viewers", count=2)
        await second.disconnect()
        await _until(first, "viewers", count=1)
        await first.disconnect()

    asyncio.run(scenario())


def test_anonymous_reactions_and_unknown_emoji_are_refused(live_db):
    video = VideoFactory()

    async def scenario():
        anonymous = _socket(video)
        assert (await anonymous.connect())[0]
        await anonymous.send_json_to({"type": "reaction", "emoji": "🔥"})
        assert "Sign in" in (await _until(anonymous, "error"))["error"]
        signed = _socket(video, UserFactory())
        assert (await signed.connect())[0]
        await signed.send_json_to({"type": "reaction", "emoji": "💩"})
        assert "Unknown emoji" in (await _until(signed, "error"))["error"]
        await signed.send_to(text_data="not json")
        assert (await _until(signed, "error"))["error"]
        await anonymous.disconnect()
        await signed.disconnect()

    asyncio.run(scenario())
    assert coalescer.wait_idle()
    assert not Reaction.objects.filter(video=video).exists()


def test_a_flooding_client_is_slowed_then_dropped(live_db):
    video = VideoFactory()

    async def scenario():
        flood = _socket(video, UserFactory())
        assert (await flood.connect())[0]
        for _ in range(80):
            await flood.send_json_to({"type": "reaction", "emoji": "👍"})
        assert "slow down" in (await _until(flood, "error"))["error"]
        while True:
            output = await flood.receive_output(timeout=10)
            if output["type"] == "websocket.close":
                assert output["code"] == 4429
                break

    asyncio.run(scenario())
    assert coalescer.wait_idle()
    assert Reaction.objects.filter(video=video).count() <= 20


def test_foreign_origin_and_private_video_are_refused(live_db):
    video = VideoFactory()
    private = VideoFactory(visibility="private")

    async def scenario():
        foreign = _socket(video, origin=b"https://evil.example")
        assert not (await foreign.connect())[0]
        stranger = _socket(private, UserFactory())
        assert not (await stranger.connect())[0]

    asyncio.run(scenario())


def test_comments_and_likes_arrive_live_and_escaped(live_db):
    video = VideoFactory()
    author = UserFactory()

    async def scenario():
        watcher = _socket(video)
        assert (await watcher.connect())[0]
        await _until(watcher, "comment_count")
        await database_sync_to_async(comment_services.comment_post)(
            video=video, by=author, body='<script>alert("x")</script> hi'
        )
        message = await _until(watcher, "comment")
        assert message["event"] == "created" and message["count"] == 1
        assert "<script>" not in message["html"] and "&lt;script&gt;" in message["html"]
        from apps.reactions import services

        await database_sync_to_async(services.vote_set)(video=video, by=author, liked=True)
        likes = await _until(watcher, "likes")
        assert (likes["likes"], likes["dislikes"]) == (1, 0)
        await watcher.disconnect()

    asyncio.run(scenario())
