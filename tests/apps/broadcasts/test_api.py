"""The broadcast API: who may issue, edit and end; what the active list shows; dismissals;
the log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from apps.broadcasts.models import Broadcast, BroadcastLogEntry
from tests.factories import CreatorFactory, ModeratorFactory, UserFactory, VideoFactory

pytestmark = pytest.mark.django_db

ACTIVE = "/api/v1/broadcasts/active/"


def _issue(client, **body):
    return client.post("/api/v1/broadcasts/", {"message": "Hello", **body}, format="json")


def _as(client, user):
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.mark.parametrize(
    "make_user, allowed",
    [
        (lambda: None, False),
        (UserFactory, False),
        (CreatorFactory, False),
        (ModeratorFactory, True),
        (lambda: UserFactory(is_staff=True), True),
        (lambda: UserFactory(is_superuser=True), True),
    ],
    ids=["anonymous", "viewer", "creator", "moderator", "staff", "superuser"],
)
def test_only_moderators_and_staff_issue_edit_and_end(api_client, make_user, allowed):
    client = _as(api_client, make_user())
    response = _issue(client, severity="warning")
    assert response.status_code == (201 if allowed else 403), response.content
    if not allowed:
        assert response.json()["error"]
        assert not Broadcast.objects.exists()
        theirs = Broadcast.objects.create(message="Someone else's", created_by=ModeratorFactory())
        assert client.patch(f"/api/v1/broadcasts/{theirs.id}/", {"message": "x"}).status_code == 403
        assert client.delete(f"/api/v1/broadcasts/{theirs.id}/").status_code == 403
        theirs.refresh_from_db()
        assert theirs.ended_at is None and theirs.message == "Someone else's"
        return
    body = response.json()
    assert body["severity"] == "warning" and body["message"] == "Hello" and body["video"] is None
    edited = client.patch(f"/api/v1/broadcasts/{body['id']}/", {"message": "Hi"}, format="json")
    assert edited.status_code == 200 and edited.json()["message"] == "Hi"
    assert client.delete(f"/api/v1/broadcasts/{body['id']}/").status_code == 204
    assert Broadcast.objects.get(pk=body["id"]).ended_at is not None


def test_moderation_is_a_permission_not_a_group_name(api_client):
    """A user given the permission directly (not in Moderators) may issue too."""
    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="add_broadcast"))
    assert _issue(_as(api_client, user)).status_code == 201


@pytest.mark.parametrize(
    "body, field",
    [
        ({"message": "   "}, "message"),
        ({"severity": "apocalyptic"}, "severity"),
        ({"display": "popup"}, "display"),
        ({"link": "javascript:alert(1)"}, "link"),
        ({"video": "no-such-video"}, "video"),
        ({"expires_at": "2001-01-01T00:00:00Z"}, "expires_at"),
    ],
)
def test_bad_input_is_refused_with_a_reason(api_client, body, field):
    response = _issue(_as(api_client, ModeratorFactory()), **body)
    assert response.status_code == 400, response.content
    assert response.json()["error"] and field in response.json()
    assert not Broadcast.objects.exists()


def test_active_lists_what_is_in_force_for_the_page(api_client):
    mod = ModeratorFactory()
    video, other = VideoFactory(), VideoFactory()
    now = timezone.now()
    site = Broadcast.objects.create(message="site", created_by=mod)
    mine = Broadcast.objects.create(message="this video", video=video, created_by=mod)
    Broadcast.objects.create(message="other video", video=other, created_by=mod)
    Broadcast.objects.create(message="ended", ended_at=now, created_by=mod)
    Broadcast.objects.create(
        message="expired", starts_at=now - timedelta(hours=2), expires_at=now - timedelta(hours=1)
    )
    Broadcast.objects.create(message="later", starts_at=now + timedelta(hours=1))
    live = Broadcast.objects.create(message="live", live_stream_id="abc123", created_by=mod)

    home = api_client.get(ACTIVE).json()
    assert [r["id"] for r in home["results"]] == [site.id]
    assert home["count"] == 1 and home["now"]
    on_video = api_client.get(ACTIVE, {"video": video.id}).json()
    assert {r["id"] for r in on_video["results"]} == {site.id, mine.id}
    item = next(r for r in on_video["results"] if r["id"] == mine.id)
    assert item["video"] == video.id and item["severity"] == "info" and "expires_at" in item
    on_live = api_client.get(ACTIVE, {"live": "abc123"}).json()
    assert {r["id"] for r in on_live["results"]} == {site.id, live.id}


def test_private_videos_banners_stay_private(api_client):
    video = VideoFactory(visibility="private")
    Broadcast.objects.create(message="secret", video=video)
    assert api_client.get(ACTIVE, {"video": video.id}).json()["results"] == []
    api_client.force_authenticate(video.owner)
    assert len(api_client.get(ACTIVE, {"video": video.id}).json()["results"]) == 1


def test_dismissal_is_remembered_per_user_and_per_session(api_client, client):
    info = Broadcast.objects.create(message="info")
    critical = Broadcast.objects.create(message="critical", severity="critical")
    # Signed in: remembered on the account.
    user = UserFactory()
    api_client.force_authenticate(user)
    assert api_client.post(f"/api/v1/broadcasts/{info.id}/dismiss/").status_code == 204
    assert api_client.post(f"/api/v1/broadcasts/{info.id}/dismiss/").status_code == 204
    assert [r["id"] for r in api_client.get(ACTIVE).json()["results"]] == [critical.id]
    # Critical cannot be dismissed.
    refused = api_client.post(f"/api/v1/broadcasts/{critical.id}/dismiss/")
    assert refused.status_code == 400 and "cannot" in refused.json()["error"]
    assert api_client.post("/api/v1/broadcasts/999999/dismiss/").status_code == 404
    # Signed out: remembered in the session, not for other visitors.
    assert client.post(f"/api/v1/broadcasts/{info.id}/dismiss/").status_code == 204
    assert [r["id"] for r in client.get(ACTIVE).json()["results"]] == [critical.id]
    assert len(api_client.__class__().get(ACTIVE).json()["results"]) == 2


def test_every_issue_edit_and_end_is_logged(api_client):
    mod = ModeratorFactory(username="mod-ann")
    client = _as(api_client, mod)
    created = _issue(client, message="Storm warning", severity="warning").json()
    client.patch(f"/api/v1/broadcasts/{created['id']}/", {"severity": "critical"}, format="json")
    client.delete(f"/api/v1/broadcasts/{created['id']}/")
    again = client.delete(f"/api/v1/broadcasts/{created['id']}/")
    assert again.status_code == 400 and "already ended" in again.json()["error"]
    assert client.delete("/api/v1/broadcasts/999999/").status_code == 404
    log = list(BroadcastLogEntry.objects.filter(broadcast_id=created["id"]).order_by("at", "id"))
    assert [e.action for e in log] == ["issued", "edited", "ended"]
    assert {e.actor_name for e in log} == {"mod-ann"}
    assert log[0].changes["message"] == [None, "Storm warning"]
    assert log[1].changes == {"severity": ["warning", "critical"]}


def test_an_ended_broadcast_cannot_be_edited(api_client):
    client = _as(api_client, ModeratorFactory())
    created = _issue(client).json()
    client.delete(f"/api/v1/broadcasts/{created['id']}/")
    late = client.patch(f"/api/v1/broadcasts/{created['id']}/", {"message": "x"}, format="json")
    assert late.status_code == 400 and "ended" in late.json()["error"]
