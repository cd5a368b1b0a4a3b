"""/media/live/<id>/…: the live ladder's playlists and segments.

Live playlists change every segment and must never be cached; segments never change. Local
storage: served from here (they are small). Other storage (S3): playlists here, segments by a
redirect to the storage's URL, so media bytes do not pass through Python in production.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.views.decorators.http import require_safe

_NAME = re.compile(
    r"^live/[A-Za-z0-9_-]{1,16}/hls/[A-Za-z0-9_-]{1,20}(/[A-Za-z0-9_-]{1,40})?\.(m3u8|ts)$"
)
TYPES = {"m3u8": "application/vnd.apple.mpegurl", "ts": "video/mp2t"}


@require_safe
def serve_live_media(request: HttpRequest, name: str) -> HttpResponse:
    match = _NAME.match(name)
    if match is None:
        raise Http404("No such file.")
    playlist = name.endswith(".m3u8")
    if not settings.MEDIA_IS_LOCAL and not playlist:
        response: HttpResponse = HttpResponseRedirect(default_storage.url(name))
        response["Cache-Control"] = "public, max-age=60"
        return response
    try:
        with default_storage.open(name, "rb") as fh:
            body = fh.read()
    except (FileNotFoundError, OSError) as exc:
        raise Http404("No such file.") from exc
    response = HttpResponse(body, content_type=TYPES[match[2]])
    # A live playlist is stale after one segment; hls.js reloads it every target duration.
    response["Cache-Control"] = "no-cache" if playlist else "public, max-age=86400, immutable"
    response["X-Content-Type-Options"] = "nosniff"
    response["Access-Control-Allow-Origin"] = "*"
    return response
