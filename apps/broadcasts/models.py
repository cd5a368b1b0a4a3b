"""Broadcasts (emergency banners and news flashes), their audit log, dismissals, and staff
disclaimers on videos. Data and invariants only: apps.broadcasts.services does the work."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone


class Severity(models.TextChoices):
    INFO = "info", "Info"
    WARNING = "warning", "Warning"
    CRITICAL = "critical", "Critical"


class Display(models.TextChoices):
    BANNER = "banner", "Banner"
    TICKER = "ticker", "News flash (ticker line)"


class Broadcast(models.Model):
    """A message shown on every open page of its scope between `starts_at` and `expires_at`
    (or until ended). Scope: the whole site, one video, or one live stream."""

    message = models.CharField(max_length=500)
    link = models.URLField(max_length=500, blank=True, help_text="Optional “more” link.")
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.INFO)
    display = models.CharField(max_length=10, choices=Display.choices, default=Display.BANNER)
    video = models.ForeignKey(
        "videos.Video",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="broadcasts",
        help_text="Only on this video's page. Empty: the whole site.",
    )
    # Room for apps.live (built alongside): the id of the live stream this broadcast is about.
    # A plain field so this app does not wait on theirs; it can become a foreign key later.
    live_stream_id = models.CharField(max_length=40, blank=True, default="", db_index=True)
    starts_at = models.DateTimeField(default=timezone.now, db_index=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["ended_at", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__isnull=True) | Q(expires_at__gt=F("starts_at")),
                name="broadcast_expires_after_start",
            ),
            models.CheckConstraint(
                condition=Q(video__isnull=True) | Q(live_stream_id=""),
                name="broadcast_one_scope",
            ),
        ]

    def __str__(self) -> str:
        return f"[{self.severity}] {self.message[:60]}"

    @property
    def dismissible(self) -> bool:
        return self.severity != Severity.CRITICAL

    def is_active(self, now=None) -> bool:
        now = now or timezone.now()
        return (
            self.ended_at is None
            and self.starts_at <= now
            and (self.expires_at is None or self.expires_at > now)
        )


class BroadcastAction(models.TextChoices):
    ISSUED = "issued", "Issued"
    EDITED = "edited", "Edited"
    ENDED = "ended", "Ended"


class BroadcastLogEntry(models.Model):
    """Who issued, edited or ended a broadcast, when, and what it said or what changed."""

    broadcast = models.ForeignKey(Broadcast, on_delete=models.CASCADE, related_name="log")
    action = models.CharField(max_length=10, choices=BroadcastAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Kept as text too: the log must still say who after an account is deleted.
    actor_name = models.CharField(max_length=150)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    changes = models.JSONField(default=dict, help_text="field -> [before, after]")

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "broadcast log entries"

    def __str__(self) -> str:
        return f"{self.actor_name} {self.action} #{self.broadcast_id} at {self.at:%Y-%m-%d %H:%M}"


class BroadcastDismissal(models.Model):
    """A signed-in user's dismissal (anonymous visitors' live in their session)."""

    broadcast = models.ForeignKey(Broadcast, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "broadcast"], name="dismissal_once_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} dismissed #{self.broadcast_id}"


class VideoDisclaimer(models.Model):
    """A staff note shown beside a video's player (for example context on a news clip)."""

    video = models.OneToOneField(
        "videos.Video", on_delete=models.CASCADE, related_name="disclaimer"
    )
    text = models.CharField(max_length=500)
    link = models.URLField(max_length=500, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.video_id}: {self.text[:60]}"
