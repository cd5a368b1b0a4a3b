"""The live path on S3 (moto's server, a real endpoint over HTTP): segments and playlists reach
the bucket through the storage API, playlists are served by the site, segments by redirect,
and the recording is stored there too."""

from __future__ import annotations

import time

import pytest

from apps.live import services
from apps.live.models import LiveStream
from tests.fixtures.live_ingest import publish
from tests.fixtures.s3 import BUCKET, bucket_keys

pytestmark = [pytest.mark.pipeline, pytest.mark.postgres]


def test_a_live_stream_on_s3(s3, ingest, creator, client):
    stream = services.live_create(owner=creator, title="Cloudy")
    encoder = publish(f"{ingest.url}/{stream.stream_key}", seconds=6)
    assert encoder.wait(timeout=60) == 0
    deadline = time.monotonic() + 30
    while LiveStream.objects.get(pk=stream.pk).publisher_connected:
        assert time.monotonic() < deadline
        time.sleep(0.2)
    keys = bucket_keys(s3, stream.storage_prefix)
    assert stream.master_name in keys
    assert f"{stream.storage_prefix}hls/180p/index.m3u8" in keys
    assert any(k.endswith(".ts") and "/180p/" in k for k in keys)
    assert f"{stream.storage_prefix}recording/part-0001.flv" in keys
    playlist = client.get(f"/media/{stream.storage_prefix}hls/180p/index.m3u8")
    assert playlist.status_code == 200 and playlist["Cache-Control"] == "no-cache"
    segment = next(line for line in playlist.content.decode().splitlines() if line.endswith(".ts"))
    answer = client.get(f"/media/{stream.storage_prefix}hls/180p/{segment}")
    assert answer.status_code == 302 and BUCKET in answer["Location"]
