"""Votes (like/dislike) and emoji reactions on videos, with their running tallies.

Tallies are rows updated with F() in the same transaction as the write they count, so a count
read after a commit includes it and concurrent writers never lose each other's updates.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from apps.videos.models import Video


class Vote(models.Model):
    """One per (user, video): `liked` true is a like, false a dislike; no row is no vote."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="votes")
    liked = models.BooleanField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "video"], name="vote_once")]

    def __str__(self) -> str:
        return f"{self.user_id} {'likes' if self.liked else 'dislikes'} {self.video_id}"


class VoteTally(models.Model):
    video = models.OneToOneField(
        Video, on_delete=models.CASCADE, primary_key=True, related_name="vote_tally"
    )
    likes = models.PositiveIntegerField(default=0)
    dislikes = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.video_id}: {self.likes}/{self.dislikes}"


class Emoji(models.TextChoices):
    THUMBS_UP = "👍", "Thumbs up"
    HEART = "❤️", "Heart"
    LAUGH = "😂", "Laughing"
    WOW = "😮", "Surprised"
    SAD = "😢", "Sad"
    FIRE = "🔥", "Fire"
    CLAP = "👏", "Applause"


class Reaction(models.Model):
    """One emoji sent while watching, at `video_time` seconds into the video (for the heat strip
    a replay sees)."""

    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    emoji = models.CharField(max_length=8, choices=Emoji.choices)
    video_time = models.FloatField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["video", "video_time"])]

    def __str__(self) -> str:
        return f"{self.emoji} on {self.video_id} at {self.video_time:.1f}s"


class ReactionTally(models.Model):
    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="reaction_tallies")
    emoji = models.CharField(max_length=8, choices=Emoji.choices)
    count = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["video", "emoji"], name="reaction_tally_once")
        ]

    def __str__(self) -> str:
        return f"{self.video_id} {self.emoji} {self.count}"
