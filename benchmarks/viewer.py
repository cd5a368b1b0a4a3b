"""One viewer, as the site's pages and player behave, for benchmarks/load.py (`--model viewers`).

A viewer arrives on the home page or a search, reads it for a while, opens the watch page and
then does what that page does at once: opens its two sockets (/ws/site/, whose open fetches the
broadcasts in force, and /ws/videos/<id>/ with its snapshot), asks for an ad decision, loads
the master and variant playlists and, when playback starts, sends the view beacon. While it
watches, it fetches one segment per segment duration (4 s) and, signed in, saves its position
every 10 s (static/js/player/resume.js); some viewers like, comment or react. Then it leaves
and, after a pause, starts again. Sockets stay open while watching, as a page's do.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable

import aiohttp

SEGMENT_S = 4.0  # PIPELINE_SEGMENT_S: the player fetches one segment per segment of playback
HISTORY_EVERY_S = 10.0  # resume.js SERVER_EVERY_MS
READ_PAGE_S = 4.0  # mean time on the home or search page before choosing a video
WATCH_S = 45.0  # mean time watching before leaving
BETWEEN_S = 3.0  # mean pause before the next visit
LIKE_P, COMMENT_P, REACT_P, SEARCH_P = 0.3, 0.1, 0.5, 0.3  # the first three: members
EMOJI = ("👍", "❤️", "😂", "🔥")

Record = Callable[[str, float], None]


async def _timed(record: Record, kind: str, request: Awaitable) -> None:
    started = time.perf_counter()
    async with await request as response:
        await response.read()
        if response.status >= 300:
            raise RuntimeError(f"{kind}: HTTP {response.status}")
    record(kind, time.perf_counter() - started)


async def _drain(ws: aiohttp.ClientWebSocketResponse) -> None:
    async for _message in ws:  # viewer counts, reactions, comments: read and let go
        pass


async def viewer(
    http: aiohttp.ClientSession, base: str, ctx: dict, *, member: bool, headers: dict,
    record: Record, stop: float,
) -> None:  # fmt: skip
    """Visits until `stop` (time.monotonic()); every request's time goes to `record`."""
    video, media = ctx["video"], ctx["media"]
    ws_base = base.replace("http", "ws", 1)
    suffix = "+" if member else ""  # pages rendered for a signed-in viewer

    async def pause(mean: float) -> bool:
        await asyncio.sleep(min(random.expovariate(1 / mean), max(0.0, stop - time.monotonic())))
        return time.monotonic() < stop

    while time.monotonic() < stop:
        if random.random() < SEARCH_P:
            q = random.choice(["river", "robot city", "night music"])
            await _timed(record, "search" + suffix, http.get(f"{base}/search/", params={"q": q}))
        else:
            await _timed(record, "home" + suffix, http.get(f"{base}/"))
        if not await pause(READ_PAGE_S):
            return
        await _timed(record, "watch" + suffix, http.get(f"{base}/watch/{video}/"))
        started = time.perf_counter()
        site, sock = await asyncio.gather(
            http.ws_connect(f"{ws_base}/ws/site/?video={video}", origin=base),
            http.ws_connect(f"{ws_base}/ws/videos/{video}/", origin=base),
        )
        try:
            await asyncio.wait_for(sock.receive_json(), 10)  # the snapshot
            record("ws", time.perf_counter() - started)
            readers = [asyncio.create_task(_drain(site)), asyncio.create_task(_drain(sock))]
            await asyncio.gather(
                _timed(record, "api-read", http.get(f"{base}/api/v1/broadcasts/active/")),
                _timed(record, "api-read", http.get(f"{base}/api/v1/ads/decision/?video={video}")),
                _timed(record, "master", http.get(media["master"])),
                _timed(record, "variant", http.get(media["variant"])),
            )
            await _timed(
                record, "beacon",
                http.post(f"{base}/api/v1/videos/{video}/views/", headers=headers),
            )  # fmt: skip
            await _watch(http, base, ctx, sock, member=member, headers=headers, record=record,
                         stop=stop)  # fmt: skip
        finally:
            for task in locals().get("readers", []):
                task.cancel()
            await asyncio.gather(site.close(), sock.close(), return_exceptions=True)
        if not await pause(BETWEEN_S):
            return


async def _watch(http, base, ctx, sock, *, member, headers, record, stop) -> None:
    video, segments = ctx["video"], ctx["media"]["segments"]
    leave = min(stop, time.monotonic() + random.expovariate(1 / WATCH_S))
    # Liking, commenting and reacting take an account.
    like_at = comment_at = react_at = None
    if member and random.random() < LIKE_P:
        like_at = time.monotonic() + random.uniform(5, 30)
    if member and random.random() < COMMENT_P:
        comment_at = time.monotonic() + random.uniform(5, 40)
    if member and random.random() < REACT_P:
        react_at = time.monotonic() + random.uniform(2, 30)
    saved_at, n = time.monotonic(), 0
    while time.monotonic() < leave:
        url, ranged = segments[n % len(segments)]
        n += 1
        await _timed(record, "segment", http.get(url, headers=ranged))
        now = time.monotonic()
        if member and now - saved_at >= HISTORY_EVERY_S:
            saved_at = now
            body = {"position_s": float(n * SEGMENT_S)}
            await _timed(
                record, "history",
                http.put(f"{base}/api/v1/me/history/{video}/", json=body, headers=headers),
            )  # fmt: skip
        if like_at and now >= like_at:
            like_at = None
            await _timed(
                record, "like",
                http.put(f"{base}/api/v1/videos/{video}/like/", json={"liked": True},
                         headers=headers),
            )  # fmt: skip
        if comment_at and now >= comment_at:
            comment_at = None
            body = {"body": f"Load test {random.random():.6f}"}
            await _timed(
                record, "comment",
                http.post(f"{base}/api/v1/videos/{video}/comments/", json=body, headers=headers),
            )  # fmt: skip
        if react_at and now >= react_at:
            react_at = None
            await sock.send_json({"type": "reaction", "emoji": random.choice(EMOJI)})
        await asyncio.sleep(max(0.0, min(SEGMENT_S, leave - time.monotonic())))
