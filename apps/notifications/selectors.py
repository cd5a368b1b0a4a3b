"""Reads of notifications."""

from __future__ import annotations

from django.db.models import QuerySet

from apps.notifications.models import EmailChoice, Notification, NotificationSettings


def notification_list(*, user) -> QuerySet[Notification]:
    """The user's notifications, newest first (only their own: a stranger's are never here)."""
    return (
        Notification.objects.filter(user=user)
        .select_related("video", "live_stream", "actor")
        .order_by("-created_at", "-id")
    )


def unread_count(*, user) -> int:
    if user is None or not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notification_settings(*, user) -> NotificationSettings:
    return NotificationSettings.objects.filter(user=user).first() or NotificationSettings(
        user=user, email=EmailChoice.OFF
    )
