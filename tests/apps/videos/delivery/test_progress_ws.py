"""`progress` over /ws/videos/<id>/ reaches the owner live, and nobody else."""

from __future__ import annotations

import asyncio

import pytest
from channels.testing import WebsocketCommunicator

from apps.videos.pipeline.actors import process_video
from streamsite.asgi import application
from tests.factories import CreatorFactory, UserFactory, VideoFactory, stored_upload

pytestmark = pytest.mark.pipeline


def _communicator(path: str, user=None) -> WebsocketCommunicator:
    comm = WebsocketCommunicator(application, path, headers=[(b"origin", b"http://127.0.0.1")])
    if user is not None:
        comm.scope["user"] = user
    return comm


async def _next_progress(comm, timeout: float = 60) -> dict:
    """The next `progress` message: the socket also carries counts, viewers and comments."""
    while True:
        message = await comm.receive_json_from(timeout=timeout)
        if message["type"] == "progress":
            return message


async def _types_received(comm) -> set[str]:
    types = set()
    while not await comm.receive_nothing(timeout=0.5):
        types.add((await comm.receive_json_from())["type"])
    return types


def test_owner_sees_progress_to_100_and_others_see_none(samples, pipeline_worker):
    owner = CreatorFactory()
    video = stored_upload(samples["tiny_360p_4s.mp4"], owner=owner)
    path = f"/ws/videos/{video.id}/"

    async def scenario():
        mine = _communicator(path, owner)
        theirs = _communicator(path, UserFactory.build())
        assert (await mine.connect())[0] and (await theirs.connect())[0]
        process_video.send(video.id, video.generation)
        seen = []
        while not seen or seen[-1]["progress"] < 100:
            seen.append(await _next_progress(mine))
        assert seen[0]["status"] == "processing"
        assert any(m["status"] == "ready" for m in seen)
        progress = [m["progress"] for m in seen]
        assert progress == sorted(progress)
        # Others learn only that the video can now be played.
        assert "progress" not in await _types_received(theirs)
        await mine.disconnect()
        await theirs.disconnect()

    asyncio.run(scenario())


def test_private_video_socket_is_refused_to_others(transactional_db):
    video = VideoFactory(visibility="private")

    async def scenario():
        other = _communicator(f"/ws/videos/{video.id}/", UserFactory.build())
        connected, _ = await other.connect()
        assert not connected
        owner = _communicator(f"/ws/videos/{video.id}/", video.owner)
        assert (await owner.connect())[0]
        await owner.disconnect()

    asyncio.run(scenario())


def test_progress_sent_out_of_order_never_goes_backwards(transactional_db):
    """Workers commit progress in order but may send it out of order: the socket passes on
    only what is newer, a reprocessed video starts again from 0, and a failure always shows."""
    from channels.layers import get_channel_layer

    from apps.videos.delivery import events

    video = VideoFactory()
    layer = get_channel_layer()

    def event(progress: int, status: str = "processing", generation: int = 1) -> dict:
        return {
            "type": "video.progress", "video": video.id, "generation": generation,
            "status": status, "progress": progress, "error": None,
        }  # fmt: skip

    async def scenario():
        owner = _communicator(f"/ws/videos/{video.id}/", video.owner)
        assert (await owner.connect())[0]
        group = events.video_group(video.id)
        for sent in (event(40), event(95), event(39), event(95, "ready"), event(95)):
            await layer.group_send(group, sent)
        event_seen = [await _next_progress(owner, timeout=5) for _ in range(3)]
        assert [(m["progress"], m["status"]) for m in event_seen] == [
            (40, "processing"), (95, "processing"), (95, "ready"),
        ]  # fmt: skip
        assert "progress" not in await _types_received(owner)
        await layer.group_send(group, event(0, "uploaded", generation=2))
        await layer.group_send(group, event(0, "failed", generation=2))
        assert (await _next_progress(owner, timeout=5))["status"] == "uploaded"
        assert (await _next_progress(owner, timeout=5))["status"] == "failed"
        await owner.disconnect()

    asyncio.run(scenario())
