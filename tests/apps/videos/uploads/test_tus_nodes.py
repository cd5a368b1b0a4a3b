"""An upload resumes on any web node: its state is in the database and its bytes in storage,
so a node killed mid-upload loses nothing; on S3 (moto) the parts live in the bucket, and a
storage outage is answered 503 + Retry-After with the offset unchanged."""

from __future__ import annotations

import io
import os
import shutil
import signal

import pytest
import requests
from rest_framework.authtoken.models import Token

from apps.videos.models import ResumableUpload, Video
from tests.apps.videos.uploads.tus_protocol import (
    MIB,
    TUS,
    _client,
    _create,
    _patch,
    _stored_bytes,
    stored_parts,
)
from tests.factories import CreatorFactory
from tests.fixtures.processes import process_env, start_daphne, stop
from tests.fixtures.s3 import bucket_keys

pytestmark = pytest.mark.slow


def test_an_upload_started_on_a_node_that_dies_completes_on_another(transactional_db, tmp_path):
    from tusclient.client import TusClient

    creator = CreatorFactory()
    token = Token.objects.create(user=creator).key
    nodes = {}
    for name in ("a", "b"):
        # Each node has a disk of its own (as on two machines): nothing may be kept there.
        disk = tmp_path / f"disk-{name}"
        (disk / "tmp").mkdir(parents=True)
        env = process_env(TMPDIR=str(disk / "tmp"), PIPELINE_WORK_DIR=str(disk / "work"))
        nodes[name] = start_daphne(env, tmp_path / f"{name}.log")
    (node_a, base_a), (node_b, base_b) = nodes["a"], nodes["b"]
    try:
        data = os.urandom(2 * MIB + 321)
        auth = {"Authorization": f"Token {token}"}
        first = TusClient(f"{base_a}/api/v1/uploads/", headers=auth).uploader(
            file_stream=io.BytesIO(data), chunk_size=512 * 1024
        )
        first.metadata = {"filename": "a.mp4", "title": "Two nodes"}
        first.upload(stop_at=MIB)
        assert first.offset == MIB
        stop(node_a, signal.SIGKILL)
        shutil.rmtree(tmp_path / "disk-a")

        # The balancer now sends everything to B: same path, another node.
        url_b = first.url.replace(base_a, base_b)
        second = TusClient(f"{base_b}/api/v1/uploads/", headers=auth).uploader(
            file_stream=io.BytesIO(data), url=url_b, chunk_size=512 * 1024
        )
        assert second.offset == MIB
        second.upload()
        video = Video.objects.get(pk=second.request.response_headers["video-id"])
        assert video.title == "Two nodes" and video.owner == creator
        assert _stored_bytes(video) == data
        assert not stored_parts()
        head = requests.head(url_b, headers={**auth, "Tus-Resumable": "1.0.0"}, timeout=10)
        assert head.headers["Video-Id"] == video.pk
    finally:
        stop(node_a)
        stop(node_b)


def test_on_s3_parts_live_in_the_bucket_and_an_outage_is_a_retry(
    s3, moto_server, transactional_db, tus_uploads, django_capture_on_commit_callbacks
):
    from moto.server import ThreadedMotoServer

    client = _client(CreatorFactory())
    url = _create(client, 6)["Location"]
    assert _patch(client, url, 0, b"\x00bc").status_code == 204
    assert len(bucket_keys(s3, "tus-parts/")) == 1

    # Storage goes away: the PATCH is refused as a retry, nothing is recorded or failed.
    host, port = moto_server.get_host_and_port()
    moto_server.stop()
    down = _patch(client, url, 3, b"def")
    assert down.status_code == 503 and down["Retry-After"]
    assert client.head(url, **TUS)["Upload-Offset"] == "3"
    assert not Video.objects.exists()

    server = ThreadedMotoServer(ip_address=host, port=int(port), verbose=False)
    server.start()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            done = _patch(client, url, 3, b"def")
        assert done.status_code == 204, done.content
        assert _stored_bytes(Video.objects.get(pk=done["Video-Id"])) == b"\x00bcdef"
        assert not bucket_keys(s3, "tus-parts/")
        assert ResumableUpload.objects.get().video_id == done["Video-Id"]
    finally:
        server.stop()


