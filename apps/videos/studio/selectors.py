"""Reads of the studio: a creator's own videos, searched and sorted."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.db.models.functions import Lower
from django.http import Http404

from apps.videos import counts
from apps.videos.models import Video, VideoStatus
from apps.videos.selectors import video_can_manage

# Bulk actions act on one page of the studio at most.
BULK_LIMIT = 100

# name -> (label, ordering); the first is the default.
SORTS: dict[str, tuple[str, tuple]] = {
    "newest": ("Newest", ("-created_at",)),
    "oldest": ("Oldest", ("created_at",)),
    "views": ("Most viewed", ("-views", "-created_at")),
    "title": ("Title", (Lower("title"), "created_at")),
}
DEFAULT_SORT = "newest"


def studio_videos(*, user, sort: str = DEFAULT_SORT, query: str = "") -> QuerySet[Video]:
    """The user's own videos with their counts; `query` matches title or tags. A live stream's
    video to be is in the studio's live section until its recording is in."""
    videos = Video.objects.filter(owner=user).exclude(status=VideoStatus.LIVE)
    query = query.strip()
    if query:
        videos = videos.filter(Q(title__icontains=query) | Q(tags__icontains=query))
    _, ordering = SORTS.get(sort, SORTS[DEFAULT_SORT])
    return counts.annotate(videos.order_by(*ordering, "pk"))


def video_get_for_manager(*, video_id: str, user) -> Video:
    """The video if this user may manage it; 404 for everyone else, as if it did not exist."""
    video = Video.objects.select_related("owner").filter(pk=video_id).first()
    if video is None or not video_can_manage(video=video, user=user):
        raise Http404("No such video.")
    return video


def videos_managed_by(*, ids: Iterable[str], user) -> list[Video]:
    """Of these ids (at most BULK_LIMIT), the videos this user may manage, in the given order;
    the others are left out without a word."""
    wanted = list(dict.fromkeys(ids))[:BULK_LIMIT]
    found = {v.id: v for v in Video.objects.filter(pk__in=wanted).select_related("owner")}
    return [
        found[pk] for pk in wanted if pk in found and video_can_manage(video=found[pk], user=user)
    ]
