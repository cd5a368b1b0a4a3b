"""POST/GET /api/v1/live/ as the contract says, and the key rules of the services."""

from __future__ import annotations

import pytest

from apps.live import services
from apps.live.models import LiveStatus, LiveStream

pytestmark = pytest.mark.django_db


def test_creator_creates_a_stream_and_sees_its_key(api_client, creator):
    api_client.force_authenticate(creator)
    answer = api_client.post("/api/v1/live/", {"title": "My show"}, format="json")
    assert answer.status_code == 201
    body = answer.json()
    assert {"id", "stream_key", "ingest_url", "hls_url", "status"} <= set(body)
    assert body["status"] == "scheduled"
    assert body["ingest_url"].startswith("rtmp://") and body["ingest_url"].endswith("/live")
    stream = LiveStream.objects.get(pk=body["id"])
    assert body["stream_key"] == stream.stream_key
    again = api_client.get(f"/api/v1/live/{body['id']}/").json()
    assert again["stream_key"] == stream.stream_key
    assert again["hls_url"] == body["hls_url"]


def test_others_never_see_the_key(api_client, creator, user):
    stream = services.live_create(owner=creator, title="Show")
    anonymous = api_client.get(f"/api/v1/live/{stream.id}/")
    assert anonymous.status_code == 200
    assert "stream_key" not in anonymous.json()
    api_client.force_authenticate(user)
    assert "stream_key" not in api_client.get(f"/api/v1/live/{stream.id}/").json()


def test_hls_url_is_fixed_at_creation(api_client, creator):
    stream = services.live_create(owner=creator, title="Show")
    before = api_client.get(f"/api/v1/live/{stream.id}/").json()["hls_url"]
    services.live_publish_begin(stream_key=stream.stream_key)
    services.live_regenerate_key(stream=LiveStream.objects.get(pk=stream.pk), by=creator)
    after = api_client.get(f"/api/v1/live/{stream.id}/").json()
    assert after["hls_url"] == before and after["status"] == "live"


def test_viewers_and_anonymous_cannot_create(api_client, user):
    assert api_client.post("/api/v1/live/", {"title": "x"}, format="json").status_code in (401, 403)
    api_client.force_authenticate(user)
    answer = api_client.post("/api/v1/live/", {"title": "x"}, format="json")
    assert answer.status_code == 403 and "error" in answer.json()


def test_missing_title_is_a_clear_400(api_client, creator):
    api_client.force_authenticate(creator)
    answer = api_client.post("/api/v1/live/", {"description": "no title"}, format="json")
    assert answer.status_code == 400 and "error" in answer.json()


def test_unknown_stream_is_404(api_client):
    assert api_client.get("/api/v1/live/nope/").status_code == 404


def test_publish_rules(creator):
    stream = services.live_create(owner=creator, title="Show")
    with pytest.raises(services.PublishRefused):
        services.live_publish_begin(stream_key="not-a-key")
    stream_id, session, resumed = services.live_publish_begin(stream_key=stream.stream_key)
    assert (stream_id, resumed) == (stream.id, False)
    with pytest.raises(services.PublishRefused, match="Another encoder"):
        services.live_publish_begin(stream_key=stream.stream_key)
    # The publisher drops and comes back: the same stream continues.
    services.live_publish_end(stream_id=stream.id, session=session)
    _, session2, resumed = services.live_publish_begin(stream_key=stream.stream_key)
    assert resumed and session2 == session + 1
    services.live_end(stream_id=stream.id, by=creator)
    assert not services.live_publish_heartbeat(stream_id=stream.id, session=session2)
    with pytest.raises(services.PublishRefused, match="ended"):
        services.live_publish_begin(stream_key=stream.stream_key)
    with pytest.raises(services.IllegalTransition):
        services.live_transition(LiveStream.objects.get(pk=stream.pk), LiveStatus.LIVE)


def test_old_key_refused_after_regeneration(creator):
    stream = services.live_create(owner=creator, title="Show")
    old = stream.stream_key
    services.live_regenerate_key(stream=stream, by=creator)
    with pytest.raises(services.PublishRefused):
        services.live_publish_begin(stream_key=old)


def test_abandoned_stream_ends_after_the_grace(creator):
    stream = services.live_create(owner=creator, title="Show")
    _, session, _ = services.live_publish_begin(stream_key=stream.stream_key)
    services.live_publish_end(stream_id=stream.id, session=session)
    assert services.live_end_abandoned() == []
    assert services.live_end_abandoned(older_than_s=0) == [stream.id]
    assert LiveStream.objects.get(pk=stream.pk).status == "ended"


def test_list_shows_the_streams_live_now_without_keys(api_client, creator):
    live = services.live_create(owner=creator, title="On air")
    services.live_create(owner=creator, title="Later")
    services.live_publish_begin(stream_key=live.stream_key)
    api_client.force_authenticate(creator)
    body = api_client.get("/api/v1/live/").json()
    assert body["count"] == 1 and body["results"][0]["id"] == live.id
    assert body["results"][0]["status"] == "live"
    assert "stream_key" not in body["results"][0]
