"""/media/<key>/videos/<id>/g<n>/…: playlists, segments and pictures, with the video's
visibility checked.

Local storage (the embedded default): Django streams the file, answering `Range` with 206
(Django's FileResponse ignores Range, and players need it). Other storage (S3): playlists are
served here, everything else is a redirect to the storage's (signed) URL, so bytes never pass
through Python in production.
"""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.files.storage import default_storage
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.views.decorators.http import require_safe

from apps.videos.delivery.links import media_url
from apps.videos.models import Video, Visibility
from apps.videos.pipeline import layout
from apps.videos.pipeline.storage import content_type_for
from apps.videos.selectors import video_can_watch

# Outputs live under a generation (g<n>/), custom thumbnails under theirs, captions under cc/.
_NAME = re.compile(
    rf"^{layout.ROOT}/(?P<video_id>[A-Za-z0-9_-]{{1,16}})/"
    rf"(?:g\d+|{layout.CUSTOM_THUMBNAILS}|{layout.CAPTIONS})/[A-Za-z0-9_./-]+$"
)
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
PLAYLISTS = (".m3u8", ".mpd")
BLOCK = 256 * 1024


def _cache_control(name: str, public: bool) -> str:
    scope = "public" if public else "private"
    if layout.is_top_manifest(name):
        # Rungs join the master playlist while higher ones finish encoding.
        return f"{scope}, max-age=5"
    if name.endswith(".m3u8"):
        return f"{scope}, max-age=300"
    # Every other output lives under its generation's path and never changes.
    return f"{scope}, max-age=31536000, immutable"


async def file_chunks(fh, start: int, length: int) -> AsyncIterator[bytes]:
    # Async, so Daphne streams it block by block; Django's ASGI handler would first read a
    # synchronous iterator to the end, holding the whole file in memory.
    read = sync_to_async(fh.read, thread_sensitive=False)
    try:
        await sync_to_async(fh.seek, thread_sensitive=False)(start)
        remaining = length
        while remaining > 0:
            data = await read(min(BLOCK, remaining))
            if not data:
                break
            remaining -= len(data)
            yield data
    finally:
        await sync_to_async(fh.close, thread_sensitive=False)()


def _watchable_video(request: HttpRequest, name: str) -> Video:
    """The video whose output ``name`` is, if this user may watch it; else 404. Only outputs
    (under a generation's prefix, or the owner's re-encoded thumbnails) match: the untouched
    upload under `source/` is kept but never served."""
    match = _NAME.match(name)
    if match is None or ".." in name.split("/"):
        raise Http404("No such file.")
    video = (
        Video.objects.filter(pk=match["video_id"])
        .only("visibility", "owner_id", "media_key")
        .first()
    )
    if video is None or not video_can_watch(video=video, user=request.user):
        raise Http404("No such file.")
    return video


@require_safe
def serve_current(request: HttpRequest, name: str) -> HttpResponse:
    """`/media/<name>` without a key (links made before keys, or by code that has only the
    name): a redirect, never cached, to the current keyed URL, after the same checks."""
    video = _watchable_video(request, name)
    response = HttpResponseRedirect(media_url(name, video.media_key))
    response["Cache-Control"] = "no-store"
    return response


@require_safe
def serve_media(request: HttpRequest, key: str, name: str) -> HttpResponse:
    video = _watchable_video(request, name)
    # The key changes with every visibility change: a link handed out (and cached as
    # immutable) while the video was public stops working when it turns private.
    if key != video.media_key:
        raise Http404("No such file.")
    if not default_storage.exists(name):
        raise Http404("No such file.")
    public = video.visibility != Visibility.PRIVATE
    if not settings.MEDIA_IS_LOCAL and not name.endswith(PLAYLISTS):
        response: HttpResponse = HttpResponseRedirect(default_storage.url(name))
        # The signed URL lives MEDIA_URL_EXPIRE_S: the redirect must not outlive it.
        response["Cache-Control"] = f"private, max-age={min(60, settings.MEDIA_URL_EXPIRE_S // 2)}"
        return response

    size = default_storage.size(name)
    start, end = 0, size - 1
    status = 200
    header = request.headers.get("Range", "")
    if header:
        m = _RANGE.match(header.strip())
        if m is None or (not m[1] and not m[2]):
            return _unsatisfiable(size)
        if m[1]:
            start = int(m[1])
            end = min(int(m[2]), size - 1) if m[2] else size - 1
        else:
            start = max(0, size - int(m[2]))
        if start > end or start >= size:
            return _unsatisfiable(size)
        status = 206
    length = end - start + 1
    response = StreamingHttpResponse(
        file_chunks(default_storage.open(name, "rb"), start, length),
        status=status,
        content_type=content_type_for(name),
    )
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    if status == 206:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Cache-Control"] = _cache_control(name, public)
    if not public:
        response["Vary"] = "Cookie"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = f'inline; filename="{os.path.basename(name)}"'
    return response


def _unsatisfiable(size: int) -> HttpResponse:
    response = HttpResponse(status=416)
    response["Content-Range"] = f"bytes */{size}"
    return response
