"""Captions of a video: one WebVTT file per language, data and invariants only."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class CaptionSource(models.TextChoices):
    MANUAL = "manual", "Uploaded"
    AUTOMATIC = "automatic", "Automatic (speech recognition)"


class Caption(models.Model):
    """One language of a video's captions. Uploading the same language again replaces it (same
    row, new files): a video has at most one caption per language."""

    video = models.ForeignKey("videos.Video", on_delete=models.CASCADE, related_name="captions")
    language = models.CharField(max_length=35, help_text="BCP 47 language tag, e.g. en or pt-BR.")
    label = models.CharField(max_length=80, help_text="Shown in the player's caption menu.")
    source = models.CharField(
        max_length=10, choices=CaptionSource.choices, default=CaptionSource.MANUAL
    )
    # Storage names (apps.videos.pipeline.layout.caption_names): a new token on every upload.
    vtt = models.CharField(max_length=500)
    playlist = models.CharField(max_length=500)
    cue_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["language"]
        constraints = [
            models.UniqueConstraint(fields=["video", "language"], name="caption_once_per_language")
        ]

    def __str__(self) -> str:
        return f"{self.video_id} {self.language} ({self.label})"

    @property
    def automatic(self) -> bool:
        return self.source == CaptionSource.AUTOMATIC


class CaptionSettings(models.Model):
    """One row, edited in the admin: staff turn automatic captions on without a deploy."""

    automatic_for_new_uploads = models.BooleanField(
        default=False,
        help_text="Transcribe the speech of every new upload into captions marked automatic. "
        "Needs a speech-recognition model on the workers (the faster-whisper package).",
    )

    class Meta:
        verbose_name = verbose_name_plural = "caption settings"

    def __str__(self) -> str:
        return "Caption settings"
