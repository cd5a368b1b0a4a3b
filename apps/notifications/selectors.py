"""Reads of notifications."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from apps.notifications.models import EmailChoice, Notification, NotificationSettings
from apps.videos.models import ModerationState, Visibility


def _visible(notifications: QuerySet[Notification], user) -> QuerySet[Notification]:
    """Leave out notifications about a video the user may no longer watch (made private or
    hidden since): its title is not theirs to see. The row stays, and shows again if the video
    does."""
    return notifications.filter(
        Q(video__isnull=True)
        | Q(video__owner=user)
        | (
            ~Q(video__visibility=Visibility.PRIVATE)
            & Q(video__moderation_state=ModerationState.VISIBLE)
        )
    )


def notification_list(*, user) -> QuerySet[Notification]:
    """The user's notifications, newest first (only their own: a stranger's are never here)."""
    return (
        _visible(Notification.objects.filter(user=user), user)
        .select_related("video", "live_stream", "actor")
        .order_by("-created_at", "-id")
    )


def unread_count(*, user) -> int:
    if user is None or not user.is_authenticated:
        return 0
    return _visible(Notification.objects.filter(user=user, read_at__isnull=True), user).count()


def unread_for_digest(*, user, since, until) -> QuerySet[Notification]:
    """Unread notifications the user may see that arrived in (since, until]."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True, created_at__lte=until)
    if since is not None:
        unread = unread.filter(created_at__gt=since)
    return _visible(unread, user).select_related("video", "live_stream", "actor")


def notification_settings(*, user) -> NotificationSettings:
    return NotificationSettings.objects.filter(user=user).first() or NotificationSettings(
        user=user, email=EmailChoice.OFF
    )
