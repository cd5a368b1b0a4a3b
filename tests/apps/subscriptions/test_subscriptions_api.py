"""Subscribing over the API and the feed: one row per (user, channel), an exact count, no
subscribing to oneself, signed-in only; the feed lists the followed channels' public videos."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from apps.subscriptions.models import Subscription
from tests.factories import CreatorFactory, UserFactory, VideoFactory

pytestmark = pytest.mark.django_db


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _url(channel) -> str:
    return f"/api/v1/channels/{channel.username}/subscription/"


def test_subscribe_twice_is_one_subscription_and_unsubscribe_counts_down():
    channel, fan, other = CreatorFactory(), UserFactory(), UserFactory()
    first = _client(fan).put(_url(channel), {}, format="json")
    assert first.status_code == 200
    assert first.json()["subscribed"] is True and first.json()["subscribers"] == 1
    again = _client(fan).put(_url(channel), format="json")
    assert again.json()["subscribers"] == 1
    assert _client(other).put(_url(channel)).json()["subscribers"] == 2
    assert Subscription.objects.filter(channel=channel).count() == 2
    gone = _client(fan).delete(_url(channel))
    assert gone.status_code == 200
    assert gone.json() == {"subscribed": False, "subscribers": 1, "notify": None}
    # Unsubscribing when not subscribed changes nothing.
    assert _client(fan).delete(_url(channel)).json()["subscribers"] == 1
    state = _client(other).get(_url(channel)).json()
    assert state["subscribed"] is True and state["subscribers"] == 1


def test_notify_level_is_set_with_the_put():
    channel, fan = CreatorFactory(), UserFactory()
    body = _client(fan).put(_url(channel), {"notify": "none"}, format="json").json()
    assert body["notify"] == "none"
    assert Subscription.objects.get(user=fan, channel=channel).notify == "none"
    assert _client(fan).put(_url(channel), {"notify": "all"}, format="json").json()["notify"] == (
        "all"
    )
    bad = _client(fan).put(_url(channel), {"notify": "sometimes"}, format="json")
    assert bad.status_code == 400 and "error" in bad.json()


def test_a_creator_cannot_subscribe_to_their_own_channel():
    channel = CreatorFactory()
    response = _client(channel).put(_url(channel))
    assert response.status_code == 400
    assert "own channel" in response.json()["error"]
    assert not Subscription.objects.exists()


def test_anonymous_cannot_subscribe_and_unknown_channels_are_404():
    channel = CreatorFactory()
    assert APIClient().put(_url(channel)).status_code == 403
    assert APIClient().delete(_url(channel)).status_code == 403
    assert APIClient().get("/api/v1/me/feed/").status_code == 403
    assert _client(UserFactory()).put("/api/v1/channels/nobody-here/subscription/").status_code == (
        404
    )


def test_feed_lists_ready_public_videos_of_followed_channels_newest_first():
    followed, ignored, fan = CreatorFactory(), CreatorFactory(), UserFactory()
    now = timezone.now()
    old = VideoFactory(owner=followed, published_at=now - timedelta(days=2))
    new = VideoFactory(owner=followed, published_at=now - timedelta(hours=1))
    VideoFactory(owner=followed, visibility="private")
    VideoFactory(owner=followed, visibility="unlisted")
    VideoFactory(owner=followed, status="processing", published_at=None)
    VideoFactory(owner=followed, moderation_state="hidden")
    VideoFactory(owner=ignored)
    _client(fan).put(_url(followed))
    body = _client(fan).get("/api/v1/me/feed/").json()
    assert body["count"] == 2
    assert [v["id"] for v in body["results"]] == [new.id, old.id]
    assert {"next", "previous"} <= set(body)
    # Someone who follows nobody sees nothing.
    assert _client(UserFactory()).get("/api/v1/me/feed/").json()["count"] == 0


def test_feed_is_paginated():
    channel, fan = CreatorFactory(), UserFactory()
    VideoFactory.create_batch(26, owner=channel)
    _client(fan).put(_url(channel))
    first = _client(fan).get("/api/v1/me/feed/").json()
    assert first["count"] == 26 and len(first["results"]) == 24 and first["next"]
    second = _client(fan).get("/api/v1/me/feed/?page=2").json()
    assert len(second["results"]) == 2
