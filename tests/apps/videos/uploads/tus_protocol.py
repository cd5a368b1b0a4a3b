"""Talking tus 1.0.0 to the upload endpoint through Django's test client (shared by the tus
test modules)."""

from __future__ import annotations

import base64

from django.core.files.storage import default_storage
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from apps.videos.models import Video
from apps.videos.uploads.tus_store import PARTS_PREFIX

MIB = 1024 * 1024
TUS = {"HTTP_TUS_RESUMABLE": "1.0.0"}
OCTETS = "application/offset+octet-stream"


def _metadata(**values: str) -> str:
    values = {"filename": "clip.mp4", "title": "My clip", **values}
    return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in values.items())


def _client(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def _create(client: APIClient, length: int, metadata: str | None = None, **extra):
    headers = {**TUS, "HTTP_UPLOAD_LENGTH": str(length), **extra}
    headers["HTTP_UPLOAD_METADATA"] = _metadata() if metadata is None else metadata
    return client.post("/api/v1/uploads/", **headers)


def _patch(client: APIClient, url: str, offset: int, body: bytes, **extra):
    # Headers as a tus client sends them, even for an empty body (the test client would not).
    headers = {"CONTENT_LENGTH": str(len(body)), "HTTP_UPLOAD_OFFSET": str(offset), **TUS}
    return client.generic("PATCH", url, body, content_type=OCTETS, **headers, **extra)


def _stored_bytes(video: Video) -> bytes:
    with default_storage.open(video.source, "rb") as fh:
        return fh.read()


def stored_parts() -> list[str]:
    """Every part in storage, of any upload."""
    try:
        dirs, _ = default_storage.listdir(PARTS_PREFIX)
    except FileNotFoundError:
        return []
    return [
        f"{upload}/{name}"
        for upload in dirs
        for name in default_storage.listdir(f"{PARTS_PREFIX}/{upload}")[1]
    ]
