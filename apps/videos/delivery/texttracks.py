"""Text tracks (captions) that another app keeps for a video, read without videos importing it:
apps.captions registers a provider in its AppConfig.ready(). Publishing lists them in the
manifests, the video JSON as `captions`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet


@dataclass(frozen=True)
class TextTrack:
    id: int
    language: str  # BCP 47
    label: str
    automatic: bool  # made by speech recognition, not by a person
    vtt: str  # storage name of the WebVTT file
    playlist: str  # storage name of its HLS subtitles media playlist

    @property
    def menu_name(self) -> str:
        """The name a player's menu shows: automatic captions say so."""
        return f"{self.label} (auto)" if self.automatic else self.label


_providers: list[Callable[[object], list[TextTrack]]] = []
_prefetches: list[str] = []


def register(provider: Callable[[object], list[TextTrack]], *, prefetch: str = "") -> None:
    """``prefetch``: the lookup a list of videos prefetches so the provider costs no query
    per video (one query for the whole list)."""
    if provider not in _providers:
        _providers.append(provider)
    if prefetch and prefetch not in _prefetches:
        _prefetches.append(prefetch)


def prefetch(videos: QuerySet) -> QuerySet:
    return videos.prefetch_related(*_prefetches) if _prefetches else videos


def text_tracks(video) -> list[TextTrack]:
    return [track for provider in _providers for track in provider(video)]
