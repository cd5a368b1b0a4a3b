"""Notifications: one row per (user, kind, subject), so a retried fan-out makes no duplicate;
Announcement marks a video or live stream as announced, so it is announced once (not again on
reprocessing, or when it turns private and public again); each user's email choice."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class NotificationKind(models.TextChoices):
    VIDEO_PUBLISHED = "video_published", "New video"
    LIVE_STARTED = "live_started", "Went live"
    COMMENT_REPLY = "comment_reply", "Reply to your comment"


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    # What it is about, as text: the video's, live stream's or reply's id (the unique key).
    subject = models.CharField(max_length=40)
    video = models.ForeignKey(
        "videos.Video", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    live_stream = models.ForeignKey(
        "live.LiveStream", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    comment = models.ForeignKey(
        "comments.Comment", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # The channel that published or went live, or the person who replied.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    created_at = models.DateTimeField(db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "subject"], name="notify_once")
        ]
        indexes = [
            models.Index(fields=["user", "-created_at", "-id"], name="notification_list"),
            models.Index(
                fields=["user"], condition=Q(read_at__isnull=True), name="notification_unread"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject} for {self.user_id}"

    @property
    def read(self) -> bool:
        return self.read_at is not None


class Announcement(models.Model):
    """A video or live stream whose fan-out has started (`done_at`: finished)."""

    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    subject = models.CharField(max_length=40)
    channel = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "subject"], name="announce_once")]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject}"


class EmailChoice(models.TextChoices):
    OFF = "off", "No emails"
    DIGEST = "digest", "A digest of unread notifications"


class NotificationSettings(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="notification_settings",
    )
    email = models.CharField(max_length=8, choices=EmailChoice.choices, default=EmailChoice.OFF)
    last_digest_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "notification settings"

    def __str__(self) -> str:
        return f"{self.user_id}: {self.email}"
