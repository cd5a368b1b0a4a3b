"""Live counts for a video's sockets, coalesced: however many reactions, votes and viewers
change in a window (REACTIONS_WINDOW_S, 0.25 s), each process sends at most one message of
each kind per video per window (FIELD-NOTES: Channels fans out a few thousand messages a
second per process). A thousand viewers pressing 🔥 make a few messages a second
for each viewer, not a million.

The coalescer runs in a thread of its own with its own event loop, so it works the same when
called from a consumer (the server's loop), a request thread, or a WSGI process. Reactions
that arrive by socket are stored by it too, in one insert per window, whether or not the
window's message could be sent (Redis down); with the database down they wait for a later
window (at most MAX_UNSTORED per video). Only a process that dies loses its last window of them
(the API stores its reactions before answering).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from django.conf import settings
from django.core.cache import cache

from apps.videos.delivery import socket
from streamsite.ops.transient import DATABASE_ERRORS

logger = logging.getLogger(__name__)

PRESENCE_TTL_S = 6 * 3600
COUNTS_REFRESH_S = 5.0
# The viewer count changes with every socket; it goes out at most this often per video (a new
# socket gets the exact count in its snapshot).
VIEWERS_WINDOW_S = 2.0
# Socket reactions kept per video while the database cannot store them.
MAX_UNSTORED = 10_000
# The coalescer's database work runs in threads of its own, not on the one thread every socket's
# message dispatch waits on (Channels closes old connections there): a slow or unreachable
# database must not stall all the sockets of the process.
# SQLite (the embedded default) takes one writer at a time and its connections made on passing
# threads held the file's write lock in the embedded suite: there it stays on the shared thread.
_own_thread = functools.partial(
    database_sync_to_async,
    thread_sensitive=settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
)


def _presence_key(video_id: str) -> str:
    return f"viewers:{video_id}"


def _join(video_id: str) -> int:
    key = _presence_key(video_id)
    cache.add(key, 0, PRESENCE_TTL_S)
    count = cache.incr(key)
    cache.touch(key, PRESENCE_TTL_S)
    return int(count)


def _leave(video_id: str) -> None:
    key = _presence_key(video_id)
    try:
        left = cache.decr(key)
    except ValueError:  # the key expired: it counts nobody already
        return
    if left < 0:
        cache.set(key, 0, PRESENCE_TTL_S)


# The cache is thread-safe: these run on any thread, not on the one thread that the sockets'
# database work shares (a crowd connecting at once would queue behind each other there).
async def viewers_join(video_id: str) -> int:
    count = await sync_to_async(_join, thread_sensitive=False)(video_id)
    coalescer.touch(video_id, viewers=True)
    return count


async def viewers_leave(video_id: str) -> None:
    await sync_to_async(_leave, thread_sensitive=False)(video_id)
    coalescer.touch(video_id, viewers=True)


def viewers_count(video_id: str) -> int:
    return max(int(cache.get(_presence_key(video_id)) or 0), 0)


@dataclass
class _Pending:
    burst: Counter = field(default_factory=Counter)
    to_store: list[tuple[int | None, str, float]] = field(default_factory=list)
    likes: bool = False
    viewers: bool = False


class Coalescer:
    def __init__(self, window_s: float) -> None:
        self.window_s = window_s
        self._lock = threading.Lock()
        self._pending: dict[str, _Pending] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None
        self._ready = threading.Event()
        self._viewers_sent: dict[str, int] = {}
        self._last: dict[str, float] = {}  # loop time each video was last sent
        self._counts: dict[str, Counter] = {}
        self._counts_at: dict[str, float] = {}
        self._viewers_at: dict[str, float] = {}
        self._busy = False
        self._timer: asyncio.TimerHandle | None = None

    def add_reaction(
        self,
        video_id: str,
        emoji: str,
        *,
        stored: bool,
        user_id: int | None = None,
        video_time: float = 0.0,
    ) -> None:
        with self._lock:
            pending = self._pending.setdefault(video_id, _Pending())
            pending.burst[emoji] += 1
            if not stored:
                pending.to_store.append((user_id, emoji, video_time))
        self._kick()

    def touch(self, video_id: str, *, likes: bool = False, viewers: bool = False) -> None:
        with self._lock:
            pending = self._pending.setdefault(video_id, _Pending())
            pending.likes |= likes
            pending.viewers |= viewers
        self._kick()

    def wait_idle(self, timeout: float = 15.0) -> bool:
        """Until nothing is pending or being sent (tests: before their database goes away)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if not self._pending and not self._busy:
                    return True
            time.sleep(0.05)
        return False

    def _kick(self) -> None:
        if not self._ready.is_set():
            with self._lock:
                if self._loop is None:
                    self._loop = asyncio.new_event_loop()
                    threading.Thread(target=self._serve, name="coalescer", daemon=True).start()
            self._ready.wait()
        self._loop.call_soon_threadsafe(self._wake.set)

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._wake = asyncio.Event()
        self._ready.set()
        self._loop.run_until_complete(self._run())

    async def _run(self) -> None:
        """Leading and trailing edge: a video quiet for a window is sent at once (a lone
        reaction shows in milliseconds); after that, whatever arrives within the window waits
        for its end and goes out as one message."""
        loop = asyncio.get_running_loop()
        while True:
            await self._wake.wait()
            self._wake.clear()
            now = loop.time()
            with self._lock:
                due = [v for v in self._pending if now - self._last.get(v, -1e9) >= self.window_s]
                batch = {video_id: self._pending.pop(video_id) for video_id in due}
                self._busy = bool(batch)
            for video_id, pending in batch.items():
                self._last[video_id] = now
                try:
                    await self._flush(video_id, pending, now)
                except Exception:  # one video's failure must not stop the rest
                    logger.exception("live counts not sent", extra={"video": video_id})
                except asyncio.CancelledError:
                    # Nothing cancels this loop's task (it lives as long as the process): the
                    # cancellation came from what it awaited, and must not end the loop.
                    logger.warning("live counts cancelled", extra={"video": video_id})
            with self._lock:
                self._busy = False
                waiting = [self._last.get(v, -1e9) + self.window_s for v in self._pending]
            if waiting and self._timer is None:
                self._timer = loop.call_later(max(min(waiting) - loop.time(), 0), self._tick)

    def _tick(self) -> None:
        self._timer = None
        self._wake.set()

    async def _flush(self, video_id: str, pending: _Pending, now: float) -> None:
        """Send first, store after: the reaction message needs no database round trip while
        this process's per-emoji counts are fresh (re-read every COUNTS_REFRESH_S, which also
        brings in other processes' reactions). Stored even when the sending failed."""
        try:
            await self._send(video_id, pending, now)
        finally:
            if pending.to_store:
                await self._keep(video_id, pending.to_store)

    async def _send(self, video_id: str, pending: _Pending, now: float) -> None:
        refresh = bool(pending.burst) and (
            now - self._counts_at.get(video_id, -1e9) > COUNTS_REFRESH_S
        )
        facts = {}
        if refresh or pending.likes:
            facts = await self._read(video_id, refresh=refresh, likes=pending.likes)
        messages = []
        if pending.burst:
            if refresh:
                # The stored counts hold this window's API reactions, not its socket ones yet.
                counts = Counter(facts["reactions"])
                counts.update(emoji for _, emoji, _ in pending.to_store)
                self._counts_at[video_id] = now
            else:
                counts = self._counts[video_id]
                counts.update(pending.burst)
            self._counts[video_id] = counts
            messages.append(
                {
                    "type": "reaction",
                    "emoji": pending.burst.most_common(1)[0][0],
                    "counts": dict(counts),
                    # Every emoji sent in this window and how many times: pages float them all.
                    "burst": dict(pending.burst),
                }
            )
        if pending.likes:
            likes, dislikes = facts["votes"]
            messages.append({"type": "likes", "likes": likes, "dislikes": dislikes})
        if pending.viewers and now - self._viewers_at.get(video_id, -1e9) < VIEWERS_WINDOW_S:
            with self._lock:  # not yet: a crowd arriving would cost a broadcast per window
                self._pending.setdefault(video_id, _Pending()).viewers = True
        elif pending.viewers:
            self._viewers_at[video_id] = now
            count = await sync_to_async(viewers_count, thread_sensitive=False)(video_id)
            if self._viewers_sent.get(video_id) != count:
                self._viewers_sent[video_id] = count
                messages.append({"type": "viewers", "count": count})
        for message in messages:
            await socket.apush(video_id, message)

    async def _keep(self, video_id: str, reactions: list[tuple[int | None, str, float]]) -> None:
        try:
            await self._store(video_id, reactions)
        except DATABASE_ERRORS:
            # The database is unreachable: a later window stores them (they were counted).
            with self._lock:
                waiting = self._pending.setdefault(video_id, _Pending()).to_store
                room = max(MAX_UNSTORED - len(waiting), 0)
                waiting[:0] = reactions[:room]
            if len(reactions) > room:
                dropped = len(reactions) - room
                logger.warning("socket reactions dropped", extra={"video": video_id, "n": dropped})
            raise

    @_own_thread
    def _read(self, video_id: str, *, refresh: bool, likes: bool) -> dict:
        from apps.reactions import selectors

        facts: dict = {}
        if refresh:
            facts["reactions"] = selectors.reaction_counts(video_id=video_id)
        if likes:
            facts["votes"] = selectors.vote_counts(video_id=video_id)
        return facts

    @_own_thread
    def _store(self, video_id: str, reactions: list[tuple[int | None, str, float]]) -> None:
        from apps.reactions import services

        services.reactions_store(video_id=video_id, reactions=reactions)


coalescer = Coalescer(getattr(settings, "REACTIONS_WINDOW_S", 0.25))
