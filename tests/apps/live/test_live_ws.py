"""/ws/live/<id>/: viewers are counted live, and going live / ending is pushed to the page."""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.core.cache import cache
from django.db import connections

from apps.live import services
from streamsite.asgi import application
from tests.factories import CreatorFactory


def _communicator(path: str) -> WebsocketCommunicator:
    return WebsocketCommunicator(application, path, headers=[(b"origin", b"http://127.0.0.1")])


async def _next(comm: WebsocketCommunicator, kind: str) -> dict:
    """The next message of this type (counts and states interleave in any order)."""
    while True:
        message = await comm.receive_json_from(timeout=5)
        if message["type"] == kind:
            return message


@pytest.mark.redis
def test_viewer_count_and_state_changes_are_pushed(transactional_db):
    cache.clear()
    creator = CreatorFactory()
    stream = services.live_create(owner=creator, title="Pushed")
    path = f"/ws/live/{stream.id}/"

    async def scenario():
        first, second = _communicator(path), _communicator(path)
        assert (await first.connect())[0]
        assert await first.receive_json_from(timeout=5) == {"type": "viewers", "count": 1}
        assert (await second.connect())[0]
        assert await first.receive_json_from(timeout=5) == {"type": "viewers", "count": 2}
        await sync_to_async(services.live_publish_begin)(stream_key=stream.stream_key)
        assert await _next(second, "status") == {
            "type": "status", "status": "live", "recording": None,
        }  # fmt: skip
        await second.disconnect()
        assert await _next(first, "viewers") == {"type": "viewers", "count": 1}
        await sync_to_async(services.live_end)(stream_id=stream.id, by=creator)
        assert (await _next(first, "status"))["status"] == "ended"
        await first.disconnect()
        await sync_to_async(connections.close_all)()

    asyncio.run(scenario())


def test_unknown_stream_socket_is_refused(transactional_db):
    async def scenario():
        comm = _communicator("/ws/live/nope/")
        connected, code = await comm.connect()
        assert not connected and code == 4404
        await sync_to_async(connections.close_all)()

    asyncio.run(scenario())


@pytest.mark.redis
def test_the_live_page_socket_is_its_videos_with_viewers_and_state(transactional_db):
    """The live page holds one socket, its video's: the viewer count (reactions' snapshot and
    updates) and going live / ending come over it."""
    cache.clear()
    creator = CreatorFactory()
    stream = services.live_create(owner=creator, title="One socket")
    path = f"/ws/videos/{stream.video_id}/"

    async def scenario():
        first = _communicator(path)
        assert (await first.connect())[0]
        assert (await _next(first, "counts"))["viewers"] == 1
        await sync_to_async(services.live_publish_begin)(stream_key=stream.stream_key)
        assert await _next(first, "live") == {"type": "live", "status": "live", "recording": None}
        await sync_to_async(services.live_end)(stream_id=stream.id, by=creator)
        assert (await _next(first, "live"))["status"] == "ended"
        await first.disconnect()
        await sync_to_async(connections.close_all)()

    asyncio.run(scenario())
