"""Playlists: an owner's ordered list of videos. Data and invariants only."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse

from apps.videos.models import Video, Visibility


def new_playlist_id() -> str:
    # Random like video ids: an unlisted playlist's link must not be guessable from another's.
    return secrets.token_urlsafe(8)


class PlaylistKind(models.TextChoices):
    REGULAR = "regular", "Playlist"
    WATCH_LATER = "watch_later", "Watch later"


class Playlist(models.Model):
    id = models.CharField(primary_key=True, max_length=16, default=new_playlist_id, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="playlists"
    )
    title = models.CharField(max_length=150)
    description = models.TextField(blank=True, max_length=5000)
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    kind = models.CharField(
        max_length=12, choices=PlaylistKind.choices, default=PlaylistKind.REGULAR
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            # "Watch later" is made on first use; two first uses at once still make one.
            models.UniqueConstraint(
                fields=["owner"],
                condition=models.Q(kind="watch_later"),
                name="playlist_one_watch_later_per_owner",
            )
        ]
        indexes = [models.Index(fields=["owner", "visibility", "-updated_at"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.id})"

    def get_absolute_url(self) -> str:
        return reverse("playlist", kwargs={"playlist_id": self.id})

    @property
    def is_watch_later(self) -> bool:
        return self.kind == PlaylistKind.WATCH_LATER


class PlaylistItem(models.Model):
    """One video at one place. Positions are dense, 0..n-1, rewritten only by the services
    under the playlist's row lock; a deleted video's row goes with it and the next write to
    the playlist closes the gap."""

    playlist = models.ForeignKey(Playlist, on_delete=models.CASCADE, related_name="items")
    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="playlist_items")
    # Signed: a renumbering parks rows on negative positions for one statement (services).
    position = models.IntegerField()
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["playlist", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["playlist", "position"], name="playlistitem_one_per_position"
            ),
            models.UniqueConstraint(fields=["playlist", "video"], name="playlistitem_video_once"),
        ]

    def __str__(self) -> str:
        return f"{self.playlist_id}[{self.position}] {self.video_id}"
