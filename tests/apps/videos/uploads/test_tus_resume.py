"""The tus 1.0.0 upload endpoint with real clients over the network: tuspy against Daphne,
and uploads that resume after a dropped connection."""

from __future__ import annotations

import http.client
import io
import os
import socket
import time
from urllib.parse import urlsplit

import pytest
import requests
from rest_framework.authtoken.models import Token

from apps.videos.models import Video
from tests.apps.videos.uploads.tus_protocol import (
    MIB,
    OCTETS,
    TUS,
    _client,
    _create,
    _patch,
    _stored_bytes,
    stored_parts,
)
from tests.factories import CreatorFactory

pytestmark = pytest.mark.usefixtures("tus_uploads")


# --- with a real tus client over the network --------------------------------------------------


def _tus_client(live_site: str, user):
    from tusclient.client import TusClient

    token = Token.objects.create(user=user).key
    return TusClient(f"{live_site}/api/v1/uploads/", headers={"Authorization": f"Token {token}"})


def test_creator_uploads_in_chunks_with_tuspy(live_site, tus_uploads):
    creator = CreatorFactory()
    data = os.urandom(3 * MIB + 123)
    uploader = _tus_client(live_site, creator).uploader(
        file_stream=io.BytesIO(data),
        chunk_size=MIB,
        metadata={
            "filename": "holiday.mp4",
            "title": "Holiday ✈",
            "description": "Sun and sea",
            "visibility": "unlisted",
            "content_warning": "Loud music",
        },
    )
    uploader.upload()

    video_id = uploader.request.response_headers["video-id"]
    assert uploader.request.status_code == 204
    assert uploader.request.response_headers["upload-offset"] == str(len(data))
    video = Video.objects.get(pk=video_id)
    assert video.owner == creator and video.title == "Holiday ✈"
    assert video.description == "Sun and sea" and video.visibility == "unlisted"
    assert video.content_warning == "Loud music" and video.original_filename == "holiday.mp4"
    assert video.source_size == len(data)
    assert _stored_bytes(video) == data
    # The partial data is gone; only the small receipt naming the video stays until expiry.
    assert not stored_parts()
    head = requests.head(uploader.url, headers=uploader.get_headers())
    assert head.status_code == 200 and head.headers["Video-Id"] == video_id


def _cut_short_patch(base: str, path: str, token: str, offset: int, body: bytes) -> None:
    """A PATCH that announces len(body) * 2 bytes, sends half of them and hangs up."""
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    conn.putrequest("PATCH", path)
    for name, value in {
        "Tus-Resumable": "1.0.0",
        "Authorization": f"Token {token}",
        "Content-Type": OCTETS,
        "Upload-Offset": str(offset),
        "Content-Length": str(len(body) * 2),
    }.items():
        conn.putheader(name, value)
    conn.endheaders()
    conn.send(body)
    conn.sock.shutdown(socket.SHUT_RDWR)
    conn.close()


def test_upload_resumes_from_the_servers_offset_after_a_drop(live_site):
    creator = CreatorFactory()
    data = os.urandom(3 * MIB)
    client = _tus_client(live_site, creator)
    first = client.uploader(file_stream=io.BytesIO(data), chunk_size=512 * 1024)
    first.metadata = {"filename": "a.mp4", "title": "Resumed"}
    first.upload(stop_at=MIB + 512 * 1024)
    sent = first.offset
    assert sent == MIB + 512 * 1024

    # A new process: only the URL survived. The server tells it where to go on.
    second = client.uploader(file_stream=io.BytesIO(data), url=first.url, chunk_size=512 * 1024)
    assert second.offset == sent

    # A PATCH cut off mid-body. Daphne passes on only whole requests, so the server either
    # kept what arrived (servers that stream) or nothing of it; either way it stays consistent.
    path = urlsplit(first.url).path
    token = client.headers["Authorization"].split()[1]
    _cut_short_patch(live_site, path, token, sent, data[sent : sent + 256 * 1024])
    time.sleep(0.5)
    second.offset = second.get_offset()
    assert sent <= second.offset <= sent + 256 * 1024

    second.upload()
    video = Video.objects.get(pk=second.request.response_headers["video-id"])
    assert video.title == "Resumed" and video.owner == creator
    assert _stored_bytes(video) == data


class _HangsUpHalfway(io.RawIOBase):
    """A WSGI input that delivers some bytes and then fails like a dropped connection."""

    def __init__(self, data: bytes) -> None:
        self.stream = io.BytesIO(data)

    def read(self, size: int = -1) -> bytes:
        chunk = self.stream.read(size)
        if not chunk:
            raise OSError("connection reset by peer")
        return chunk


@pytest.mark.django_db
def test_a_patch_cut_short_keeps_the_bytes_that_arrived():
    client = _client(CreatorFactory())
    url = _create(client, 4096)["Location"]
    half = os.urandom(1000)
    response = client.generic(
        "PATCH",
        url,
        content_type=OCTETS,
        HTTP_UPLOAD_OFFSET="0",
        CONTENT_LENGTH="2000",
        **{"wsgi.input": _HangsUpHalfway(half)},
        **TUS,
    )
    assert response.status_code == 400 and response["Upload-Offset"] == "1000"
    assert client.head(url, **TUS)["Upload-Offset"] == "1000"
    rest = os.urandom(3096)
    done = _patch(client, url, 1000, rest)
    assert done.status_code == 204, done.content
    assert _stored_bytes(Video.objects.get(pk=done["Video-Id"])) == half + rest
