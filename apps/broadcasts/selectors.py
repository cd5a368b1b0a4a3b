"""Reads: which broadcasts a page shows, the moderation lists, disclaimers."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from apps.broadcasts.models import (
    Broadcast,
    BroadcastDismissal,
    BroadcastLogEntry,
    Severity,
    VideoDisclaimer,
)
from streamsite import page_cache

SESSION_DISMISSED = "dismissed_broadcasts"


def broadcast_can_issue(user) -> bool:
    """Moderators (the permission their group carries) and staff."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and (user.is_staff or user.has_perm("broadcasts.add_broadcast"))
    )


def broadcast_active(
    *,
    video_id: str | None = None,
    live_stream_id: str | None = None,
    now: datetime | None = None,
    starting_by: datetime | None = None,
) -> QuerySet[Broadcast]:
    """In force now, for a page of this scope: site-wide ones plus its video's or stream's
    (and with `starting_by`, those scheduled to start by then)."""
    now = now or timezone.now()
    scope = Q(video__isnull=True, live_stream_id="")
    if video_id:
        scope |= Q(video_id=video_id)
    if live_stream_id:
        scope |= Q(live_stream_id=live_stream_id)
    return (
        Broadcast.objects.filter(scope, ended_at__isnull=True, starts_at__lte=starting_by or now)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .order_by("-starts_at", "-id")
    )


def broadcast_dismissed_ids(*, user, session) -> set[int]:
    ids = {int(i) for i in session.get(SESSION_DISMISSED, []) if str(i).isdigit()}
    if user is not None and user.is_authenticated:
        ids |= set(
            BroadcastDismissal.objects.filter(user=user).values_list("broadcast_id", flat=True)
        )
    return ids


def _active_shared(*, video_id: str | None, live_stream_id: str | None) -> list[Broadcast]:
    """The page's broadcasts in force, read once per page-cache window for every viewer of the
    scope (issuing or ending one starts a new window). The read takes those starting within
    the window too, so a scheduled one shows on time; start and expiry are applied here."""
    ahead = timezone.now() + timedelta(seconds=page_cache.window_s())
    soon = page_cache.shared(
        f"broadcasts:{video_id}:{live_stream_id}",
        lambda: list(
            broadcast_active(video_id=video_id, live_stream_id=live_stream_id, starting_by=ahead)[
                :50
            ]
        ),
    )
    now = timezone.now()
    return [b for b in soon if b.starts_at <= now and (b.expires_at is None or b.expires_at > now)]


def broadcast_for_page(
    *, user, session, video_id: str | None = None, live_stream_id: str | None = None
) -> list[Broadcast]:
    """Active broadcasts of the page's scope less the ones this viewer dismissed (critical ones
    cannot be dismissed, so they always stay)."""
    active = _active_shared(video_id=video_id, live_stream_id=live_stream_id)
    if not any(b.dismissible for b in active):
        return active
    dismissed = broadcast_dismissed_ids(user=user, session=session)
    return [b for b in active if b.severity == Severity.CRITICAL or b.id not in dismissed]


def broadcast_list_recent(*, limit: int = 50) -> QuerySet[Broadcast]:
    return Broadcast.objects.select_related("video", "created_by", "ended_by")[:limit]


def broadcast_log_recent(*, limit: int = 100) -> QuerySet[BroadcastLogEntry]:
    return BroadcastLogEntry.objects.select_related("broadcast")[:limit]


def disclaimer_for_video(*, video_id: str) -> VideoDisclaimer | None:
    return VideoDisclaimer.objects.filter(video_id=video_id).first()


def broadcast_video_scope(*, video_id: str | None, user, video=None) -> str | None:
    """The video whose banners a page may show: none for a video this user may not watch.
    `video`: the page's own row of it, when the view has read it already."""
    from apps.videos.models import Video
    from apps.videos.selectors import video_can_watch

    if not video_id:
        return None
    if not isinstance(video, Video) or str(video.pk) != str(video_id):
        video = (
            Video.objects.filter(pk=video_id)
            .only("visibility", "moderation_state", "owner_id")
            .first()
        )
    return video.pk if video is not None and video_can_watch(video=video, user=user) else None
