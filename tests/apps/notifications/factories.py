"""Channels with subscribers for the notification tests."""

from __future__ import annotations

from apps.subscriptions.models import ChannelProfile, Subscription
from tests.factories import CreatorFactory, UserFactory


def channel_with_fans(n: int, **notify):
    """A creator and n users subscribed to it (rows made directly: the API is tested apart)."""
    channel = CreatorFactory()
    fans = UserFactory.create_batch(n)
    Subscription.objects.bulk_create(
        [Subscription(user=f, channel=channel, **notify) for f in fans]
    )
    ChannelProfile.objects.update_or_create(user=channel, defaults={"subscribers": n})
    return channel, fans
