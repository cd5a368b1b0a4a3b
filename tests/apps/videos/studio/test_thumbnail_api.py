"""PUT/DELETE /api/v1/videos/{id}/thumbnail/: the owner's picture replaces the automatic poster
everywhere (API, grid, player), and going back is one call."""

from __future__ import annotations

import io

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from apps.videos import services
from tests.apps.videos.studio.conftest import body, picture, stored_names, upload
from tests.factories import UserFactory, VideoFactory

pytestmark = pytest.mark.django_db


def _put(client, video, data: bytes, name="a.jpg", content_type="image/jpeg"):
    return client.put(
        f"/api/v1/videos/{video.id}/thumbnail/",
        {"file": upload(data, name, content_type)},
        format="multipart",
    )


def test_owner_sets_a_thumbnail_that_the_api_home_and_player_use(
    api_client, client, jpeg, django_capture_on_commit_callbacks
):
    video = VideoFactory(title="Green field", poster="videos/x/g1/img/poster_1280.jpg")
    api_client.force_authenticate(video.owner)
    response = _put(api_client, video, jpeg)
    assert response.status_code == 200, response.json()
    url = response.json()["thumbnail_url"]
    assert url.startswith(f"/media/{video.media_key}/videos/{video.id}/thumbs/")
    assert url.endswith("/640.webp")

    served = client.get(url)
    assert served.status_code == 200 and served["Content-Type"] == "image/webp"
    with Image.open(io.BytesIO(body(served))) as img:
        assert img.size == (640, 360) and img.getpixel((10, 10))[1] > 120  # the green picture

    assert url.encode() in client.get("/").content
    watch = client.get(f"/watch/{video.id}/").content.decode()
    assert url.replace("/640.webp", "/1280.webp") in watch  # the player's poster, large


def test_a_new_thumbnail_replaces_the_old_files_and_delete_returns_to_the_poster(
    api_client, jpeg, django_capture_on_commit_callbacks
):
    video = VideoFactory()
    video.thumbnails = {"640": f"videos/{video.id}/g1/img/poster_640.jpg"}
    video.save()
    api_client.force_authenticate(video.owner)
    with django_capture_on_commit_callbacks(execute=True):
        first = _put(api_client, video, jpeg).json()["thumbnail_url"]
    old_files = stored_names(video.id)
    assert len(old_files) == 3  # 320, 640, 1280
    with django_capture_on_commit_callbacks(execute=True):
        second = _put(api_client, video, picture("PNG")).json()["thumbnail_url"]
    assert second != first  # a new URL: caches never show the old picture
    assert stored_names(video.id).isdisjoint(old_files) and len(stored_names(video.id)) == 3

    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.delete(f"/api/v1/videos/{video.id}/thumbnail/")
    assert response.status_code == 200
    assert response.json()["thumbnail_url"].endswith(f"videos/{video.id}/g1/img/poster_640.jpg")
    assert stored_names(video.id) == set()


@pytest.mark.parametrize(
    ("data", "name", "content_type", "reason"),
    [
        (picture("PNG") + b"<script>alert(1)</script>", "a.png", "image/png", "other data"),
        (b"\x00\x01garbage" * 500, "a.jpg", "image/jpeg", "not a JPEG, PNG or WebP"),
        (picture("GIF", size=(32, 32)), "a.png", "image/png", "GIF"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "a.png", "image/png", "SVG"),
        (picture("JPEG")[:3000], "a.jpg", "image/jpeg", "truncated"),
    ],
    ids=["polyglot", "random", "gif", "svg", "truncated-jpeg"],
)
def test_anything_but_a_decodable_picture_gets_400_with_a_reason(
    api_client, data, name, content_type, reason
):
    video = VideoFactory()
    api_client.force_authenticate(video.owner)
    response = _put(api_client, video, data, name, content_type)
    assert response.status_code == 400
    assert reason in response.json()["error"]
    video.refresh_from_db()
    assert video.custom_thumbnails == {} and stored_names(video.id) == set()


def test_a_png_declaring_100000_squared_pixels_is_refused(api_client):
    from tests.media_pipeline.test_images import png_declaring

    video = VideoFactory()
    api_client.force_authenticate(video.owner)
    response = _put(api_client, video, png_declaring(100_000, 100_000), "big.png", "image/png")
    assert response.status_code == 400 and "pixels" in response.json()["error"]


def test_a_file_over_the_byte_limit_is_refused(api_client, settings):
    video = VideoFactory()
    api_client.force_authenticate(video.owner)
    too_big = picture("PNG", size=(16, 16)) + b"\x00" * (10 * 2**20)
    response = _put(api_client, video, too_big, "big.png", "image/png")
    assert response.status_code == 400 and "MB" in response.json()["error"]


def test_who_may_set_or_clear_a_thumbnail(api_client, jpeg):
    public = VideoFactory()
    private = VideoFactory(visibility="private")
    # Signed out: refused; another account: 403 on what it can see, 404 on what it cannot.
    assert _put(api_client, public, jpeg).status_code in (401, 403)
    api_client.force_authenticate(UserFactory())
    assert _put(api_client, public, jpeg).status_code == 403
    assert api_client.delete(f"/api/v1/videos/{public.id}/thumbnail/").status_code == 403
    assert _put(api_client, private, jpeg).status_code == 404
    api_client.force_authenticate(UserFactory(is_staff=True))
    assert _put(api_client, private, jpeg).status_code == 200
    public.refresh_from_db()
    assert public.custom_thumbnails == {}


def test_a_thumbnail_link_stops_working_when_the_video_turns_private(api_client, client, jpeg):
    video = VideoFactory()
    api_client.force_authenticate(video.owner)
    url = _put(api_client, video, jpeg).json()["thumbnail_url"]
    assert client.get(url).status_code == 200
    services.video_update(video=video, by=video.owner, visibility="private")
    assert client.get(url).status_code == 404
    video.refresh_from_db()
    assert default_storage.exists(video.custom_thumbnails["640"])


def test_the_embedded_player_shows_the_custom_thumbnail_too(api_client, client, jpeg):
    video = VideoFactory()
    api_client.force_authenticate(video.owner)
    url = _put(api_client, video, jpeg).json()["thumbnail_url"]
    embed = client.get(f"/embed/{video.id}/").content.decode()
    assert url.replace("/640.webp", "/1280.webp") in embed
