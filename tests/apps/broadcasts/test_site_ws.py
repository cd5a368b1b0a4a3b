"""/ws/site/: issued and ended broadcasts reach the sockets of their scope, in the contract's
shape; a signed-in user's sockets share a group (notifications)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.utils import timezone

from apps.broadcasts import services
from apps.broadcasts.actors import announce_broadcast
from apps.broadcasts.models import Broadcast
from apps.broadcasts.push import events
from streamsite.asgi import application
from tests.factories import ModeratorFactory, UserFactory, VideoFactory

pytestmark = pytest.mark.redis


def _socket(path: str = "/ws/site/", user=None) -> WebsocketCommunicator:
    comm = WebsocketCommunicator(application, path, headers=[(b"origin", b"http://127.0.0.1")])
    if user is not None:
        comm.scope["user"] = user
    return comm


def test_issue_and_end_reach_every_site_socket_in_the_contract_shape(transactional_db):
    mod = ModeratorFactory()
    video = VideoFactory()

    async def scenario():
        home, watching = _socket(), _socket(f"/ws/site/?video={video.id}")
        assert (await home.connect())[0] and (await watching.connect())[0]
        expires = timezone.now() + timedelta(minutes=5)
        broadcast = await sync_to_async(services.broadcast_issue)(
            by=mod, message="Server maintenance <b>at 9</b>", severity="warning",
            expires_at=expires,
        )  # fmt: skip
        for sock in (home, watching):
            msg = await sock.receive_json_from(timeout=5)
            assert {k: msg[k] for k in ("type", "id", "severity", "message", "video")} == {
                "type": "broadcast",
                "id": broadcast.id,
                "severity": "warning",
                "message": "Server maintenance <b>at 9</b>",
                "video": None,
            }
            assert msg["expires_at"] == expires.isoformat()
        await sync_to_async(services.broadcast_end)(broadcast_id=broadcast.id, by=mod)
        for sock in (home, watching):
            assert await sock.receive_json_from(timeout=5) == {
                "type": "broadcast.ended",
                "id": broadcast.id,
            }
        await home.disconnect()
        await watching.disconnect()

    asyncio.run(scenario())


def test_a_video_broadcast_reaches_only_that_videos_pages(transactional_db):
    mod = ModeratorFactory()
    video, other = VideoFactory(), VideoFactory()
    private = VideoFactory(visibility="private")

    async def scenario():
        home = _socket()
        mine = _socket(f"/ws/site/?video={video.id}")
        theirs = _socket(f"/ws/site/?video={other.id}")
        # Not allowed to watch: the socket still opens, for the site's banners only.
        snoop = _socket(f"/ws/site/?video={private.id}", UserFactory.build())
        for sock in (home, mine, theirs, snoop):
            assert (await sock.connect())[0]
        b = await sync_to_async(services.broadcast_issue)(by=mod, message="About it", video=video)
        msg = await mine.receive_json_from(timeout=5)
        assert msg["id"] == b.id and msg["video"] == video.id
        await sync_to_async(services.broadcast_issue)(by=mod, message="Private", video=private)
        for sock in (home, theirs, snoop):
            assert await sock.receive_nothing(timeout=0.5)
            await sock.disconnect()
        await mine.disconnect()

    asyncio.run(scenario())


def test_a_users_sockets_share_a_group_for_notifications(transactional_db):
    user = UserFactory()

    async def scenario():
        tab1, tab2, anon = _socket(user=user), _socket(user=user), _socket()
        for sock in (tab1, tab2, anon):
            assert (await sock.connect())[0]
        await sync_to_async(events.notify_user)(
            user.pk, notification_id=7, kind="video_published", video="abc"
        )
        for sock in (tab1, tab2):
            assert await sock.receive_json_from(timeout=5) == {
                "type": "notification",
                "id": 7,
                "kind": "video_published",
                "video": "abc",
            }
        assert await anon.receive_nothing(timeout=0.5)
        for sock in (tab1, tab2, anon):
            await sock.disconnect()

    asyncio.run(scenario())


def test_a_scheduled_broadcast_is_announced_when_it_starts(transactional_db):
    mod = ModeratorFactory()
    broadcast = Broadcast.objects.create(
        message="Later", starts_at=timezone.now() + timedelta(hours=1), created_by=mod
    )

    async def scenario():
        sock = _socket()
        assert (await sock.connect())[0]
        # Woken before its start (it was moved later): nothing yet.
        await sync_to_async(announce_broadcast.fn)(broadcast.id)
        assert await sock.receive_nothing(timeout=0.5)
        await sync_to_async(Broadcast.objects.filter(pk=broadcast.id).update)(
            starts_at=timezone.now()
        )
        await sync_to_async(announce_broadcast.fn)(broadcast.id)
        assert (await sock.receive_json_from(timeout=5))["id"] == broadcast.id
        # Ended meanwhile: a late job announces nothing.
        await sync_to_async(services.broadcast_end)(broadcast_id=broadcast.id, by=mod)
        assert (await sock.receive_json_from(timeout=5))["type"] == "broadcast.ended"
        await sync_to_async(announce_broadcast.fn)(broadcast.id)
        assert await sock.receive_nothing(timeout=0.5)
        await sock.disconnect()

    asyncio.run(scenario())
