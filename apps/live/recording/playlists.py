"""A finished stream's stored live window: closed with ENDLIST at the end (players stop
reloading and may seek all of it), removed once the recording has replaced it."""

from __future__ import annotations

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from apps.live.ingest.llsync import cache_key
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
            cache.delete(cache_key(name))  # blocking reloads read the cache first
            sealed += 1
    return sealed


def remove_window(stream: LiveStream) -> int:
    """Delete the stored live ladder (segments and playlists) of a stream."""
    removed = 0
    pending = [f"{stream.storage_prefix}hls"]
    while pending:
        folder = pending.pop()
        try:
            dirs, files = default_storage.listdir(folder)
        except FileNotFoundError:
            continue
        pending += [f"{folder}/{d}" for d in dirs]
        for name in files:
            default_storage.delete(f"{folder}/{name}")
            removed += 1
    return removed
