"""Closing a finished stream's stored playlists: ENDLIST tells players there is no more to
come, and the whole window becomes seekable like a video."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from apps.live.models import LiveStream
from media_pipeline.live import end_playlist


def seal(stream: LiveStream) -> int:
    sealed = 0
    for rung in stream.rungs or []:
        name = f"{stream.storage_prefix}hls/{rung['name']}/index.m3u8"
        if not default_storage.exists(name):
            continue
        with default_storage.open(name, "rb") as fh:
            text = fh.read().decode("utf-8", errors="replace")
        closed = end_playlist(text)
        if closed != text:
            default_storage.save(name, ContentFile(closed.encode(), name="index.m3u8"))
            sealed += 1
    return sealed
