"""Reads of the studio: a creator's own videos, searched and sorted."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.db.models.functions import Lower

from apps.videos import counts
from apps.videos.models import Video

# name -> (label, ordering); the first is the default.
SORTS: dict[str, tuple[str, tuple]] = {
    "newest": ("Newest", ("-created_at",)),
    "oldest": ("Oldest", ("created_at",)),
    "views": ("Most viewed", ("-views", "-created_at")),
    "title": ("Title", (Lower("title"), "created_at")),
}
DEFAULT_SORT = "newest"


def studio_videos(*, user, sort: str = DEFAULT_SORT, query: str = "") -> QuerySet[Video]:
    """The user's own videos with their counts; `query` matches title or tags."""
    videos = Video.objects.filter(owner=user)
    query = query.strip()
    if query:
        videos = videos.filter(Q(title__icontains=query) | Q(tags__icontains=query))
    _, ordering = SORTS.get(sort, SORTS[DEFAULT_SORT])
    return counts.annotate(videos.order_by(*ordering, "pk"))
