"""Counts that other apps keep about a video (likes, dislikes, comments), read without the
videos app importing them: each app registers an annotation once, in its AppConfig.ready().

The video JSON names the counts; an app that does not exist yet leaves its count at 0.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet


@dataclass(frozen=True)
class CountAnnotation:
    names: tuple[str, ...]
    annotate: Callable[[QuerySet], QuerySet]


_registry: list[CountAnnotation] = []


def register(*, names: tuple[str, ...], annotate: Callable[[QuerySet], QuerySet]) -> None:
    if any(entry.names == names for entry in _registry):
        return
    _registry.append(CountAnnotation(names=names, annotate=annotate))


def annotate(videos: QuerySet) -> QuerySet:
    """The queryset with every registered count as an attribute of each video."""
    for entry in _registry:
        videos = entry.annotate(videos)
    return videos


def value(video, name: str) -> int:
    """A count of this video: the annotation when the video came through `annotate`, else one
    query for all the counts (cached on the instance), so a freshly saved video is exact too."""
    if not hasattr(video, name):
        names = [n for entry in _registry for n in entry.names]
        if name not in names:
            return 0
        row = annotate(type(video).objects.filter(pk=video.pk)).values(*names).first() or {}
        for key in names:
            setattr(video, key, row.get(key) or 0)
    return int(getattr(video, name) or 0)
