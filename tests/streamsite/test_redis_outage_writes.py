"""Redis killed and restarted while a video plays and viewers react and comment: nothing the
server acknowledged is lost.

What "acknowledged" means here: over the API, a 2xx answer (the reaction, like or comment is
stored before it); over the video socket, which has no per-message receipt, a reaction the server
took without answering an error (the coalescer stores it with its window's others; only the
death of the process may lose that last window, never an outage of Redis). Playback (playlists
and segments) never stops answering, and a viewer who connects again once Redis is back gets a
snapshot with everything, then live reactions again.
"""

from __future__ import annotations

import asyncio
import io
import json
import threading

import pytest
import requests
import websockets
from django.conf import settings
from django.core.files.storage import default_storage
from django.test import Client

from apps.comments.models import Comment
from apps.reactions.models import Reaction
from apps.users.services import token_get_or_create
from apps.videos.delivery.links import media_url
from tests.factories import UserFactory, VideoFactory
from tests.fixtures.private_services import PrivateRedis, wait_until
from tests.fixtures.processes import process_env, start_daphne, stop

pytestmark = [pytest.mark.slow, pytest.mark.redis]

# Long enough that reactions sent together wait in the coalescer while Redis goes down.
WINDOW_S = 2.0
SEGMENT = bytes(range(256)) * 64


def _stored_playback(video) -> list[str]:
    """A master playlist, a media playlist and a segment, as the pipeline names them."""
    files = {
        "g1/master.m3u8": b"#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=400000\nv/360p/index.m3u8\n",
        "g1/v/360p/index.m3u8": b"#EXTM3U\n#EXTINF:2.0,\nseg_00000.m4s\n#EXT-X-ENDLIST\n",
        "g1/v/360p/seg_00000.m4s": SEGMENT,
    }
    urls = []
    for name, data in files.items():
        full = f"videos/{video.id}/{name}"
        default_storage.save(full, io.BytesIO(data))
        urls.append(media_url(full, video.media_key))
    return urls


class Playback(threading.Thread):
    """A player fetching the playlists and a segment (by range) over and over; every answer
    that is not the file is kept."""

    def __init__(self, base: str, urls: list[str]) -> None:
        super().__init__(daemon=True)
        self.base, self.urls = base, urls
        self.fetches, self.failures = 0, []
        self.done = threading.Event()

    def run(self) -> None:
        with requests.Session() as http:
            while not self.done.is_set():
                for url in self.urls:
                    try:
                        answer = http.get(
                            self.base + url, headers={"Range": "bytes=0-"}, timeout=10
                        )
                        if answer.status_code != 206 or not answer.content:
                            self.failures.append((url, answer.status_code))
                    except requests.RequestException as exc:
                        self.failures.append((url, repr(exc)))
                    self.fetches += 1
                self.done.wait(0.2)


async def _until(ws, *kinds: str) -> dict:
    """The next message of each kind, by kind (skipping others)."""
    found: dict = {}
    while len(found) < len(kinds):
        message = json.loads(await asyncio.wait_for(ws.recv(), 10))
        if message["type"] in kinds:
            found.setdefault(message["type"], message)
    return found if len(kinds) > 1 else found[kinds[0]]


def test_nothing_acknowledged_is_lost_when_redis_restarts(transactional_db, tmp_path):
    video = VideoFactory(duration=600.0)
    urls = _stored_playback(video)
    sender, commenter = UserFactory(), UserFactory()
    login = Client()
    login.force_login(sender)
    cookie = f"{settings.SESSION_COOKIE_NAME}={login.cookies[settings.SESSION_COOKIE_NAME].value}"

    redis = PrivateRedis(tmp_path)
    redis.start()
    node = player = None
    try:
        env = process_env(REDIS_URL=redis.url, REACTIONS_WINDOW_S=str(WINDOW_S))
        node, base = start_daphne(env, tmp_path / "web.log")
        ws_url = f"ws://127.0.0.1:{base.rsplit(':', 1)[1]}/ws/videos/{video.id}/"
        player = Playback(base, urls)
        player.start()

        def api(method: str, path: str, user, body: dict) -> requests.Response:
            headers = {"Authorization": f"Token {token_get_or_create(user=user)}"}
            return requests.request(
                method, f"{base}/api/v1/videos/{video.id}/{path}", json=body, headers=headers,
                timeout=15,
            )  # fmt: skip

        async def react_then_lose_redis() -> dict:
            async with (
                websockets.connect(ws_url, origin=base) as viewer,
                websockets.connect(
                    ws_url, origin=base, additional_headers={"Cookie": cookie}
                ) as ws,
            ):
                await _until(viewer, "counts")
                await _until(ws, "counts")
                await ws.send(json.dumps({"type": "reaction", "emoji": "🔥", "t": 1}))
                shown = await _until(viewer, "reaction")  # a lone reaction goes out at once
                # Three more within its window: they wait in the coalescer for its end.
                for t in (2, 3, 4):
                    await ws.send(json.dumps({"type": "reaction", "emoji": "👏", "t": t}))
                # Messages are handled in order: this one's error means the server has the three.
                await ws.send(json.dumps({"type": "not-a-message"}))
                await _until(ws, "error")
                redis.stop()  # killed, with the three not yet sent to anyone
                return shown

        shown = asyncio.run(react_then_lose_redis())
        assert shown["counts"]["🔥"] == 1

        # Redis down: the API still takes writes, answered only once stored.
        reacted = api("POST", "reactions/", sender, {"emoji": "❤️", "t": 5})
        liked = api("PUT", "like/", sender, {"liked": True})
        commented = api("POST", "comments/", commenter, {"body": "said while Redis was down"})
        assert reacted.status_code == 200, reacted.text
        assert liked.status_code == 200 and liked.json()["likes"] == 1, liked.text
        assert commented.status_code == 201, commented.text
        # The three socket reactions are stored though their window could not be pushed.
        stored = wait_until(lambda: Reaction.objects.filter(emoji="👏").count() == 3, timeout=15)
        assert stored, "the socket reactions of a window that could not be pushed were lost"

        redis.start()

        async def catch_up() -> tuple[dict, dict]:
            async def connect(**kw):
                for _ in range(50):  # until the node's layer has its Redis back
                    try:
                        return await websockets.connect(ws_url, origin=base, **kw)
                    except (OSError, websockets.InvalidStatus):
                        await asyncio.sleep(0.2)
                raise AssertionError("no socket after Redis came back")

            viewer = await connect()
            ws = await connect(additional_headers={"Cookie": cookie})
            try:
                snapshot = await _until(viewer, "counts", "comment_count")
                await _until(ws, "counts")
                await ws.send(json.dumps({"type": "reaction", "emoji": "😮", "t": 6}))
                return snapshot, await _until(viewer, "reaction")
            finally:
                await viewer.close()
                await ws.close()

        snapshot, live = asyncio.run(catch_up())
    finally:
        if player is not None:
            player.done.set()
            player.join(timeout=15)
        if node is not None:
            stop(node)
        redis.stop()

    expected = {"🔥": 1, "👏": 3, "❤️": 1}
    counts = snapshot["counts"]
    assert {e: counts["reactions"][e] for e in expected} == expected
    assert counts["likes"] == 1 and snapshot["comment_count"]["count"] == 1
    assert live["counts"]["😮"] == 1 and live["counts"]["👏"] == 3
    assert Reaction.objects.filter(video=video).count() == 6
    assert Comment.objects.get(pk=commented.json()["id"]).body == "said while Redis was down"
    assert player.fetches >= 9 and player.failures == [], player.failures
