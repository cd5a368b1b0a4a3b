"""Reads for sharing: related videos, the video behind a shared watch URL, sitemap lists."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import connection
from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import Resolver404, resolve

from apps.users.models import User
from apps.videos import selectors as videos
from apps.videos.models import Video

RELATED_LIMIT = 8
RELATED_CACHE_S = 120
_CANDIDATES = 60
_WORD = re.compile(r"\w{4,}")


def _tags(video: Video) -> set[str]:
    return {t.strip().lower() for t in video.tags.split(",") if t.strip()}


def _title_words(video: Video) -> set[str]:
    return {w.lower() for w in _WORD.findall(video.title)}


def _related_ids(video: Video, limit: int) -> list[str]:
    tags = _tags(video)
    match = Q(owner_id=video.owner_id)
    for tag in tags:
        match |= Q(tags__icontains=tag)
    words = _title_words(video)
    if connection.vendor == "postgresql" and video.title:
        match |= Q(title__trigram_similar=video.title)
    else:
        for word in list(words)[:5]:
            match |= Q(title__icontains=word)
    candidates = videos.video_list_public().exclude(pk=video.pk).filter(match)[:_CANDIDATES]

    def score(other: Video) -> tuple:
        points = 3 * (other.owner_id == video.owner_id)
        points += 2 * len(tags & _tags(other))
        points += len(words & _title_words(other))
        return (points, other.views, other.published_at)

    return [v.id for v in sorted(candidates, key=score, reverse=True)[:limit]]


def video_related(*, video: Video, limit: int = RELATED_LIMIT) -> list[Video]:
    """Public ready videos like this one (same channel, shared tags, similar title), best first;
    never the video itself. The ranking is cached briefly; the rows are read fresh, so a video
    made private meanwhile drops out at once."""
    key = f"sharing:related:{video.pk}:{limit}"
    ids = cache.get(key)
    if ids is None:
        ids = _related_ids(video, limit)
        cache.set(key, ids, RELATED_CACHE_S)
    rows = videos.video_list_public().filter(pk__in=ids).exclude(pk=video.pk).in_bulk()
    return [rows[i] for i in ids if i in rows]


def video_for_shared_url(*, url: str, host: str) -> Video:
    """The video a watch URL of this site names, if anyone may watch it; else 404 (private,
    hidden, another site, not a watch URL)."""
    parts = urlsplit(url or "")
    if parts.scheme not in {"http", "https"} or parts.netloc.lower() != host.lower():
        raise Http404("Not a watch URL of this site.")
    try:
        match = resolve(parts.path)
    except Resolver404 as missing:
        raise Http404("Not a watch URL of this site.") from missing
    if match.url_name != "watch":
        raise Http404("Not a watch URL of this site.")
    return videos.video_get_for_viewer(video_id=match.kwargs["video_id"], user=AnonymousUser())


def video_is_shareable(*, video: Video) -> bool:
    """Anyone with the link may watch it: what previews, embeds and share links are for."""
    return videos.video_can_watch(video=video, user=AnonymousUser())


def channel_get(*, username: str) -> User:
    owner = User.objects.filter(username=username).first()
    if owner is None:
        raise Http404("No such channel.")
    return owner


def channel_videos(*, owner: User) -> QuerySet[Video]:
    return videos.video_list_public().filter(owner=owner)


def channels_with_public_videos() -> QuerySet[User]:
    public = videos.video_list_public().values("owner_id")
    return User.objects.filter(pk__in=public).order_by("username")
