"""The live path on S3 (moto's server, a real endpoint over HTTP): segments and playlists reach
the bucket through the storage API, playlists are served by the site, segments by redirect,
and the recording is stored there too."""

from __future__ import annotations

import time

import pytest

from apps.live import services
from apps.live.models import LiveStream
from tests.fixtures.live_ingest import publish

pytestmark = [pytest.mark.pipeline, pytest.mark.postgres]
BUCKET = "streamsite-live"


@pytest.fixture
def s3(settings, monkeypatch):
    boto3 = pytest.importorskip("boto3")
    server_module = pytest.importorskip("moto.server")
    from streamsite.storage_env import storage_from_env

    server = server_module.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "streamsite-test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "streamsite-test-secret")
    monkeypatch.setenv("STORAGE_URL", f"s3://{BUCKET}?endpoint_url={endpoint}&region=eu-west-1")
    client = boto3.client("s3", endpoint_url=endpoint, region_name="eu-west-1")
    client.create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    settings.STORAGES = {**settings.STORAGES, "default": storage_from_env()}
    settings.MEDIA_IS_LOCAL = False
    yield client
    server.stop()


def _keys(client, prefix: str) -> set[str]:
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix)
    return {item["Key"] for page in pages for item in page.get("Contents", [])}


def test_a_live_stream_on_s3(s3, ingest, creator, client):
    stream = services.live_create(owner=creator, title="Cloudy")
    encoder = publish(f"{ingest.url}/{stream.stream_key}", seconds=6)
    assert encoder.wait(timeout=60) == 0
    deadline = time.monotonic() + 30
    while LiveStream.objects.get(pk=stream.pk).publisher_connected:
        assert time.monotonic() < deadline
        time.sleep(0.2)
    keys = _keys(s3, stream.storage_prefix)
    assert stream.master_name in keys
    assert f"{stream.storage_prefix}hls/180p/index.m3u8" in keys
    assert any(k.endswith(".ts") and "/180p/" in k for k in keys)
    assert f"{stream.storage_prefix}recording/part-0001.flv" in keys
    playlist = client.get(f"/media/{stream.storage_prefix}hls/180p/index.m3u8")
    assert playlist.status_code == 200 and playlist["Cache-Control"] == "no-cache"
    segment = next(line for line in playlist.content.decode().splitlines() if line.endswith(".ts"))
    answer = client.get(f"/media/{stream.storage_prefix}hls/180p/{segment}")
    assert answer.status_code == 302 and BUCKET in answer["Location"]
