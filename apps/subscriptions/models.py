"""Channels people follow: one Subscription row per (user, channel), and each channel's page
(avatar, banner, description) with its subscriber count, kept exact by F() updates in the
transaction of the subscription row they count (apps.reactions counts likes the same way)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class NotifyLevel(models.TextChoices):
    ALL = "all", "All: new videos and live streams"
    NONE = "none", "None"


class Subscription(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscriptions"
    )
    channel = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscribers"
    )
    notify = models.CharField(max_length=8, choices=NotifyLevel.choices, default=NotifyLevel.ALL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "channel"], name="subscribe_once"),
            models.CheckConstraint(condition=~Q(user=F("channel")), name="no_self_subscription"),
        ]
        # The fan-out walks a channel's subscribers in id order, in batches.
        indexes = [models.Index(fields=["channel", "id"], name="subscription_fanout")]

    def __str__(self) -> str:
        return f"{self.user_id} -> {self.channel_id}"


class ChannelProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="channel_profile",
    )
    description = models.TextField(blank=True, max_length=5000)
    # Storage names of the re-encoded images (media_pipeline.images); a new name per upload.
    avatar = models.CharField(max_length=500, blank=True)
    banner = models.CharField(max_length=500, blank=True)
    subscribers = models.PositiveBigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"channel of {self.user_id}"
