"""Pushed at once to a subscriber's open pages over /ws/site/, in the contract's shape; never
to someone else's sockets."""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from apps.comments import services as comment_services
from apps.notifications import services
from apps.notifications.models import Notification
from streamsite.asgi import application
from tests.apps.notifications.factories import channel_with_fans
from tests.factories import UserFactory, VideoFactory

pytestmark = pytest.mark.redis


def _socket(user) -> WebsocketCommunicator:
    comm = WebsocketCommunicator(
        application, "/ws/site/", headers=[(b"origin", b"http://127.0.0.1")]
    )
    comm.scope["user"] = user
    return comm


def test_a_fan_out_reaches_the_subscribers_sockets_only(transactional_db):
    channel, (fan, other) = channel_with_fans(2)
    stranger = UserFactory()
    video = VideoFactory(owner=channel)

    async def scenario():
        mine, mine_too, theirs = _socket(fan), _socket(fan), _socket(stranger)
        for sock in (mine, mine_too, theirs):
            assert (await sock.connect())[0]
        await sync_to_async(services.announce_video)(video_id=video.id)
        row = await sync_to_async(Notification.objects.get)(user=fan)
        for sock in (mine, mine_too):  # every open page of the user
            assert await sock.receive_json_from(timeout=5) == {
                "type": "notification",
                "id": row.id,
                "kind": "video_published",
                "video": video.id,
            }
        assert await theirs.receive_nothing(timeout=0.3)
        for sock in (mine, mine_too, theirs):
            await sock.disconnect()

    asyncio.run(scenario())


def test_a_reply_is_pushed_to_the_parent_authors_socket(transactional_db):
    author, replier = UserFactory(), UserFactory()
    video = VideoFactory()
    parent = comment_services.comment_post(video=video, by=author, body="Question?")

    async def scenario():
        sock = _socket(author)
        assert (await sock.connect())[0]
        await sync_to_async(comment_services.comment_post)(
            video=video, by=replier, body="Answer.", parent_id=parent.pk
        )
        msg = await sock.receive_json_from(timeout=5)
        assert (msg["type"], msg["kind"]) == ("notification", "comment_reply")
        assert msg["video"] == video.id
        await sock.disconnect()

    asyncio.run(scenario())
