import pytest

from tests.factories import UserFactory, VideoFactory

pytestmark = pytest.mark.django_db


def test_unlisted_is_watchable_by_link_but_never_listed(client):
    unlisted = VideoFactory(visibility="unlisted", title="Hidden gem")
    assert client.get(f"/watch/{unlisted.id}/").status_code == 200
    assert b"Hidden gem" not in client.get("/").content
    assert b"Hidden gem" not in client.get("/search/", {"q": "gem"}).content
    assert b"Hidden gem" not in client.get(f"/c/{unlisted.owner.username}/").content


def test_private_is_for_owner_and_staff_only(client):
    private = VideoFactory(visibility="private")
    assert client.get(f"/watch/{private.id}/").status_code == 404
    client.force_login(UserFactory())
    assert client.get(f"/watch/{private.id}/").status_code == 404
    client.force_login(UserFactory(is_staff=True))
    assert client.get(f"/watch/{private.id}/").status_code == 200
    client.force_login(private.owner)
    assert client.get(f"/watch/{private.id}/").status_code == 200


def test_home_and_channel_list_public_ready_videos(client):
    video = VideoFactory(title="Sunrise timelapse")
    VideoFactory(title="Still cooking", status="processing", published_at=None)
    home = client.get("/").content
    assert b"Sunrise timelapse" in home and b"Still cooking" not in home
    channel = client.get(f"/c/{video.owner.username}/")
    assert channel.status_code == 200 and b"Sunrise timelapse" in channel.content
    assert client.get("/c/nobody-here/").status_code == 404


def test_watch_page_escapes_what_users_typed(client):
    video = VideoFactory(title="<script>alert(1)</script>", description="<b>bold</b>")
    body = client.get(f"/watch/{video.id}/").content
    assert b"<script>alert(1)</script>" not in body and b"&lt;script&gt;" in body
