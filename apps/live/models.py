"""Live streams: a creator's broadcast, its stream key, its state and its recording."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models


def new_stream_id() -> str:
    # Random like video ids: a stream's page must not be guessable from another's.
    return secrets.token_urlsafe(8)


def new_stream_key() -> str:
    return secrets.token_urlsafe(24)


class LiveStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    LIVE = "live", "Live"
    ENDED = "ended", "Ended"


class LiveStream(models.Model):
    id = models.CharField(primary_key=True, max_length=16, default=new_stream_id, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="live_streams"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=10_000)
    scheduled_for = models.DateTimeField(null=True, blank=True)
    # Shown to the owner only; regenerating it refuses the old key from the next publish on.
    stream_key = models.CharField(max_length=64, unique=True, default=new_stream_key)
    status = models.CharField(
        max_length=10, choices=LiveStatus.choices, default=LiveStatus.SCHEDULED, db_index=True
    )
    end_reason = models.CharField(max_length=300, blank=True)

    # The publisher: which connection owns the key now. A second publisher is refused while
    # `publisher_connected` is set and the ingest's heartbeat is fresh.
    publisher_connected = models.BooleanField(default=False)
    publisher_session = models.PositiveIntegerField(default=0)
    publisher_heartbeat_at = models.DateTimeField(null=True, blank=True)
    disconnected_at = models.DateTimeField(null=True, blank=True)

    # Facts measured by the ingest (never what the publisher says about itself).
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    rungs = models.JSONField(default=list, blank=True)
    health = models.JSONField(default=dict, blank=True)

    # The video the broadcast becomes (status "live" until its recording is attached): the live
    # page's comments, reactions and viewer count key on it. Null for streams made before it.
    video = models.OneToOneField(
        "videos.Video",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="live_stream",
    )
    recording_parts = models.JSONField(default=list, blank=True, help_text="Storage names.")
    recording_video = models.ForeignKey(
        "videos.Video", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("live-watch", kwargs={"stream_id": self.id})

    @property
    def storage_prefix(self) -> str:
        return f"live/{self.id}/"

    @property
    def master_name(self) -> str:
        return f"{self.storage_prefix}hls/master.m3u8"
