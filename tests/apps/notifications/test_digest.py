"""The email digest: one email per user who chose it, with the notifications still unread
since their last digest; nothing for those who chose no email, or have nothing new."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from apps.notifications import services
from apps.notifications.digest import send_digests
from apps.notifications.models import Notification
from streamsite import housekeeping
from tests.apps.notifications.factories import channel_with_fans
from tests.factories import VideoFactory

pytestmark = pytest.mark.django_db


def test_one_digest_per_user_listing_unread_since_the_last_one(settings):
    settings.SITE_URL = "https://videos.example"
    channel, (wants, declines, nomail) = channel_with_fans(3)
    nomail.email = ""
    nomail.save()
    for user in (wants, nomail):
        services.notification_settings_update(user=user, email="digest")
    services.notification_settings_update(user=declines, email="off")
    first = VideoFactory(owner=channel, title="Soup")
    second = VideoFactory(owner=channel, title="Bread")
    services.announce_video(video_id=first.id)
    services.announce_video(video_id=second.id)
    Notification.objects.filter(user=wants, video=first).update(read_at=timezone.now())

    assert send_digests() == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [wants.email]
    assert "Bread" in message.body and "Soup" not in message.body  # read ones are left out
    assert f"https://videos.example/watch/{second.id}/" in message.body
    # Nothing new: no second email.
    assert send_digests() == 0 and len(mail.outbox) == 1
    later = timezone.now() + timedelta(seconds=1)
    third = VideoFactory(owner=channel, title="Cake")
    services.announce_video(video_id=third.id)
    Notification.objects.filter(video=third).update(created_at=later)
    assert send_digests(now=later + timedelta(seconds=1)) == 1
    assert "Cake" in mail.outbox[1].body and "Bread" not in mail.outbox[1].body


def test_the_digest_is_a_housekeeping_chore(settings):
    names = {name: interval for name, interval, _ in housekeeping.chores()}
    assert names["notification_digest"] == settings.NOTIFICATION_DIGEST_INTERVAL_S > 0
