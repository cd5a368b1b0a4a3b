"""Download of the original: off by default, on by the owner's choice, through the same checks
as the video's media (who may watch it, the current media_key), as an attachment with a name
made from the title, never from the client's file name."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from apps.videos import services
from tests.apps.videos.studio.conftest import body
from tests.factories import UserFactory, VideoFactory

pytestmark = pytest.mark.django_db

ORIGINAL = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 8


def _with_original(**fields):
    video = VideoFactory(original_filename="holiday.MP4", **fields)
    video.source = default_storage.save(
        f"{video.storage_prefix}source/original", ContentFile(ORIGINAL, name="original")
    )
    video.save()
    return video


def _link(video) -> str:
    return f"/watch/{video.id}/download/{video.media_key}/"


def test_downloads_are_off_by_default(client):
    video = _with_original()
    assert not video.downloads_enabled
    assert b"data-download" not in client.get(f"/watch/{video.id}/").content
    assert client.get(_link(video)).status_code == 404


@pytest.mark.parametrize("status", ["uploaded", "processing", "failed"])
def test_only_a_ready_video_offers_its_original(client, status):
    video = _with_original(status=status, downloads_enabled=True)
    assert b"data-download" not in client.get(f"/watch/{video.id}/").content
    assert client.get(_link(video)).status_code == 404


def test_when_on_the_watch_page_links_the_original_as_an_attachment(client):
    video = _with_original(title='Our "trip"\r\nSet-Cookie: x=1 ../../etc', downloads_enabled=True)
    page = client.get(f"/watch/{video.id}/").content.decode()
    assert f'href="{_link(video)}"' in page and ">Download</a>" in page
    response = client.get(_link(video))
    assert response.status_code == 200 and body(response) == ORIGINAL
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == (
        'attachment; filename="our-trip-set-cookie-x1-etc.mp4"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"


def test_an_odd_client_file_name_never_reaches_the_header(client):
    video = _with_original(title="Ünïcode ✓", downloads_enabled=True)
    video.original_filename = 'x.mp4"; filename=evil.html'
    video.save()
    disposition = client.get(_link(video))["Content-Disposition"]
    assert disposition == 'attachment; filename="unicode"'


def test_the_same_checks_as_the_media(client):
    private = _with_original(visibility="private", downloads_enabled=True)
    assert client.get(_link(private)).status_code == 404
    client.force_login(UserFactory())
    assert client.get(_link(private)).status_code == 404
    client.force_login(private.owner)
    assert client.get(_link(private)).status_code == 200

    public = _with_original(downloads_enabled=True)
    old_link = _link(public)
    assert client.get(old_link).status_code == 200
    services.video_update(video=public, by=public.owner, visibility="unlisted")
    assert client.get(old_link).status_code == 404  # the media_key moved on
    assert client.get(_link(public)).status_code == 200
    services.video_update(video=public, by=public.owner, downloads_enabled=False)
    assert client.get(_link(public)).status_code == 404


def test_on_s3_the_download_is_a_signed_redirect_naming_the_file(client, s3):
    video = _with_original(title="Bucket clip", downloads_enabled=True)
    response = client.get(_link(video))
    assert response.status_code == 302
    location = response["Location"]
    assert "Signature" in location or "X-Amz-Signature" in location
    assert "response-content-disposition=attachment" in location
    assert "bucket-clip.mp4" in location


def test_the_owner_turns_downloads_on_through_the_api(api_client, client):
    video = _with_original()
    api_client.force_authenticate(video.owner)
    response = api_client.patch(
        f"/api/v1/videos/{video.id}/", {"downloads_enabled": True}, format="json"
    )
    assert response.status_code == 200 and response.json()["downloads_enabled"] is True
    assert client.get(_link(video)).status_code == 200
