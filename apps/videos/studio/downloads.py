"""Download of a video's original upload, when its owner allows it, through the same checks as
its media: who may watch it, and the current media_key (a link handed out while the video was
public stops working when its visibility changes)."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from apps.videos import selectors
from apps.videos.delivery.media import file_chunks
from apps.videos.models import Video, VideoStatus
from apps.videos.pipeline import layout

# Only a container's usual extension is kept from the client's name (never .html and the like).
VIDEO_EXTENSIONS = frozenset(
    ".mp4 .m4v .mov .mkv .webm .avi .mpg .mpeg .ts .mts .flv .wmv .ogv .3gp".split()
)


def download_url(video: Video) -> str | None:
    """The Download link of the watch page; None when downloads are off or nothing is stored.
    Only a ready video's: the probe has judged its upload a video (a failed upload may be any
    bytes, and the site must not host them)."""
    if not (video.downloads_enabled and video.source and video.status == VideoStatus.READY):
        return None
    return reverse("video-download", kwargs={"video_id": video.id, "key": video.media_key})


def download_filename(video: Video) -> str:
    """ASCII letters, digits, dots, dashes only: from the title (never the client's raw name),
    with the original's extension when it is a video container's."""
    stem = slugify(video.title)[:80] or video.id
    extension = os.path.splitext(video.original_filename or "")[1].lower()
    return f"{stem}{extension if extension in VIDEO_EXTENSIONS else ''}"


@require_safe
def download_original(request: HttpRequest, video_id: str, key: str) -> HttpResponse:
    video = selectors.video_get_for_viewer(video_id=video_id, user=request.user)
    if key != video.media_key or download_url(video) is None:
        raise Http404("No such file.")
    # The upload as it came, even when processing works from a remuxed copy (video.source).
    name = layout.original_name(video.storage_prefix)
    if not default_storage.exists(name):
        raise Http404("No such file.")
    filename = download_filename(video)
    disposition = f'attachment; filename="{filename}"'
    if not settings.MEDIA_IS_LOCAL:
        url = default_storage.url(
            name,
            parameters={
                "ResponseContentDisposition": disposition,
                "ResponseContentType": "application/octet-stream",
            },
        )
        response: HttpResponse = HttpResponseRedirect(url)
    else:
        size = default_storage.size(name)
        # Streamed block by block (an original may be gigabytes), as delivery.media does.
        response = StreamingHttpResponse(
            file_chunks(default_storage.open(name, "rb"), 0, size),
            content_type="application/octet-stream",
        )
        response["Content-Length"] = str(size)
        response["Content-Disposition"] = disposition
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
