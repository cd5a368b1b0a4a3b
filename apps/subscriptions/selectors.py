"""Reads of subscriptions and channel pages."""

from __future__ import annotations

import importlib
from collections.abc import Callable

from django.db.models import QuerySet
from django.urls import reverse

from apps.live.models import LiveStatus, LiveStream
from apps.subscriptions.models import ChannelProfile, Subscription
from apps.users.models import User
from apps.videos.models import Video
from apps.videos.selectors import video_list_public


def channel_profile(*, channel: User) -> ChannelProfile:
    """The channel's page; an unsaved empty one for a channel that never set anything."""
    return ChannelProfile.objects.filter(user_id=channel.pk).first() or ChannelProfile(
        user_id=channel.pk
    )


def subscriber_count(*, channel: User) -> int:
    return channel_profile(channel=channel).subscribers


def subscription_of(*, user, channel: User) -> Subscription | None:
    if user is None or not user.is_authenticated:
        return None
    return Subscription.objects.filter(user=user, channel=channel).first()


def subscriptions_of(*, user) -> QuerySet[Subscription]:
    return Subscription.objects.filter(user=user).select_related("channel").order_by("-created_at")


def feed_videos(*, user) -> QuerySet[Video]:
    """Ready public videos of the channels `user` follows, newest first."""
    channels = Subscription.objects.filter(user=user).values("channel_id")
    return video_list_public().filter(owner_id__in=channels)


def channel_videos(*, channel: User) -> QuerySet[Video]:
    return video_list_public().filter(owner=channel)


def channel_image_url(name: str) -> str:
    return reverse("channel-image", kwargs={"name": name}) if name else ""


def _optional(module: str, name: str) -> Callable | None:
    """A selector of an app that may not be installed (playlists, live)."""
    try:
        return getattr(importlib.import_module(module), name, None)
    except ImportError:
        return None


def channel_playlists(*, channel: User, viewer) -> list:
    """The channel's playlists this viewer may see, if the playlists app offers them."""
    source = _optional("apps.playlists.selectors", "playlists_of_channel")
    return list(source(channel=channel, viewer=viewer)[:50]) if source else []


def channel_live_streams(*, channel: User) -> list:
    """The channel's live streams on air or scheduled, newest first."""
    return list(
        LiveStream.objects.filter(
            owner=channel, status__in=[LiveStatus.LIVE, LiveStatus.SCHEDULED]
        ).order_by("status", "-created_at")  # "live" sorts before "scheduled"[:24]
    )
