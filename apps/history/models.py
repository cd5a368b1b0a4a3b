"""Watch history: where each signed-in viewer stopped in each video. Data only."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from apps.videos.models import Video


class WatchEntry(models.Model):
    """One row per (user, video), upserted by every position the player reports."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="watch_entries"
    )
    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="watch_entries")
    position_s = models.FloatField(default=0)
    done = models.BooleanField(default=False, help_text="Watched to (nearly) the end.")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "video"], name="watchentry_once_per_video")
        ]
        indexes = [models.Index(fields=["user", "-updated_at"])]
        verbose_name_plural = "watch entries"

    def __str__(self) -> str:
        return f"{self.user_id} {self.video_id} @{self.position_s:.0f}s"


class HistorySettings(models.Model):
    """A user's history switch: while paused, nothing is recorded."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="history_settings",
    )
    paused = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "history settings"

    def __str__(self) -> str:
        return f"{self.user_id} {'paused' if self.paused else 'recording'}"
