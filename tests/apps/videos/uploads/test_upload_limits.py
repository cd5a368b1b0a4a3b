"""Per-account upload limits (open resumable uploads, uploads a day, bytes stored) and the tus
chunk size: refused with 413/429 and a reason, before any byte is stored."""

from __future__ import annotations

import io

import pytest

from apps.videos.models import ResumableUpload, Video
from tests.apps.videos.uploads.tus_protocol import MIB, TUS, _client, _create, _patch
from tests.factories import CreatorFactory, VideoFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tus_uploads")]


def _open_uploads() -> list:
    return list(ResumableUpload.objects.filter(video_id=""))


def _multipart(client, size: int = 2048):
    data = {"title": "My clip", "file": io.BytesIO(b"\x00" * size)}
    data["file"].name = "clip.mp4"
    return client.post("/api/v1/videos/", data, format="multipart")


def test_open_resumable_uploads_are_capped_per_account(tus_uploads, settings):
    settings.TUS_MAX_OPEN_UPLOADS = 5
    client = _client(CreatorFactory())
    locations = [_create(client, 100)["Location"] for _ in range(5)]
    refused = _create(client, 100)
    assert refused.status_code == 429
    assert "5 unfinished uploads" in refused.json()["error"]
    assert len(_open_uploads()) == 5
    # Another account is not held back, and finishing one frees a place.
    assert _create(_client(CreatorFactory()), 100).status_code == 201
    assert client.delete(locations[0], **TUS).status_code == 204
    assert _create(client, 100).status_code == 201


def test_daily_uploads_cap_answers_429_before_anything_is_stored(tus_uploads, settings, api_client):
    settings.DAILY_UPLOADS = 2
    creator = CreatorFactory()
    VideoFactory.create_batch(2, owner=creator)
    refused = _create(_client(creator), 100)
    assert refused.status_code == 429
    assert "the limit is 2" in refused.json()["error"]
    assert not _open_uploads()
    api_client.force_authenticate(creator)
    response = _multipart(api_client)
    assert response.status_code == 429 and "24 hours" in response.json()["error"]
    assert Video.objects.filter(owner=creator).count() == 2
    # Staff are not limited.
    staff = CreatorFactory(is_staff=True)
    VideoFactory.create_batch(2, owner=staff)
    assert _create(_client(staff), 100).status_code == 201


def test_open_uploads_count_towards_the_daily_cap(settings):
    settings.DAILY_UPLOADS = 2
    client = _client(CreatorFactory())
    assert _create(client, 100).status_code == 201
    assert _create(client, 100).status_code == 201
    assert _create(client, 100).status_code == 429


def test_byte_quota_answers_413_before_anything_is_stored(tus_uploads, settings, api_client):
    settings.USER_QUOTA_GB = 1 / 1024  # 1 MB
    creator = CreatorFactory()
    VideoFactory(owner=creator, source_size=900 * 1024)
    client = _client(creator)
    refused = _create(client, 200 * 1024)
    assert refused.status_code == 413
    assert "quota" in refused.json()["error"]
    assert not _open_uploads()
    assert _create(client, 100 * 1024).status_code == 201
    api_client.force_authenticate(creator)
    response = _multipart(api_client, size=150 * 1024)
    assert response.status_code == 413
    assert "quota" in response.json()["error"]
    assert Video.objects.filter(owner=creator).count() == 1


def test_completing_an_upload_rechecks_the_cap(tus_uploads, settings, api_client):
    """Limits are checked again when the upload becomes a video, under the owner's row lock."""
    settings.DAILY_UPLOADS = 1
    creator = CreatorFactory()
    client = _client(creator)
    location = _create(client, 4)["Location"]
    VideoFactory(owner=creator)  # made meanwhile, another way
    response = _patch(client, location, 0, b"\x00" * 4)
    assert response.status_code == 429
    assert Video.objects.filter(owner=creator).count() == 1
    assert client.head(location, **TUS).status_code == 404


def test_patch_over_the_chunk_limit_is_refused_before_reading(tus_uploads, settings):
    settings.TUS_MAX_CHUNK_MB = 1
    client = _client(CreatorFactory())
    location = _create(client, 3 * MIB)["Location"]
    response = _patch(client, location, 0, b"\x00" * (2 * MIB))
    assert response.status_code == 413
    assert "at most 1 MB" in response.json()["error"]
    assert client.head(location, **TUS)["Upload-Offset"] == "0"
    assert _patch(client, location, 0, b"\x00" * MIB).status_code == 204
