import io
import warnings

import pytest
from django.core.files.storage import default_storage

from apps.videos.delivery.links import media_url
from tests.factories import UserFactory, VideoFactory

pytestmark = pytest.mark.django_db

PAYLOAD = bytes(range(256)) * 40  # 10 240 bytes


def _body(response) -> bytes:
    # The view streams asynchronously (for Daphne); the sync test client consumes it whole.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Warning)
        return b"".join(response)


def _store(video, name: str, data: bytes = PAYLOAD) -> str:
    full = f"videos/{video.id}/g1/{name}"
    default_storage.save(full, io.BytesIO(data))
    return media_url(full, video.media_key)


def test_range_request_answers_206_with_the_bytes_asked(client):
    url = _store(VideoFactory(), "v/360p/seg_00000.m4s")
    response = client.get(url, HTTP_RANGE="bytes=100-199")
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 100-199/{len(PAYLOAD)}"
    assert _body(response) == PAYLOAD[100:200]
    assert response["Content-Type"] == "video/iso.segment"
    assert "immutable" in response["Cache-Control"]


def test_suffix_and_open_ranges(client):
    url = _store(VideoFactory(), "v/360p/init.mp4")
    tail = client.get(url, HTTP_RANGE="bytes=-10")
    assert tail.status_code == 206 and _body(tail) == PAYLOAD[-10:]
    rest = client.get(url, HTTP_RANGE="bytes=10000-")
    assert _body(rest) == PAYLOAD[10000:]
    assert rest["Content-Type"] == "video/mp4"


def test_unsatisfiable_range_is_416(client):
    url = _store(VideoFactory(), "v/360p/seg_00001.m4s")
    response = client.get(url, HTTP_RANGE=f"bytes={len(PAYLOAD)}-")
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(PAYLOAD)}"


def test_playlists_have_their_types_and_short_lifetimes(client):
    video = VideoFactory()
    master = client.get(_store(video, "master.m3u8", b"#EXTM3U\n"))
    assert master["Content-Type"] == "application/vnd.apple.mpegurl"
    assert "max-age=5" in master["Cache-Control"]
    mpd = client.get(_store(video, "manifest.mpd", b"<MPD/>"))
    assert mpd["Content-Type"] == "application/dash+xml"


def test_private_video_segments_are_refused_to_others(client):
    video = VideoFactory(visibility="private")
    url = _store(video, "v/360p/seg_00000.m4s")
    assert client.get(url).status_code == 404
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(video.owner)
    response = client.get(url)
    assert response.status_code == 200 and response["Cache-Control"].startswith("private")


def test_the_source_upload_is_never_served(client):
    video = VideoFactory()
    default_storage.save(f"videos/{video.id}/source/original", io.BytesIO(b"secret"))
    for path in ("source/original", "g1/../source/original", "g1/%2E%2E/source/original"):
        for key in (video.media_key, "x"):
            assert client.get(f"/media/{key}/videos/{video.id}/{path}").status_code == 404
        assert client.get(f"/media/videos/{video.id}/{path}").status_code == 404


def test_a_public_link_stops_working_when_the_video_turns_private(client):
    """Public segments are cached as immutable for a year: once the video is private (or
    public again), the URLs handed out before answer 404, for everyone."""
    from apps.videos import services

    video = VideoFactory(visibility="public")
    name = f"videos/{video.id}/g1/v/360p/seg_00000.m4s"
    public_url = _store(video, "v/360p/seg_00000.m4s")
    response = client.get(public_url)
    assert response.status_code == 200 and "public" in response["Cache-Control"]
    assert "immutable" in response["Cache-Control"]

    services.video_update(video=video, by=video.owner, visibility="private")
    assert client.get(public_url).status_code == 404
    client.force_login(video.owner)
    assert client.get(public_url).status_code == 404
    private_url = media_url(name, video.media_key)
    assert private_url != public_url
    response = client.get(private_url)
    assert response.status_code == 200 and response["Cache-Control"].startswith("private")

    services.video_update(video=video, by=video.owner, visibility="public")
    assert client.get(private_url).status_code == 404
    assert client.get(public_url).status_code == 404
    assert client.get(media_url(name, video.media_key)).status_code == 200
    # Editing anything else keeps the links.
    services.video_update(video=video, by=video.owner, title="Renamed")
    assert client.get(media_url(name, video.media_key)).status_code == 200


def test_a_deleted_video_s_links_stop_working(client, django_capture_on_commit_callbacks):
    from apps.videos import services

    video = VideoFactory(visibility="public")
    url = _store(video, "v/360p/seg_00000.m4s")
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        services.video_delete(video=video, by=video.owner)
    assert client.get(url).status_code == 404
    assert not default_storage.exists(f"videos/{video.id}/g1/v/360p/seg_00000.m4s")


def test_a_link_without_key_redirects_to_the_current_one_after_the_checks(client):
    """`/media/<name>` (links made with the name only) is never cached and leads to the
    current keyed URL, for those who may watch."""
    from apps.videos import services

    video = VideoFactory(visibility="public")
    name = f"videos/{video.id}/g1/v/360p/seg_00000.m4s"
    _store(video, "v/360p/seg_00000.m4s")
    response = client.get(f"/media/{name}")
    assert response.status_code == 302 and response["Cache-Control"] == "no-store"
    assert response["Location"] == media_url(name, video.media_key)
    services.video_update(video=video, by=video.owner, visibility="private")
    assert client.get(f"/media/{name}").status_code == 404
    client.force_login(video.owner)
    assert client.get(f"/media/{name}")["Location"] == media_url(name, video.media_key)
