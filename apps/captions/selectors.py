"""Reads: a video's captions, as rows and as the text tracks manifests and the JSON list."""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec

from django.conf import settings
from django.db.models import QuerySet

from apps.captions.models import Caption, CaptionSettings
from apps.videos.delivery.texttracks import TextTrack
from apps.videos.models import Video


def captions_of(*, video: Video) -> QuerySet[Caption]:
    return Caption.objects.filter(video=video).order_by("language")


def text_tracks(video: Video) -> list[TextTrack]:
    """The provider registered with apps.videos.delivery.texttracks (see apps.py)."""
    # A serializer may list many videos: a prefetch of `captions` saves a query per video.
    cache = getattr(video, "_prefetched_objects_cache", {})
    rows = cache["captions"] if "captions" in cache else captions_of(video=video)
    return [
        TextTrack(
            id=c.pk,
            language=c.language,
            label=c.label,
            automatic=c.automatic,
            vtt=c.vtt,
            playlist=c.playlist,
        )
        for c in sorted(rows, key=lambda c: c.language)
    ]


def caption_settings() -> CaptionSettings:
    row, _ = CaptionSettings.objects.get_or_create(pk=1)
    return row


def recognizer_missing() -> str | None:
    """Why automatic captions cannot run here, or None when a recognizer is installed."""
    path = settings.CAPTIONS_RECOGNIZER
    if path == "apps.captions.speech.whisper.recognize":
        if find_spec("faster_whisper") is None:
            return (
                "No speech-recognition model is installed: automatic captions need the "
                "faster-whisper package on the workers (pip install faster-whisper)."
            )
        return None
    module, _, name = path.rpartition(".")
    try:
        getattr(import_module(module), name)
    except (ImportError, AttributeError, ValueError):
        return f"CAPTIONS_RECOGNIZER names {path!r}, which cannot be imported."
    return None


def automatic_captions_enabled() -> bool:
    return caption_settings().automatic_for_new_uploads and recognizer_missing() is None
