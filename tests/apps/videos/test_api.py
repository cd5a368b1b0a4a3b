import io

import pytest
from django.core.files.storage import default_storage

from apps.videos.models import Video
from tests.factories import CreatorFactory, UserFactory, VideoFactory

pytestmark = pytest.mark.django_db


def _upload(client, **extra):
    data = {"title": "My clip", "file": io.BytesIO(b"\x00" * 2048), **extra}
    data["file"].name = "clip.mp4"
    return client.post("/api/v1/videos/", data, format="multipart")


def test_creator_upload_is_stored_and_queued(api_client, django_capture_on_commit_callbacks):
    creator = CreatorFactory()
    api_client.force_authenticate(creator)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = _upload(api_client, visibility="unlisted", description="hello")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "uploaded" and body["progress"] == 0 and body["error"] is None
    assert body["visibility"] == "unlisted" and body["owner"] == creator.username
    assert body["watch_url"] == f"/watch/{body['id']}/"
    video = Video.objects.get(pk=body["id"])
    with default_storage.open(video.source, "rb") as fh:
        assert fh.read() == b"\x00" * 2048
    # The file name never becomes part of the stored name (no extension trust).
    assert "clip" not in video.source and video.original_filename == "clip.mp4"
    assert callbacks, "processing is queued once the row is committed"


def test_viewers_cannot_upload(api_client):
    api_client.force_authenticate(UserFactory())
    response = _upload(api_client)
    assert response.status_code == 403
    assert "creator" in response.json()["error"].lower()


def test_anonymous_cannot_upload(api_client):
    assert _upload(api_client).status_code in (401, 403)


def test_upload_over_the_limit_is_refused_before_reading(api_client, settings):
    settings.MAX_UPLOAD_MB = 1
    api_client.force_authenticate(CreatorFactory())
    response = api_client.post(
        "/api/v1/videos/",
        b"x" * 10,
        content_type="multipart/form-data; boundary=x",
        HTTP_CONTENT_LENGTH=str(50 * 2**20),
        CONTENT_LENGTH=str(50 * 2**20),
    )
    assert response.status_code == 413
    assert "limit is 1 MB" in response.json()["error"]


def test_missing_title_is_a_400_with_reason(api_client):
    api_client.force_authenticate(CreatorFactory())
    response = _upload(api_client, title="")
    assert response.status_code == 400
    assert "title" in response.json()["error"]


def test_private_video_is_hidden_from_others(api_client):
    video = VideoFactory(visibility="private")
    assert api_client.get(f"/api/v1/videos/{video.id}/").status_code == 404
    api_client.force_authenticate(UserFactory())
    assert api_client.get(f"/api/v1/videos/{video.id}/").status_code == 404
    api_client.force_authenticate(video.owner)
    assert api_client.get(f"/api/v1/videos/{video.id}/").json()["id"] == video.id


def test_list_shows_only_public_ready_videos_newest_first(api_client):
    public = VideoFactory()
    newer = VideoFactory()
    VideoFactory(visibility="unlisted")
    VideoFactory(visibility="private")
    VideoFactory(status="processing", published_at=None)
    body = api_client.get("/api/v1/videos/").json()
    assert body["count"] == 2 and set(body) >= {"count", "next", "previous", "results"}
    assert [v["id"] for v in body["results"]] == [newer.id, public.id]


def test_owner_edits_and_others_cannot(api_client):
    video = VideoFactory()
    api_client.force_authenticate(UserFactory())
    assert api_client.patch(f"/api/v1/videos/{video.id}/", {"title": "x"}).status_code == 403
    api_client.force_authenticate(video.owner)
    response = api_client.patch(f"/api/v1/videos/{video.id}/", {"title": "Renamed"})
    assert response.status_code == 200 and response.json()["title"] == "Renamed"


def test_delete_removes_every_stored_file(api_client, django_capture_on_commit_callbacks):
    video = VideoFactory()
    for name in ("source/original", "g1/master.m3u8", "g1/v/360p/seg_00000.m4s"):
        default_storage.save(f"videos/{video.id}/{name}", io.BytesIO(b"data"))
    api_client.force_authenticate(video.owner)
    with django_capture_on_commit_callbacks(execute=True):
        assert api_client.delete(f"/api/v1/videos/{video.id}/").status_code == 204
    assert not Video.objects.filter(pk=video.id).exists()
    assert not default_storage.exists(f"videos/{video.id}/g1/v/360p/seg_00000.m4s")
    assert not default_storage.exists(f"videos/{video.id}/source/original")
    assert default_storage.listdir("videos")[0].count(video.id) == 0  # no empty folders left


@pytest.mark.parametrize(
    ("content", "reason"),
    [(b"", "empty"), (b"#EXTM3U\n#EXTINF:1,\nfile:///etc/passwd\n", "playlist"),
     (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image"), (b"just some words\n" * 20, "text")],
)  # fmt: skip
def test_obvious_non_videos_are_refused_at_once(api_client, content, reason):
    api_client.force_authenticate(CreatorFactory())
    upload = io.BytesIO(content)
    upload.name = "holiday.mp4"
    response = api_client.post(
        "/api/v1/videos/", {"title": "x", "file": upload}, format="multipart"
    )
    assert response.status_code == 400
    assert reason in response.json()["error"].lower()
    assert not Video.objects.exists()


def test_list_costs_the_same_queries_for_one_video_or_many(
    api_client, django_assert_max_num_queries
):
    from apps.videos.models import Rendition

    for _ in range(5):
        video = VideoFactory()
        Rendition.objects.create(
            video=video, generation=1, name="144p", width=256, height=144, bandwidth=1,
            average_bandwidth=1, codecs="avc1.42c00c", playlist="p", init_segment="i",
        )  # fmt: skip
    # count, page, renditions, captions (apps.captions' prefetch).
    with django_assert_max_num_queries(5):
        body = api_client.get("/api/v1/videos/").json()
    assert body["count"] == 5
    assert all(v["renditions"][0]["name"] == "144p" for v in body["results"])


def test_processing_error_is_shown_to_owner_and_staff_only(api_client):
    from tests.factories import UserFactory, VideoFactory

    reason = "ffmpeg: /tmp/streamsite-work/abc/chunk-3.mp4: Invalid data found"
    video = VideoFactory(status="ready", error=reason)
    url = f"/api/v1/videos/{video.id}/"
    assert api_client.get(url).json()["error"] is None
    listed = api_client.get("/api/v1/videos/").json()["results"]
    assert [v["error"] for v in listed if v["id"] == video.id] == [None]
    api_client.force_authenticate(UserFactory())
    assert api_client.get(url).json()["error"] is None
    api_client.force_authenticate(video.owner)
    assert api_client.get(url).json()["error"] == reason
    api_client.force_authenticate(UserFactory(is_staff=True))
    assert api_client.get(url).json()["error"] == reason
