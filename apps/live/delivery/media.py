"""/media/live/<id>/…: the live ladder's playlists and segments.

Live playlists change every segment and must never be cached; segments never change. Local
storage: served from here (they are small). Other storage (S3): playlists here, segments by a
redirect to the storage's URL, so media bytes do not pass through Python in production.

LL-HLS blocking reloads (`?_HLS_msn=N&_HLS_part=M`, RFC 8216bis 6.2.5.2): the request is held
(async, no thread) until the playlist lists that part, polling the cache the syncer fills
(storage when the cache has nothing, e.g. an ingest in another process without Redis); after
three target durations the answer is 503, as the RFC says.
"""

from __future__ import annotations

import asyncio
import re
import time

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
)
from django.views.decorators.http import require_safe

from apps.live.ingest.llsync import cache_key
from media_pipeline import llhls

_NAME = re.compile(
    r"^live/[A-Za-z0-9_-]{1,16}/hls/[A-Za-z0-9_-]{1,20}(/[A-Za-z0-9_-]{1,40})?\.(m3u8|ts)$"
)
TYPES = {"m3u8": "application/vnd.apple.mpegurl", "ts": "video/mp2t"}
POLL_S = 0.05
PART_WAIT_S = 2.0
_PART = re.compile(r"/part_\d+\.ts$")
_NUMBER = re.compile(r"^\d{1,10}$")


def _read(name: str) -> bytes:
    try:
        with default_storage.open(name, "rb") as fh:
            return fh.read()
    except (FileNotFoundError, OSError) as exc:
        raise Http404("No such file.") from exc


async def _current(name: str) -> bytes:
    text = await cache.aget(cache_key(name))
    if text is not None:
        return text.encode()
    return await sync_to_async(_read)(name)


def _blocking_request(request: HttpRequest) -> tuple[int, int | None] | None:
    """(_HLS_msn, _HLS_part or None), None for a plain request; ValueError when malformed."""
    msn, part = request.GET.get("_HLS_msn"), request.GET.get("_HLS_part")
    if msn is None:
        if part is not None:
            raise ValueError("_HLS_part without _HLS_msn")
        return None
    if not _NUMBER.match(msn) or (part is not None and not _NUMBER.match(part)):
        raise ValueError("not a number")
    return int(msn), None if part is None else int(part)


async def _blocking_playlist(name: str, msn: int, part: int | None) -> HttpResponse | bytes:
    body = await _current(name)
    position = llhls.playlist_position(body.decode("utf-8", errors="replace"))
    if position is None:
        return body
    if llhls.too_far(position, msn):
        return HttpResponseBadRequest("_HLS_msn is more than two segments ahead.")
    target = _target_duration(body) or 1
    deadline = time.monotonic() + 3 * target
    while not llhls.satisfies(position, msn, part):
        if time.monotonic() >= deadline:
            response = HttpResponse("The part did not appear in time.", status=503)
            response["Cache-Control"] = "no-cache"
            return response
        await asyncio.sleep(POLL_S)
        body = await _current(name)
        position = llhls.playlist_position(body.decode("utf-8", errors="replace")) or position
    return body


async def _part_when_there(name: str) -> bytes:
    """A part named by a preload hint is asked for before it exists (players that preload,
    such as Safari): held until ffmpeg's next part is in storage, a part's few tenths later."""
    deadline = time.monotonic() + PART_WAIT_S
    while True:
        try:
            return await sync_to_async(_read)(name)
        except Http404:
            if time.monotonic() >= deadline:
                raise
        await asyncio.sleep(POLL_S)


def _target_duration(body: bytes) -> int:
    match = re.search(rb"#EXT-X-TARGETDURATION:(\d+)", body)
    return int(match[1]) if match else 0


@require_safe
async def serve_live_media(request: HttpRequest, name: str) -> HttpResponse:
    match = _NAME.match(name)
    if match is None:
        raise Http404("No such file.")
    playlist = name.endswith(".m3u8")
    if not settings.MEDIA_IS_LOCAL and not playlist:
        response: HttpResponse = HttpResponseRedirect(default_storage.url(name))
        response["Cache-Control"] = "public, max-age=60"
        return response
    try:
        blocking = _blocking_request(request) if playlist else None
    except ValueError:
        return HttpResponseBadRequest("Malformed _HLS_msn / _HLS_part.")
    if blocking is not None:
        answer = await _blocking_playlist(name, *blocking)
        if isinstance(answer, HttpResponse):
            return answer
        body = answer
    elif _PART.search(name):
        body = await _part_when_there(name)
    else:
        body = await sync_to_async(_read)(name)
    response = HttpResponse(body, content_type=TYPES[match[2]])
    # A live playlist is stale after one segment; hls.js reloads it every target duration.
    response["Cache-Control"] = "no-cache" if playlist else "public, max-age=86400, immutable"
    response["X-Content-Type-Options"] = "nosniff"
    response["Access-Control-Allow-Origin"] = "*"
    return response
