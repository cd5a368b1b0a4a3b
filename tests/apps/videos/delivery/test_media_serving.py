import io
import warnings

import pytest
from django.core.files.storage import default_storage

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
    return f"/media/{full}"


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
    assert client.get(f"/media/videos/{video.id}/source/original").status_code == 404
    assert client.get(f"/media/videos/{video.id}/g1/../source/original").status_code == 404
