"""The studio's pages, server-rendered: list (search, sort, pages, counts), edit, thumbnail,
delete with a confirmation, bulk visibility and delete. Owner or staff only; others get 404."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage

from apps.videos.models import Video
from tests.apps.videos.studio.conftest import picture, store_every_kind_of_file, stored_names
from tests.apps.videos.studio.conftest import upload as uploaded
from tests.factories import CreatorFactory, UserFactory, VideoFactory

pytestmark = pytest.mark.django_db


def _rows(html: str, titles: list[str]) -> list[str]:
    """The titles in the order the page shows them."""
    return sorted((t for t in titles if t in html), key=html.index)


def test_the_list_shows_only_my_videos_with_their_numbers_and_actions(client):
    me = CreatorFactory()
    mine = VideoFactory(
        owner=me, title="My <b>clip</b>", views=42, status="processing", progress=37
    )
    VideoFactory(title="Somebody else's")
    client.force_login(me)
    html = client.get("/studio/").content.decode()
    assert "My &lt;b&gt;clip&lt;/b&gt;" in html and "Somebody else" not in html
    assert f'href="/studio/videos/{mine.id}/edit/"' in html
    assert f'href="/studio/videos/{mine.id}/delete/"' in html
    assert "<td data-views>42</td>" in html and "37%" in html and "Processing" in html
    assert "<td data-likes>0</td>" in html and "<td data-comments>0</td>" in html


def test_search_sort_and_pages(client):
    me = CreatorFactory()
    titles = []
    for n, views in enumerate([5, 50, 1, 20]):
        titles.append(VideoFactory(owner=me, title=f"Clip {'abcd'[n]}", views=views).title)
    VideoFactory(owner=me, title="Holiday in Rome", tags="travel, italy")
    client.force_login(me)
    assert _rows(client.get("/studio/?sort=views").content.decode(), titles) == [
        "Clip b",
        "Clip d",
        "Clip a",
        "Clip c",
    ]
    assert _rows(client.get("/studio/?sort=oldest").content.decode(), titles) == titles
    assert _rows(client.get("/studio/").content.decode(), titles) == titles[::-1]
    found = client.get("/studio/", {"q": "italy"}).content.decode()
    assert "Holiday in Rome" in found and "Clip a" not in found
    assert "matches" in client.get("/studio/", {"q": "nothing-like-it"}).content.decode()
    for n in range(20):
        VideoFactory(owner=me, title=f"Bulk {n:02d}")
    first = client.get("/studio/?sort=title").content.decode()
    assert "Page 1 of 2" in first and "sort=title&amp;page=2" in first
    assert "Bulk 00" in first and "Holiday in Rome" not in first
    assert "Holiday in Rome" in client.get("/studio/?sort=title&page=2").content.decode()


def test_edit_page_is_for_owner_and_staff_only(client):
    video = VideoFactory(visibility="public")
    url = f"/studio/videos/{video.id}/edit/"
    assert client.get(url).status_code == 302  # to sign-in
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    assert client.post(url, {"title": "Hijacked", "visibility": "public"}).status_code == 404
    assert client.post(f"/studio/videos/{video.id}/thumbnail/reset/").status_code == 404
    client.force_login(UserFactory(is_staff=True))
    assert client.get(url).status_code == 200
    client.force_login(video.owner)
    page = client.get(url).content.decode()
    assert video.title in page and "Use this picture" in page
    assert 'id="captions-heading"' in page  # the captions panel's place
    assert client.get("/studio/videos/nope/edit/").status_code == 404
    video.refresh_from_db()
    assert video.title != "Hijacked"


def test_editing_details_saves_through_the_service(client):
    video = VideoFactory(title="Old", visibility="public")
    old_key = video.media_key
    client.force_login(video.owner)
    response = client.post(
        f"/studio/videos/{video.id}/edit/",
        {
            "title": "  New title  ",
            "description": "Fresh words",
            "tags": "cats, dogs",
            "visibility": "unlisted",
            "content_warning": "Loud",
            "downloads_enabled": "on",
        },
        follow=True,
    )
    assert "Saved “New title”" in response.content.decode()
    video.refresh_from_db()
    assert (video.title, video.description, video.tags) == (
        "New title",
        "Fresh words",
        "cats, dogs",
    )
    assert video.visibility == "unlisted" and video.media_key != old_key
    assert video.content_warning == "Loud" and video.downloads_enabled
    assert "New title" in client.get(f"/watch/{video.id}/").content.decode()

    bad = client.post(f"/studio/videos/{video.id}/edit/", {"title": "", "visibility": "secret"})
    assert bad.status_code == 200 and "errors" in bad.content.decode()
    video.refresh_from_db()
    assert video.title == "New title"


def test_thumbnail_upload_and_back_to_the_poster_from_the_edit_page(
    client, django_capture_on_commit_callbacks
):
    video = VideoFactory()
    client.force_login(video.owner)
    url = f"/studio/videos/{video.id}/thumbnail/"
    response = client.post(url, {"file": uploaded(picture("WEBP"), "pic.webp")}, follow=True)
    assert "The new thumbnail is in place" in response.content.decode()
    video.refresh_from_db()
    assert sorted(video.custom_thumbnails, key=int) == ["320", "640", "1280"]
    assert "Use the automatic poster" in response.content.decode()

    refused = client.post(url, {"file": uploaded(b"GIF89a" + b"\0" * 50, "x.png")}, follow=True)
    assert "Thumbnail not changed: GIF images are not accepted" in refused.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        back = client.post(f"/studio/videos/{video.id}/thumbnail/reset/", follow=True)
    assert "The automatic poster is back" in back.content.decode()
    video.refresh_from_db()
    assert video.custom_thumbnails == {} and stored_names(video.id) == set()


def test_delete_asks_first_naming_the_video_then_removes_every_file(
    client, django_capture_on_commit_callbacks
):
    video = VideoFactory(title="Doomed clip")
    files = store_every_kind_of_file(video)
    other = VideoFactory(owner=video.owner)
    kept = store_every_kind_of_file(other)
    url = f"/studio/videos/{video.id}/delete/"
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404 and client.post(url).status_code == 404
    client.force_login(video.owner)
    confirm = client.get(url).content.decode()
    assert "Delete “Doomed clip”?" in confirm and "Delete for good" in confirm
    assert Video.objects.filter(pk=video.pk).exists()  # asking deletes nothing
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, follow=True)
    assert "“Doomed clip” was deleted" in done.content.decode()
    assert not Video.objects.filter(pk=video.pk).exists()
    assert not any(default_storage.exists(name) for name in files)
    assert stored_names(video.id) == set()
    assert stored_names(other.id) == kept


def test_bulk_visibility_changes_only_videos_i_manage(client):
    me = CreatorFactory()
    a, b = VideoFactory(owner=me), VideoFactory(owner=me)
    untouched = VideoFactory(owner=me)
    theirs = VideoFactory(visibility="public")
    client.force_login(me)
    response = client.post(
        "/studio/bulk/visibility/",
        {"ids": [a.id, b.id, theirs.id], "visibility": "private"},
        follow=True,
    )
    assert "Visibility changed for 2 video(s)" in response.content.decode()
    assert {v.visibility for v in Video.objects.filter(pk__in=[a.pk, b.pk])} == {"private"}
    untouched.refresh_from_db()
    theirs.refresh_from_db()
    assert untouched.visibility == "public" and theirs.visibility == "public"
    nothing = client.post("/studio/bulk/visibility/", {"visibility": "private"}, follow=True)
    assert "Select videos" in nothing.content.decode()


def test_bulk_delete_confirms_with_the_names_then_deletes(
    client, django_capture_on_commit_callbacks
):
    me = CreatorFactory()
    a, b = VideoFactory(owner=me, title="First"), VideoFactory(owner=me, title="Second")
    theirs = VideoFactory(title="Not yours")
    files = store_every_kind_of_file(a) | store_every_kind_of_file(b)
    client.force_login(me)
    ids = [a.id, b.id, theirs.id]
    confirm = client.post("/studio/bulk/delete/", {"ids": ids}).content.decode()
    assert "Delete 2 videos?" in confirm and "“First”" in confirm and "“Second”" in confirm
    assert "Not yours" not in confirm
    assert Video.objects.filter(pk__in=[a.pk, b.pk]).count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post("/studio/bulk/delete/confirm/", {"ids": ids}, follow=True)
    assert "2 video(s) deleted" in done.content.decode()
    assert list(Video.objects.filter(pk__in=ids).values_list("pk", flat=True)) == [theirs.pk]
    assert not any(default_storage.exists(name) for name in files)
