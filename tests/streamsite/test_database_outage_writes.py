"""PostgreSQL restarted twice under a load of writes (a clean fast shutdown, then a crash: every
postgres process SIGKILLed), against two web nodes (one on the production connection pool, one
opening a connection per request): every write the server acknowledged is in the database
afterwards, every other answer was a 503, and nothing was half applied (each tally equals the
rows it counts).

Acknowledged: a 2xx answer over the API (with the comment's id, the vote's state or the
reaction's own video time); over the video socket, a reaction the server took without an error,
which the socket's coalescer stores once the database is back.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import sys
import threading
import time
from collections import Counter, defaultdict

import psycopg
import pytest
import requests
import websockets
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection
from django.test import Client

from apps.users.services import token_get_or_create
from tests.conftest import require
from tests.factories import CreatorFactory, UserFactory, VideoFactory
from tests.fixtures.private_services import PrivatePostgres, copy_schema, wait_until
from tests.fixtures.processes import free_port, process_env, spawn, stop, wait_http

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

WRITERS = 6
VIDEOS = 3
EMOJIS = ["👍", "❤️", "😂", "🔥"]
UNLIMITED = "100000/min"


class Writer(threading.Thread):
    """One API client writing as fast as it is answered, in turn: a vote (like, later dislike,
    and back), a comment, a reaction; every answer kept with what was sent."""

    def __init__(self, n: int, base: str, token: str, videos: list[str]) -> None:
        super().__init__(daemon=True)
        self.n, self.base, self.videos = n, base, videos
        self.headers = {"Authorization": f"Token {token}"}
        self.done = threading.Event()
        self.answers: list[tuple[str, tuple, int, dict | None]] = []
        self.slowest = 0.0

    def _request(self, j: int) -> tuple[str, str, str, dict, tuple]:
        video = self.videos[j % VIDEOS]
        kind = ("vote", "comment", "react")[j // VIDEOS % 3]
        if kind == "vote":
            liked = j // (3 * VIDEOS) % 2 == 0
            return kind, "PUT", "like/", {"liked": liked}, (video, liked)
        if kind == "comment":
            body = f"writer {self.n} write {j}"
            return kind, "POST", "comments/", {"body": body}, (video, body)
        t = float(self.n * 10_000 + j)
        return kind, "POST", "reactions/", {"emoji": EMOJIS[j % 4], "t": t}, (video, t)

    def run(self) -> None:
        with requests.Session() as http:
            j = 0
            while not self.done.is_set():
                kind, method, path, body, key = self._request(j)
                url = f"{self.base}/api/v1/videos/{key[0]}/{path}"
                started = time.monotonic()
                try:
                    answer = http.request(method, url, json=body, headers=self.headers, timeout=20)
                    status = answer.status_code
                    data = answer.json() if status < 300 else None
                except requests.RequestException as exc:
                    status, data = -1, {"exception": repr(exc)}
                self.slowest = max(self.slowest, time.monotonic() - started)
                self.answers.append((kind, key, status, data))
                j += 1

    def acked(self) -> int:
        return sum(1 for *_, status, _ in self.answers if 200 <= status < 300)


class SocketReactor(threading.Thread):
    """A signed-in viewer reacting over the video socket four times a second."""

    def __init__(self, ws_url: str, origin: str, cookie: str) -> None:
        super().__init__(daemon=True)
        self.ws_url, self.origin, self.cookie = ws_url, origin, cookie
        self.done = threading.Event()
        self.sent: list[float] = []
        self.errors: list[dict] = []

    def run(self) -> None:
        asyncio.run(self._react())

    async def _react(self) -> None:
        headers = {"Cookie": self.cookie}
        async with websockets.connect(
            self.ws_url, origin=self.origin, additional_headers=headers
        ) as ws:
            listener = asyncio.create_task(self._listen(ws))
            t = 0.5
            while not self.done.is_set():
                await ws.send(json.dumps({"type": "reaction", "emoji": "👏", "t": t}))
                self.sent.append(t)
                t += 1
                await asyncio.sleep(0.25)
            # Messages are handled in order: this one's error means every reaction was taken.
            await ws.send(json.dumps({"type": "not-a-message"}))
            await asyncio.wait_for(listener, 15)

    async def _listen(self, ws) -> None:
        while True:
            message = json.loads(await ws.recv())
            if message["type"] == "error":
                if message["error"] == "Unknown message type.":
                    return
                self.errors.append(message)


class TusUploader(threading.Thread):
    """A creator uploading over tus in small chunks, never finishing: after any answer but 204
    it asks the server for its offset (HEAD) and resumes from there, as tus clients do."""

    CHUNK = 8 * 1024

    def __init__(self, base: str, token: str) -> None:
        super().__init__(daemon=True)
        self.data = os.urandom(4 * 1024 * 1024)
        self.headers = {"Authorization": f"Token {token}", "Tus-Resumable": "1.0.0"}
        meta = {"filename": b"clip.mp4", "title": b"Under load"}
        upload_metadata = ",".join(f"{k} {base64.b64encode(v).decode()}" for k, v in meta.items())
        answer = requests.post(
            f"{base}/api/v1/uploads/", timeout=20,
            headers={**self.headers, "Upload-Length": str(len(self.data)),
                     "Upload-Metadata": upload_metadata},
        )  # fmt: skip
        assert answer.status_code == 201, answer.text
        self.url = answer.headers["Location"]
        if self.url.startswith("/"):
            self.url = base + self.url
        self.done = threading.Event()
        self.acked: list[int] = []  # the offsets the server answered 204 with
        self.statuses: Counter = Counter()

    def run(self) -> None:
        offset: int | None = 0
        with requests.Session() as http:
            while not self.done.is_set():
                if offset is None:
                    answer = http.head(self.url, headers=self.headers, timeout=20)
                    self.statuses[("HEAD", answer.status_code)] += 1
                    offset = int(answer.headers["Upload-Offset"]) if answer.ok else None
                    continue
                headers = {**self.headers, "Upload-Offset": str(offset),
                           "Content-Type": "application/offset+octet-stream"}  # fmt: skip
                body = self.data[offset : offset + self.CHUNK]
                answer = http.patch(self.url, data=body, headers=headers, timeout=20)
                self.statuses[("PATCH", answer.status_code)] += 1
                if answer.status_code == 204:
                    offset = int(answer.headers["Upload-Offset"])
                    self.acked.append(offset)
                else:
                    offset = None


def _rows(url: str, sql: str) -> list[tuple]:
    with psycopg.connect(url) as db:
        return db.execute(sql).fetchall()


@pytest.fixture
def pg(transactional_db):
    require(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    server = PrivatePostgres()
    yield server
    server.destroy()


def test_no_acknowledged_write_is_lost_when_postgresql_restarts(pg, tmp_path):
    videos = [VideoFactory(duration=1e6).id for _ in range(VIDEOS)]
    users = [UserFactory() for _ in range(WRITERS)]
    tokens = [token_get_or_create(user=user) for user in users]
    reactor_user = UserFactory()
    login = Client()
    login.force_login(reactor_user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={login.cookies[settings.SESSION_COOKIE_NAME].value}"

    creator_token = token_get_or_create(user=CreatorFactory())
    nodes, writers, reactor, uploader = [], [], None, None
    try:
        pg.start()
        pg.psql("CREATE DATABASE streamsite")
        copy_schema(connection.settings_dict, pg.url("streamsite"))
        env = process_env(
            DATABASE_URL=pg.url("streamsite"), DB_CONNECT_TIMEOUT="2",
            API_LIKE_RATE=UNLIMITED, API_COMMENT_RATE=UNLIMITED, API_REACTION_RATE=UNLIMITED,
        )  # fmt: skip
        # The production pool (its own size), and no pool: both started at once.
        for n, pool in enumerate(("4", "0")):
            port, log = free_port(), tmp_path / f"web{n}.log"
            argv = [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port)]
            argv.append("streamsite.asgi:application")
            process = spawn(argv, {**env, "DB_POOL_MAX": pool}, log)
            nodes.append((process, f"http://127.0.0.1:{port}", log))
        for process, base, log in nodes:
            wait_http(f"{base}/healthz", process, log)
        bases = [base for _, base, _ in nodes]
        writers = [Writer(n, bases[n % 2], tokens[n], videos) for n in range(WRITERS)]
        port = bases[0].rsplit(":", 1)[1]
        reactor = SocketReactor(f"ws://127.0.0.1:{port}/ws/videos/{videos[0]}/", bases[0], cookie)
        uploader = TusUploader(bases[1], creator_token)
        for thread in [*writers, reactor, uploader]:
            thread.start()

        def both_nodes_ack() -> bool:
            marks = [w.acked() for w in writers]
            return wait_until(
                lambda: all(
                    any(w.acked() >= marks[i] + 3 for i, w in enumerate(writers) if i % 2 == node)
                    for node in (0, 1)
                ),
                timeout=30,
            )

        def both_nodes_refuse() -> bool:
            """Until every writer had a 503 and the socket sent two reactions meanwhile."""
            marks, sent = [len(w.answers) for w in writers], len(reactor.sent)
            return wait_until(
                lambda: (
                    len(reactor.sent) >= sent + 2
                    and all(
                        any(a[2] == 503 for a in w.answers[marks[i] :])
                        for i, w in enumerate(writers)
                    )
                ),
                timeout=30,
            )

        assert both_nodes_ack()
        pg.stop("fast")  # a clean restart: sessions are ended, open transactions rolled back
        assert both_nodes_refuse()
        pg.start()
        assert both_nodes_ack(), "the nodes did not recover after a restart"
        pg.kill()  # a crash: no shutdown at all
        assert both_nodes_refuse()
        pg.start()  # recovery from the WAL
        assert both_nodes_ack(), "the nodes did not recover after a crash"
        reactor.done.set()
        reactor.join(timeout=30)
        url = pg.url("streamsite")
        sql = f"SELECT count(*) FROM reactions_reaction WHERE user_id = {reactor_user.pk}"
        # The socket's last window is stored a moment after it was taken.
        wait_until(lambda: _rows(url, sql)[0][0] >= len(reactor.sent), timeout=15)
    finally:
        threads = [t for t in [*writers, reactor, uploader] if t is not None]
        for thread in threads:
            thread.done.set()
        for thread in threads:
            thread.join(timeout=30)
        for process, *_ in nodes:
            stop(process)
    # Never a hang: DB_CONNECT_TIMEOUT is 2 s (the pool alone waited its timeout, 10 s).
    slowest = [max(w.slowest for w in writers[n::2]) for n in (0, 1)]
    assert max(slowest) < 5, f"an answer took {slowest} s (pooled node, node without a pool)"
    _check(pg.url("streamsite"), writers, users, reactor, reactor_user)
    _check_upload(pg.url("streamsite"), uploader)


def _check(url: str, writers: list[Writer], users, reactor: SocketReactor, reactor_user) -> None:
    answers = [(w.n, *a) for w in writers for a in w.answers]
    statuses = Counter(status for *_, status, _ in answers)
    assert set(statuses) <= {200, 201, 503}, [a for a in answers if a[3] not in (200, 201, 503)]
    assert statuses[503] and statuses[200] and statuses[201], statuses

    # Comments: every one answered 201 is there under its id; none that was never sent is.
    comments = {
        cid: (video, body, state)
        for cid, video, body, state in _rows(
            url, "SELECT id, video_id, body, state FROM comments_comment"
        )
    }
    sent = {(key[0], key[1]) for _, kind, key, *_ in answers if kind == "comment"}
    for _, kind, key, status, data in answers:
        if kind == "comment" and status == 201:
            assert comments.get(data["id"]) == (key[0], key[1], "visible"), data
    assert {(video, body) for video, body, _ in comments.values()} <= sent

    # Votes: each user's vote is what their last acknowledged vote said, or what a later
    # unanswered (503) one asked for; the tally counts exactly the votes.
    votes = {
        (user, video): liked
        for user, video, liked in _rows(url, "SELECT user_id, video_id, liked FROM reactions_vote")
    }
    history: dict[tuple, list[tuple[bool, bool]]] = defaultdict(list)
    for n, kind, key, status, _ in answers:
        if kind == "vote":
            history[(users[n].pk, key[0])].append((key[1], status == 200))
    for pair, tries in history.items():
        acked = [i for i, (_, ok) in enumerate(tries) if ok]
        if not acked:
            continue
        allowed = {tries[acked[-1]][0]} | {liked for liked, _ in tries[acked[-1] + 1 :]}
        assert votes.get(pair) in allowed, (pair, tries, votes.get(pair))
    tallies = _rows(url, "SELECT video_id, likes, dislikes FROM reactions_votetally")
    for video, likes, dislikes in tallies:
        mine = [liked for (_, v), liked in votes.items() if v == video]
        assert (likes, dislikes) == (mine.count(True), mine.count(False)), video

    # Reactions: every acknowledged one is stored (API ones under their own video time, the
    # socket's at theirs), and each tally equals its rows.
    stored = Counter(
        (user, video, t)
        for user, video, t in _rows(
            url, "SELECT user_id, video_id, video_time FROM reactions_reaction"
        )
    )
    for n, kind, key, status, _ in answers:
        if kind == "react":
            # Answered 503, it may still have committed just before the connection went.
            assert stored[(users[n].pk, *key)] in ({1} if status == 200 else {0, 1}), (n, key)
    assert reactor.sent and not reactor.errors, reactor.errors
    missing = [t for t in reactor.sent if not stored[(reactor_user.pk, writers[0].videos[0], t)]]
    assert not missing, f"socket reactions lost: {missing}"
    rows = Counter(
        (video, emoji)
        for video, emoji in _rows(url, "SELECT video_id, emoji FROM reactions_reaction")
    )
    tally = {
        (video, emoji): count
        for video, emoji, count in _rows(
            url, "SELECT video_id, emoji, count FROM reactions_reactiontally"
        )
    }
    assert {k: v for k, v in tally.items() if v} == dict(rows)
    counts = _rows(url, "SELECT video_id, count FROM comments_commenttally")
    visible = Counter(video for video, _, state in comments.values() if state == "visible")
    assert dict(counts) == dict(visible)


def _check_upload(url: str, uploader: TusUploader) -> None:
    """The upload holds at least every byte a 204 acknowledged, exactly the bytes sent, in its
    parts in storage; nothing but 204, 409 (an offset moved by a PATCH answered 503 after its
    commit) and 503 was answered."""
    assert {status for _, status in uploader.statuses} <= {200, 204, 409, 503}, uploader.statuses
    assert uploader.statuses[("PATCH", 503)] and uploader.acked, uploader.statuses
    upload_id = uploader.url.rstrip("/").rsplit("/", 1)[1]
    ((offset, parts),) = _rows(
        url, f"SELECT \"offset\", parts FROM videos_resumableupload WHERE id = '{upload_id}'"
    )
    assert offset >= max(uploader.acked)
    stored = b""
    for name, _size in parts:
        with default_storage.open(name, "rb") as part:
            stored += part.read()
    assert stored == uploader.data[:offset]
