"""Views count when playback starts (the player's beacon), once per viewer and video in a
window; a page GET counts nothing and an anonymous one writes no session row."""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from tests.factories import UserFactory, VideoFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


def _beacon(client, video, **extra):
    return client.post(f"/api/v1/videos/{video.id}/views/", **extra)


def _views(video) -> int:
    video.refresh_from_db()
    return video.views


def test_page_views_count_nothing_and_write_no_session(client):
    video = VideoFactory()
    for _ in range(3):
        assert Client().get(f"/watch/{video.id}/").status_code == 200
    for page in ("/", "/search/?q=video", f"/c/{video.owner.username}/"):
        assert Client().get(page).status_code == 200
    assert _views(video) == 0
    assert Session.objects.count() == 0


def test_beacon_counts_once_per_viewer_and_video(client):
    video, other_video = VideoFactory(), VideoFactory()
    for _ in range(3):
        assert _beacon(client, video).status_code == 200
    assert _views(video) == 1
    assert _beacon(client, video, REMOTE_ADDR="198.51.100.20").json() == {"counted": True}
    assert _views(video) == 2
    assert _beacon(client, other_video).json() == {"counted": True}
    signed_in = Client()
    signed_in.force_login(UserFactory())
    for addr in ("192.0.2.1", "192.0.2.2"):
        _beacon(signed_in, video, REMOTE_ADDR=addr)
    assert _views(video) == 3
    assert Session.objects.count() == 1  # the signed-in viewer's own


def test_rotating_forwarded_for_does_not_inflate_views(client):
    video = VideoFactory()
    for n in range(10):
        _beacon(client, video, HTTP_X_FORWARDED_FOR=f"203.0.113.{n + 1}")
    assert _views(video) == 1


def test_beacon_respects_visibility_and_readiness(client):
    private = VideoFactory(visibility="private")
    assert _beacon(client, private).status_code == 404
    processing = VideoFactory(status="processing", progress=10)
    assert _beacon(client, processing).json() == {"counted": False}
    assert _views(private) == 0 and _views(processing) == 0


def test_signed_in_beacon_needs_the_csrf_token():
    video = VideoFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory())
    assert _beacon(client, video).status_code == 403
    page = client.get(f"/watch/{video.id}/").content.decode()
    token = page.split('data-csrf="', 1)[1].split('"', 1)[0]
    assert _beacon(client, video, HTTP_X_CSRFTOKEN=token).status_code == 200
    assert _views(video) == 1
