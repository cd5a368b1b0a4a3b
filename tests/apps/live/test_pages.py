"""The studio's live section, the viewer page's states, the home row and the nginx-rtmp hooks."""

from __future__ import annotations

import pytest

from apps.live import services
from apps.live.models import LiveStream
from tests.factories import VideoFactory

pytestmark = pytest.mark.django_db


def test_studio_creates_a_stream_and_shows_server_and_key_to_the_owner(client, creator):
    client.force_login(creator)
    answer = client.post("/studio/live/", {"title": "Friday show", "description": "Hi"})
    stream = LiveStream.objects.get(owner=creator)
    assert answer.status_code == 302 and answer["Location"] == f"/studio/live/{stream.id}/"
    page = client.get(answer["Location"]).content.decode()
    assert stream.stream_key in page and "rtmp://" in page and "Scheduled" in page
    old = stream.stream_key
    client.post(f"/studio/live/{stream.id}/key/")
    stream.refresh_from_db()
    assert stream.stream_key != old and stream.stream_key in client.get(answer["Location"]).text


def test_others_cannot_open_or_change_someone_elses_stream(client, creator, user):
    stream = services.live_create(owner=creator, title="Mine")
    client.force_login(user)
    assert client.get(f"/studio/live/{stream.id}/").status_code == 404
    assert client.post(f"/studio/live/{stream.id}/key/").status_code == 404
    assert client.post(f"/studio/live/{stream.id}/end/").status_code == 404
    assert stream.stream_key not in client.get(f"/live/{stream.id}/").content.decode()


def test_viewer_page_states(client, creator):
    stream = services.live_create(owner=creator, title="Soon")
    page = client.get(f"/live/{stream.id}/").content.decode()
    assert "has not started yet" in page and 'data-status="scheduled"' in page
    services.live_publish_begin(stream_key=stream.stream_key)
    page = client.get(f"/live/{stream.id}/").content.decode()
    assert 'data-status="live"' in page and "LIVE" in page
    services.live_end(stream_id=stream.id, by=creator)
    video = VideoFactory(owner=creator)
    services.live_recording_attach(stream_id=stream.id, video_id=video.id)
    page = client.get(f"/live/{stream.id}/").content.decode()
    assert "has ended" in page and f"/watch/{video.id}/" in page


def test_home_has_a_live_now_row_only_while_live(client, creator):
    stream = services.live_create(owner=creator, title="Cooking live")
    assert "Live now" not in client.get("/").content.decode()
    services.live_publish_begin(stream_key=stream.stream_key)
    page = client.get("/").content.decode()
    assert "Live now" in page and f"/live/{stream.id}/" in page


def test_nginx_rtmp_hooks_accept_with_2xx_and_refuse_with_4xx(client, creator, settings):
    stream = services.live_create(owner=creator, title="Via nginx")
    refused = client.post("/live-hooks/on_publish", {"name": "nope", "app": "live"})
    assert refused.status_code == 403 and b"Unknown stream key" in refused.content
    assert client.post("/live-hooks/on_publish", {"name": stream.stream_key}).status_code == 200
    # The check does not claim the key: the ingest the stream is relayed to does.
    assert not LiveStream.objects.get(pk=stream.pk).publisher_connected
    services.live_publish_begin(stream_key=stream.stream_key)
    second = client.post("/live-hooks/on_publish", {"name": stream.stream_key})
    assert second.status_code == 403 and b"already live" in second.content
    assert (
        client.post("/live-hooks/on_publish_done", {"name": stream.stream_key}).status_code == 200
    )
    assert client.post("/live-hooks/on_publish_done", {"name": "nope"}).status_code == 404
    services.live_end(stream_id=stream.id, by=creator)
    ended = client.post("/live-hooks/on_publish", {"name": stream.stream_key})
    assert ended.status_code == 403 and b"ended" in ended.content
    other = services.live_create(owner=creator, title="Token")
    settings.LIVE_HOOK_ALLOWED_IPS = []
    assert client.post("/live-hooks/on_publish", {"name": other.stream_key}).status_code == 403
    settings.LIVE_HOOK_TOKEN = "s3cret"
    ok = client.post("/live-hooks/on_publish?token=s3cret", {"name": other.stream_key})
    assert ok.status_code == 200


def test_live_media_serves_playlists_uncached_and_refuses_other_names(client, creator):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    stream = services.live_create(owner=creator, title="Files")
    default_storage.save(stream.master_name, ContentFile(b"#EXTM3U\n"))
    try:
        answer = client.get(f"/media/{stream.master_name}")
        assert answer.status_code == 200 and answer["Cache-Control"] == "no-cache"
        assert client.get(f"/media/live/{stream.id}/recording/part-0001.flv").status_code == 404
        assert client.get(f"/media/live/{stream.id}/hls/../../x.m3u8").status_code == 404
    finally:
        default_storage.delete(stream.master_name)