def test_a_patch_while_another_node_writes_is_told_to_retry(transactional_db, tus_uploads):
    """The row lock spans nodes: a second writer gets 423 at once instead of waiting."""
    import threading

    from django.db import connection, transaction

    from tests.conftest import require

    require(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    client = _client(CreatorFactory())
    url = _create(client, 10)["Location"]
    holding, release = threading.Event(), threading.Event()

    def other_node_writing() -> None:
        try:
            with transaction.atomic():
                ResumableUpload.objects.select_for_update().get(pk=url.rsplit("/", 1)[1])
                holding.set()
                release.wait(10)
        finally:
            connection.close()

    writer = threading.Thread(target=other_node_writing)
    writer.start()
    try:
        assert holding.wait(10)
        busy = _patch(client, url, 0, b"abc")
        assert busy.status_code == 423 and busy.json()["error"]
    finally:
        release.set()
        writer.join(10)
    assert _patch(client, url, 0, b"abc").status_code == 204
    assert client.head(url, **TUS)["Upload-Offset"] == "3"


def _s3_traffic(client) -> dict[str, int]:
    """Bytes this process fetches from and sends to S3 through `client`, counted on the
    requests and answers themselves."""
    traffic = {"fetched": 0, "sent": 0}

    def fetched(parsed, **_kwargs) -> None:
        traffic["fetched"] += int(parsed.get("ContentLength") or 0)

    def sent(request, **_kwargs) -> None:
        traffic["sent"] += int(request.headers.get("Content-Length") or 0)

    client.meta.events.register("after-call.s3.GetObject", fetched)
    client.meta.events.register("before-send.s3", sent)
    return traffic


@pytest.mark.parametrize(
    ("chunks_mib", "gathered_mib"),
    [
        ((6, 6, 1), 0),  # big chunks (the upload page sends 8 MB): all copied in the bucket
        ((1, 2, 6, 6, 1), 9),  # parts under S3's 5 MiB minimum are gathered, the rest copied
    ],
)
def test_on_s3_completion_joins_the_parts_in_the_bucket(
    chunks_mib, gathered_mib, s3, transactional_db, tus_uploads, django_capture_on_commit_callbacks
):
    """The completing PATCH does not download the upload and send it again: the bucket joins
    the parts (UploadPartCopy), and the object holds exactly the bytes that were sent."""
    import random

    from django.core.files.storage import default_storage

    sizes = [int(mib * MIB) for mib in chunks_mib]
    data = b"\x00\x00\x00\x18ftypmp42" + random.Random(7).randbytes(sum(sizes) - 12)
    client = _client(CreatorFactory())
    url = _create(client, len(data))["Location"]
    offset = 0
    for size in sizes[:-1]:
        assert _patch(client, url, offset, data[offset : offset + size]).status_code == 204
        offset += size

    traffic = _s3_traffic(default_storage.connection.meta.client)
    with django_capture_on_commit_callbacks(execute=True):
        done = _patch(client, url, offset, data[offset:])
    assert done.status_code == 204, done.content
    # Through this process: the last chunk once (stored as its part), the head sniffed and
    # the small parts gathered; never the whole upload again.
    gathered = gathered_mib * MIB
    assert traffic["fetched"] <= 64 * 1024 + gathered, traffic
    assert traffic["sent"] <= sizes[-1] + gathered + 64 * 1024, traffic
    video = Video.objects.get(pk=done["Video-Id"])
    assert video.source_size == len(data)
    assert _stored_bytes(video) == data
    assert not bucket_keys(s3, "tus-parts/")
