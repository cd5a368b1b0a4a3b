"""A user's notifications: listed newest first in the contract's shape, only their own, marked
read by the API or by seeing the page; the header's unread badge; replies to comments."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from apps.comments import services as comment_services
from apps.notifications import services
from apps.notifications.models import Notification
from tests.apps.notifications.factories import channel_with_fans
from tests.factories import UserFactory, VideoFactory

pytestmark = pytest.mark.django_db


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _announced(n_videos=2):
    channel, (fan, other) = channel_with_fans(2)
    videos = []
    for age in range(n_videos, 0, -1):
        video = VideoFactory(owner=channel)
        services.announce_video(video_id=video.id)
        Notification.objects.filter(video=video).update(
            created_at=timezone.now() - timedelta(minutes=age)
        )
        videos.append(video)
    return channel, fan, other, videos


def test_list_is_newest_first_in_the_contract_shape():
    _, fan, _, (older, newer) = _announced()
    body = _client(fan).get("/api/v1/me/notifications/").json()
    assert body["count"] == 2 and {"next", "previous"} <= set(body)
    first = body["results"][0]
    assert {k: first[k] for k in ("kind", "video", "read")} == {
        "kind": "video_published",
        "video": newer.id,
        "read": False,
    }
    assert isinstance(first["id"], int) and first["created_at"]
    assert [n["video"] for n in body["results"]] == [newer.id, older.id]


def test_a_stranger_never_sees_or_marks_someone_elses_notifications():
    _, fan, other, _ = _announced()
    stranger = UserFactory()
    assert _client(stranger).get("/api/v1/me/notifications/").json()["count"] == 0
    ids = list(Notification.objects.filter(user=fan).values_list("id", flat=True))
    answer = _client(stranger).post("/api/v1/me/notifications/read/", {"ids": ids}, format="json")
    assert answer.status_code == 200 and answer.json()["marked"] == 0
    assert Notification.objects.filter(user=fan, read_at__isnull=True).count() == 2
    assert APIClient().get("/api/v1/me/notifications/").status_code == 403
    assert APIClient().post("/api/v1/me/notifications/read/").status_code == 403


def test_marking_read_through_the_api():
    _, fan, other, _ = _announced()
    answer = _client(fan).post("/api/v1/me/notifications/read/")
    assert answer.json() == {"marked": 2, "unread": 0}
    assert all(n["read"] for n in _client(fan).get("/api/v1/me/notifications/").json()["results"])
    # Only the caller's: the other subscriber's stay unread.
    assert Notification.objects.filter(user=other, read_at__isnull=True).count() == 2


def test_header_badge_counts_unread_and_the_page_marks_them_read(client):
    channel, fan, _, (older, newer) = _announced()
    client.force_login(fan)
    home = client.get("/").content.decode()
    assert 'data-notify-badge aria-label="2 unread">2</span>' in home
    page = client.get("/notifications/").content.decode()
    assert (
        newer.title in page
        and older.title in page
        and page.index(newer.title) < page.index(older.title)
    )
    assert page.count('class="notify-new"') == 2  # shown as new this once
    assert not Notification.objects.filter(user=fan, read_at__isnull=True).exists()
    assert "data-notify-badge" in client.get("/").content.decode()
    assert 'aria-label="0 unread" hidden' in client.get("/").content.decode()
    assert client.get("/notifications/").content.decode().count('class="notify-new"') == 0


def test_anonymous_notification_page_redirects_and_shows_no_badge(client):
    response = client.get("/notifications/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert "data-notify-badge" not in client.get("/").content.decode()


def test_a_reply_notifies_the_parent_author_but_not_oneself(django_capture_on_commit_callbacks):
    author, replier = UserFactory(), UserFactory()
    video = VideoFactory(title="Knife skills")
    parent = comment_services.comment_post(video=video, by=author, body="First!")
    with django_capture_on_commit_callbacks(execute=True):
        reply = comment_services.comment_post(
            video=video, by=replier, body="Nice", parent_id=parent.pk
        )
        comment_services.comment_post(video=video, by=author, body="Thanks", parent_id=parent.pk)
    rows = list(Notification.objects.all())
    assert [(n.user_id, n.kind, n.video_id, n.comment_id, n.actor_id) for n in rows] == [
        (author.pk, "comment_reply", video.id, reply.pk, replier.pk)
    ]
    body = _client(author).get("/api/v1/me/notifications/").json()["results"]
    assert body[0]["kind"] == "comment_reply" and body[0]["video"] == video.id
    assert _client(replier).get("/api/v1/me/notifications/").json()["count"] == 0
    # Told twice (a hook retried): still one.
    services.notify_comment_reply(reply_id=reply.pk)
    assert Notification.objects.count() == 1


def test_email_setting_is_saved_from_the_page(client):
    user = UserFactory()
    client.force_login(user)
    client.post("/notifications/email/", {"email": "digest"})
    assert user.notification_settings.email == "digest"
    client.post("/notifications/email/", {"email": "hourly"})
    user.notification_settings.refresh_from_db()
    assert user.notification_settings.email == "digest"


def test_a_video_made_private_since_is_left_out_of_list_badge_and_digest(client):
    channel, fan, _, (older, newer) = _announced()
    newer.visibility = "private"
    newer.save()
    body = _client(fan).get("/api/v1/me/notifications/").json()
    assert [n["video"] for n in body["results"]] == [older.id]
    client.force_login(fan)
    assert 'aria-label="1 unread"' in client.get("/").content.decode()
    assert newer.title not in client.get("/notifications/").content.decode()
    # Public again: it shows again.
    newer.visibility = "public"
    newer.save()
    assert _client(fan).get("/api/v1/me/notifications/").json()["count"] == 2
