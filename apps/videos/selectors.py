"""Reads of videos: what a viewer may see, lists, lookups."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from apps.videos import counts, search
from apps.videos.models import ModerationState, Video, VideoStatus, Visibility
from media_pipeline import chapters


def video_can_manage(*, video: Video, user) -> bool:
    """The owner or staff: who may edit, reprocess, delete, see a private video and its progress."""
    return bool(user and user.is_authenticated and (user.is_staff or user.pk == video.owner_id))


def video_can_watch(*, video: Video, user) -> bool:
    """Public and unlisted: anyone with the link. Private, or hidden or held by moderation: the
    owner and staff only."""
    if video.visibility == Visibility.PRIVATE or video.moderation_state != ModerationState.VISIBLE:
        return video_can_manage(video=video, user=user)
    return True


def video_watchable_q(*, user, prefix: str = "") -> Q:
    """A filter for the ready videos this user may watch (video_can_watch, in SQL), for lists
    of other things that point at videos (playlists, history): `prefix` is e.g. "video__"."""
    ready = Q(**{f"{prefix}status": VideoStatus.READY})
    if user and user.is_authenticated and user.is_staff:
        return ready
    open_ = ~Q(**{f"{prefix}visibility": Visibility.PRIVATE}) & Q(
        **{f"{prefix}moderation_state": ModerationState.VISIBLE}
    )
    if user and user.is_authenticated:
        open_ |= Q(**{f"{prefix}owner": user})
    return ready & open_


def video_get_for_viewer(*, video_id: str, user) -> Video:
    """The video if this user may watch it, else 404: a private video's existence is private."""
    video = counts.annotate(Video.objects.select_related("owner").filter(pk=video_id)).first()
    if video is None or not video_can_watch(video=video, user=user):
        raise Http404("No such video.")
    return video


def video_get_watchable(*, video_id: str, user) -> Video:
    """The video row alone, if this user may watch it, else 404: for the writes a player makes
    (a like, a reaction, a comment, a view, a position) that need neither its counts nor its
    owner, which video_get_for_viewer joins and annotates (about 2 ms of CPU and a plan with
    three subqueries per call)."""
    video = Video.objects.filter(pk=video_id).first()
    if video is None or not video_can_watch(video=video, user=user):
        raise Http404("No such video.")
    return video


def video_page_version(*, video_id: str) -> tuple | None:
    """What an anonymous viewer's watch page depends on in the video's own row, for the page
    cache; None when that page is not the same for every anonymous viewer (not ready, private,
    held or hidden by moderation, no such video): it is then rendered every time."""
    row = (
        Video.objects.filter(pk=video_id)
        .values_list("updated_at", "visibility", "moderation_state", "status", "media_key")
        .first()
    )
    if row is None:
        return None
    _updated, visibility, moderation, status, _key = row
    if (
        status != VideoStatus.READY
        or visibility == Visibility.PRIVATE
        or moderation != ModerationState.VISIBLE
    ):
        return None
    return row


def video_list_public() -> QuerySet[Video]:
    return counts.annotate(
        Video.objects.filter(
            visibility=Visibility.PUBLIC,
            status=VideoStatus.READY,
            moderation_state=ModerationState.VISIBLE,
        )
        .select_related("owner")
        .order_by("-published_at", "-created_at")
    )


def video_list_for_owner(*, user) -> QuerySet[Video]:
    # A live stream's video-to-be is the studio's live section's business until it has a source.
    return Video.objects.filter(owner=user).exclude(status=VideoStatus.LIVE).order_by("-created_at")


def video_renditions(*, video: Video) -> list:
    # .all() so a list that prefetched renditions costs no query per video.
    rungs = [r for r in video.renditions.all() if r.generation == video.generation]
    return sorted(rungs, key=lambda r: r.height)


def video_search(
    *, query: str = "", duration: str = "", uploaded: str = "", category: str = "", tag: str = ""
) -> QuerySet[Video]:
    """Public ready videos matching `query`, best first (newest first without a query)."""
    videos = search.apply_filters(
        video_list_public(), duration=duration, uploaded=uploaded, category=category, tag=tag
    )
    return search.rank(videos, query or "")


def uploads_last_day(*, owner) -> int:
    """Videos this account created in the last 24 hours (the DAILY_UPLOADS cap)."""
    since = timezone.now() - timedelta(days=1)
    recent = Video.objects.filter(owner=owner, created_at__gte=since)
    return recent.exclude(status=VideoStatus.LIVE).count()


def stored_bytes(*, owner) -> int:
    """Bytes of this account's stored uploads (the USER_QUOTA_GB quota)."""
    return Video.objects.filter(owner=owner).aggregate(total=Sum("source_size"))["total"] or 0


def video_chapters(*, video: Video) -> list[dict]:
    """[{start, title}] for the player: a valid chapter list in the description wins over the
    source's chapter markers (creators fix chapters by editing the description)."""
    written = chapters.from_description(video.description, video.duration)
    if written:
        return [chapter.as_dict() for chapter in written]
    stored = chapters.normalise(
        [
            chapters.Chapter(start=float(item["start"]), title=str(item.get("title", "")))
            for item in video.chapters or []
            if isinstance(item, dict) and isinstance(item.get("start"), int | float)
        ],
        video.duration,
    )
    return [chapter.as_dict() for chapter in stored]
