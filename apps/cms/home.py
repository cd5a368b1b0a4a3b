"""The home page built from the sections staff arrange in the admin.

Which sections are in force and the videos of each are cached under a version number; every
service that changes a section (or a category, or moderation) calls `invalidate()`, which
bumps the version, so the next page load rebuilds it in any process, never needing a restart.
The cache also expires at the next start or end of a section's window. Rows that are personal
(Continue watching) or change by the second (Live now) are rendered on every request.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone

from apps.cms.models import HomeSection, SectionKind
from apps.videos.models import Video
from apps.videos.selectors import video_list_public
from streamsite import page_cache

VERSION_KEY = "cms:home:version"
MAX_AGE_S = 60
TRENDING_WINDOW = timedelta(days=7)


@dataclass
class Row:
    kind: str
    title: str
    items: list = field(default_factory=list)
    headline: str = ""
    template: str = "cms/sections/row.html"
    section_id: int | None = None


Renderer = Callable[[HomeSection, object], list]
# kind -> (renderer(section, request) -> items, template, cacheable)
RENDERERS: dict[str, tuple[Renderer, str, bool]] = {}


def register(kind: str, renderer: Renderer, *, template: str = "", cacheable: bool = False):
    """Plug a renderer in for a section kind (apps.live does so for "Live now")."""
    RENDERERS[kind] = (renderer, template or "cms/sections/row.html", cacheable)


def invalidate() -> None:
    page_cache.invalidate()  # the cached home pages embed these sections
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, None)


def _version() -> int:
    return cache.get_or_set(VERSION_KEY, 1, None)


def sections_in_force(now=None) -> list[HomeSection]:
    now = now or timezone.now()
    return list(
        HomeSection.objects.filter(
            Q(starts_at__isnull=True) | Q(starts_at__lte=now),
            Q(ends_at__isnull=True) | Q(ends_at__gt=now),
        ).select_related("category", "video")
    )


def _next_boundary_s(now) -> int:
    """Seconds until some section's window opens or closes: the cache may live no longer."""
    soon = now + timedelta(seconds=MAX_AGE_S)
    times = HomeSection.objects.filter(
        Q(starts_at__gt=now, starts_at__lt=soon) | Q(ends_at__gt=now, ends_at__lt=soon)
    ).values_list("starts_at", "ends_at")
    edges = [t for pair in times for t in pair if t and now < t < soon]
    return max(1, int((min(edges) - now).total_seconds())) if edges else MAX_AGE_S


def _snapshot() -> list[dict]:
    """Sections in force, with the video ids of cacheable kinds, cached per version."""
    key = f"cms:home:v{_version()}"
    snapshot = cache.get(key)
    if snapshot is not None:
        return snapshot
    now = timezone.now()
    snapshot = []
    for section in sections_in_force(now):
        renderer, _, cacheable = RENDERERS.get(section.kind, (None, "", False))
        ids = None
        if renderer and cacheable:
            ids = [v.pk for v in renderer(section, None)]
        snapshot.append({"id": section.pk, "ids": ids})
    cache.set(key, snapshot, _next_boundary_s(now))
    return snapshot


def home_rows(request) -> list[Row]:
    """The home page's rows in order; empty when staff configured none (the old feed shows)."""
    snapshot = _snapshot()
    if not snapshot:
        return []
    sections = {s.pk: s for s in HomeSection.objects.filter(pk__in=[e["id"] for e in snapshot])}
    cached_ids = [i for e in snapshot for i in (e["ids"] or [])]
    # Looked up again on every request: a video hidden since is gone at once.
    videos = video_list_public().in_bulk(cached_ids) if cached_ids else {}
    rows = []
    for entry in snapshot:
        section = sections.get(entry["id"])
        if section is None:
            continue
        row = render_section(section, request, ids=entry["ids"], videos=videos)
        if row.items:
            rows.append(row)
    return rows


def render_section(section: HomeSection, request, *, ids=None, videos=None) -> Row:
    """One section as viewers see it (also the admin's preview, with ids=None)."""
    renderer, template, cacheable = RENDERERS.get(section.kind, (None, "", False))
    if renderer is None:
        items = []
    elif ids is not None and videos is not None:
        items = [videos[i] for i in ids if i in videos]
    else:
        items = list(renderer(section, request))
    return Row(
        kind=section.kind,
        title=section.title,
        headline=section.headline,
        items=items,
        template=template,
        section_id=section.pk,
    )


def trending_videos(*, limit: int, window: timedelta = TRENDING_WINDOW) -> list[Video]:
    """Most watched of the videos published within the window.

    The one place to extend when reactions land: add their recent counts to the score here.
    """
    since = timezone.now() - window
    return list(
        video_list_public()
        .filter(published_at__gte=since)
        .order_by("-views", "-published_at")[:limit]
    )


def _hero(section, request):
    if section.video_id is None:
        return []
    return list(video_list_public().filter(pk=section.video_id))


def _picked(section, request):
    ids = list(section.items.values_list("video_id", flat=True)[: section.limit])
    found = video_list_public().in_bulk(ids)
    return [found[i] for i in ids if i in found]


def _new(section, request):
    return list(video_list_public()[: section.limit])


def _trending(section, request):
    return trending_videos(limit=section.limit)


def _category(section, request):
    if section.category_id is None:
        return []
    return list(
        video_list_public().filter(category_link__category_id=section.category_id)[: section.limit]
    )


def _continue_watching(section, request):
    """Videos the viewer started; empty until a watch-history app provides
    `apps.history.selectors.history_continue(user=, limit=)`."""
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return []
    source = _optional("apps.history.selectors", "history_continue") or _optional(
        "apps.playlists.selectors", "history_continue"
    )
    return list(source(user=user, limit=section.limit)) if source else []


def _live_now(section, request):
    """Live streams on air, if the live app offers a selector for them."""
    source = _optional("apps.live.selectors", "live_list_now")
    return list(source()[: section.limit]) if source else []


def _optional(module: str, name: str):
    try:
        return getattr(importlib.import_module(module), name, None)
    except ImportError:
        return None


register(SectionKind.HERO, _hero, template="cms/sections/hero.html", cacheable=True)
register(SectionKind.FEATURED, _picked, template="cms/sections/featured.html", cacheable=True)
register(SectionKind.PICKED, _picked, cacheable=True)
register(SectionKind.NEW, _new, cacheable=True)
register(SectionKind.TRENDING, _trending, cacheable=True)
register(SectionKind.CATEGORY, _category, cacheable=True)
register(SectionKind.CONTINUE, _continue_watching)
register(SectionKind.LIVE, _live_now, template="cms/sections/live.html")
