"""Reads of watch history, for its page, the API, the watch page and the home page."""

from __future__ import annotations

from django.db.models import QuerySet

from apps.history.models import WatchEntry
from apps.videos.models import Video
from apps.videos.selectors import video_watchable_q

MIN_RESUME_S = 5.0  # as resume.js: a few seconds in is not worth resuming


def history_list(*, user, query: str = "") -> QuerySet[WatchEntry]:
    """The user's entries, most recent first, without videos they may no longer watch;
    `query` matches titles."""
    entries = (
        WatchEntry.objects.filter(user=user)
        .filter(video_watchable_q(user=user, prefix="video__"))
        .select_related("video", "video__owner")
        .order_by("-updated_at", "-pk")
    )
    query = query.strip()
    if query:
        entries = entries.filter(video__title__icontains=query)
    return entries


def history_resume_position(*, user, video: Video) -> float | None:
    """Where a signed-in user's player should start: None without an entry, 0 once watched."""
    if not (user and user.is_authenticated):
        return None
    entry = WatchEntry.objects.filter(user=user, video=video).only("position_s", "done").first()
    if entry is None:
        return None
    return 0.0 if entry.done or entry.position_s < MIN_RESUME_S else entry.position_s


def history_continue(*, user, limit: int) -> list[Video]:
    """Home's "Continue watching": started, unfinished, watchable videos, most recent first."""
    if not (user and user.is_authenticated):
        return []
    entries = (
        history_list(user=user)
        .filter(done=False, position_s__gte=MIN_RESUME_S)
        .values_list("video_id", "position_s")[:limit]
    )
    order = list(entries)
    videos = Video.objects.select_related("owner").in_bulk([video_id for video_id, _ in order])
    result = []
    for video_id, position in order:
        video = videos.get(video_id)
        if video is not None:
            video.resume_position_s = position
            result.append(video)
    return result
