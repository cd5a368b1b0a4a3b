"""Categories and tags: chosen on upload (API, tus), changed by the owner, listed on their own
pages, and filters of search (page and API)."""

import base64
import io
from pathlib import Path

import pytest

from apps.cms.models import Category, VideoCategory
from apps.videos import search
from apps.videos.models import ResumableUpload, Video
from tests.factories import CreatorFactory, UserFactory, VideoFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def music():
    return Category.objects.create(name="Music", slug="music", icon="🎵", order=1)


def _upload(client, **extra):
    data = {"title": "My clip", "file": io.BytesIO(b"\x00" * 2048), **extra}
    data["file"].name = "clip.mp4"
    return client.post("/api/v1/videos/", data, format="multipart")


def test_api_upload_takes_a_category(api_client, music):
    api_client.force_authenticate(CreatorFactory())
    response = _upload(api_client, category="music", tags="jazz, live")
    assert response.status_code == 201, response.content
    assert VideoCategory.objects.get(video_id=response.json()["id"]).category == music


def _stored_files(root) -> set[str]:
    return {str(p) for p in Path(root).rglob("*") if p.is_file()}


def test_unknown_category_is_a_400_and_nothing_is_kept(api_client, music, settings):
    api_client.force_authenticate(CreatorFactory())
    before = _stored_files(settings.MEDIA_ROOT)
    response = _upload(api_client, category="nope")
    assert response.status_code == 400
    assert "category" in response.json()
    assert not Video.objects.exists()
    assert _stored_files(settings.MEDIA_ROOT) == before


def test_tus_upload_takes_a_category(api_client, music, tus_uploads):
    api_client.force_authenticate(CreatorFactory())
    body = b"\x00" * 1024

    def meta(**fields):
        return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in fields.items())

    created = api_client.post(
        "/api/v1/uploads/",
        HTTP_TUS_RESUMABLE="1.0.0",
        HTTP_UPLOAD_LENGTH=str(len(body)),
        HTTP_UPLOAD_METADATA=meta(filename="a.mp4", title="Tus clip", category="music"),
    )
    assert created.status_code == 201, created.content
    done = api_client.generic(
        "PATCH",
        created["Location"],
        body,
        content_type="application/offset+octet-stream",
        HTTP_TUS_RESUMABLE="1.0.0",
        HTTP_UPLOAD_OFFSET="0",
    )
    assert done.status_code == 204, done.content
    assert VideoCategory.objects.get(video_id=done["Video-Id"]).category == music


def test_owner_changes_category_others_cannot(api_client, music):
    video = VideoFactory()
    api_client.force_authenticate(UserFactory())
    denied = api_client.put(f"/api/v1/videos/{video.id}/category/", {"category": "music"})
    assert denied.status_code == 403
    api_client.force_authenticate(video.owner)
    ok = api_client.put(f"/api/v1/videos/{video.id}/category/", {"category": "music"})
    assert ok.status_code == 200 and ok.json() == {"category": "music"}
    assert VideoCategory.objects.get(video=video).category == music


def test_owner_form_sets_category_and_tags(client, music):
    video = VideoFactory(tags="old")
    client.force_login(video.owner)
    form = client.get(f"/studio/{video.id}/topics/")
    assert form.status_code == 200 and b"Music" in form.content
    response = client.post(f"/studio/{video.id}/topics/", {"category": "music", "tags": "a, b"})
    assert response.status_code == 302
    video.refresh_from_db()
    assert video.tags == "a, b" and video.category_link.category == music


def test_category_page_lists_its_public_ready_videos(client, music):
    mine = VideoFactory(title="In music")
    VideoCategory.objects.create(video=mine, category=music)
    private = VideoFactory(title="Private music", visibility="private")
    VideoCategory.objects.create(video=private, category=music)
    VideoFactory(title="Elsewhere")
    page = client.get("/category/music/").content.decode()
    assert "In music" in page and "Private music" not in page and "Elsewhere" not in page
    assert client.get("/category/none/").status_code == 404


def test_tag_page_matches_whole_tags_only(client):
    VideoFactory(title="Cats", tags="Cat, funny")
    VideoFactory(title="Categorical", tags="category")
    page = client.get("/tag/cat/").content.decode()
    assert "Cats" in page and "Categorical" not in page


def test_watch_page_links_category_and_tags(client, music):
    video = VideoFactory(tags="jazz")
    VideoCategory.objects.create(video=video, category=music)
    page = client.get(video.get_absolute_url()).content.decode()
    assert 'href="/category/music/"' in page and 'href="/tag/jazz/"' in page


def test_search_filters_by_category_and_tag(client, api_client, music):
    a = VideoFactory(title="Alpha song", tags="jazz")
    VideoCategory.objects.create(video=a, category=music)
    for video in [a, VideoFactory(title="Alpha talk", tags="jazz")]:
        search.video_reindex(video=video)
    search.video_reindex(video=VideoFactory(title="Alpha other", tags="rock"))
    page = client.get("/search/", {"q": "alpha", "category": "music"}).content.decode()
    assert "Alpha song" in page and "Alpha talk" not in page
    page = client.get("/search/", {"q": "alpha", "tag": "jazz"}).content.decode()
    assert "Alpha song" in page and "Alpha talk" in page and "Alpha other" not in page
    api = api_client.get("/api/v1/videos/", {"category": "music"}).json()
    assert [v["title"] for v in api["results"]] == ["Alpha song"]
    api = api_client.get("/api/v1/videos/", {"tag": "rock"}).json()
    assert [v["title"] for v in api["results"]] == ["Alpha other"]


def test_upload_page_offers_categories(client, music):
    client.force_login(CreatorFactory())
    assert b'<option value="music">Music</option>' in client.get("/upload/").content


def test_tus_refuses_an_unknown_category_before_any_byte(api_client, music, tus_uploads):
    api_client.force_authenticate(CreatorFactory())
    meta = ",".join(
        f"{k} {base64.b64encode(v.encode()).decode()}"
        for k, v in {"filename": "a.mp4", "title": "T", "category": "nope"}.items()
    )
    response = api_client.post(
        "/api/v1/uploads/",
        HTTP_TUS_RESUMABLE="1.0.0",
        HTTP_UPLOAD_LENGTH="1024",
        HTTP_UPLOAD_METADATA=meta,
    )
    assert response.status_code == 400 and "category" in response.json()
    assert not ResumableUpload.objects.exists()


def test_categories_page_lists_them_in_order(client, music):
    Category.objects.create(name="Art", slug="art", order=0, colour="#aa0000")
    html = client.get("/categories/").content.decode()
    assert html.index("Art") < html.index("Music") and 'fill="#aa0000"' in html
