"""The pipeline on S3: moto's server is a real S3 endpoint over HTTP, so the upload, every
output, the media view's redirects and the deletion all go through boto3 as in production."""

from __future__ import annotations

import time
import urllib.error
import urllib.parse
import urllib.request
import warnings
from pathlib import Path

import pytest
from django.core.files import File

from apps.videos import services
from apps.videos.delivery.links import media_url
from apps.videos.models import Rendition, Video
from tests.factories import CreatorFactory
from tests.fixtures.pipeline import wait_for_video
from tests.fixtures.s3 import BUCKET, bucket_keys

pytestmark = pytest.mark.pipeline


def test_a_video_processed_on_s3_plays_from_the_bucket_and_leaves_nothing_on_delete(
    s3, pipeline_worker, samples, client
):
    assert Path(samples["tiny_360p_4s.mp4"]).exists()
    owner = CreatorFactory()
    with open(samples["tiny_360p_4s.mp4"], "rb") as fh:
        video = services.video_create(
            owner=owner, title="On S3", upload=File(fh, name="clip.mp4"), filename="clip.mp4"
        )
    video = wait_for_video(video.id)
    assert video.status == "ready" and video.progress == 100, video.error

    out = video.output_prefix
    # The workers' scratch space leaves the bucket just after the last step commits.
    deadline = time.monotonic() + 10
    while (
        any(k.startswith(f"{out}work/") for k in bucket_keys(s3, out))
        and time.monotonic() < deadline
    ):
        time.sleep(0.1)
    keys = bucket_keys(s3, video.storage_prefix)
    assert not any(key.startswith(f"{out}work/") for key in keys)
    renditions = list(Rendition.objects.filter(video=video, generation=video.generation))
    assert sorted(r.name for r in renditions) == ["144p", "240p", "360p"]
    for rendition in renditions:
        assert rendition.playlist in keys and rendition.init_segment in keys
        segments = {name for name, _duration, _bytes in rendition.segments}
        assert segments and segments <= keys
    for name in ("master.m3u8", "manifest.mpd"):
        assert f"{out}{name}" in keys
    assert video.poster in keys and video.sprite_vtt in keys
    assert video.source in keys

    # Playlists come through the site; media bytes come straight from the bucket.
    master = client.get(media_url(f"{out}master.m3u8", video.media_key))
    assert master.status_code == 200
    with warnings.catch_warnings():  # the view streams asynchronously, for Daphne
        warnings.simplefilter("ignore", Warning)
        body = b"".join(master)
    assert b"#EXT-X-STREAM-INF" in body and b"360p" in body
    segment = renditions[0].segments[0][0]
    redirect = client.get(media_url(segment, video.media_key))
    assert redirect.status_code == 302
    assert redirect["Location"].startswith(f"{s3.meta.endpoint_url}/{BUCKET}/{segment}?")
    with urllib.request.urlopen(redirect["Location"], timeout=10) as response:
        data = response.read()
    assert data[4:8] in (b"styp", b"moof")  # a CMAF media segment

    services.video_delete(video=Video.objects.get(pk=video.pk), by=owner)
    assert bucket_keys(s3, video.storage_prefix) == set()


def test_on_s3_a_public_link_stops_working_when_the_video_turns_private(s3, db, client):
    """Against the bucket: the site's segment URL redirects to a signed URL that expires in
    MEDIA_URL_EXPIRE_S; once the video is private the old URL answers 404; the bucket itself
    serves nothing unsigned."""
    import io

    from django.core.files.storage import default_storage

    from tests.factories import VideoFactory

    video = VideoFactory(visibility="public")
    name = f"videos/{video.id}/g1/v/360p/seg_00000.m4s"
    default_storage.save(name, io.BytesIO(b"\x00\x00\x00\x18stypmsdh"))
    default_storage.save(f"videos/{video.id}/source/original", io.BytesIO(b"GPS secret"))
    url = media_url(name, video.media_key)
    redirect = client.get(url)
    assert redirect.status_code == 302
    signed = redirect["Location"]
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(signed).query))
    assert "Signature" in query or "X-Amz-Signature" in query
    lifetime = int(query["X-Amz-Expires"]) if "X-Amz-Expires" in query else None
    lifetime = lifetime or int(query["Expires"]) - time.time()
    assert 0 < lifetime <= 300 + 5  # MEDIA_URL_EXPIRE_S, not hours
    with urllib.request.urlopen(signed, timeout=10) as response:
        assert response.read()[4:8] == b"styp"
    # Nothing is readable from the bucket without a signature: not outputs, not the original.
    endpoint = s3.meta.endpoint_url
    for key in (name, f"videos/{video.id}/source/original"):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{endpoint}/{BUCKET}/{key}", timeout=10)
        assert refused.value.code == 403

    services.video_update(video=video, by=video.owner, visibility="private")
    assert client.get(url).status_code == 404
    client.force_login(video.owner)
    assert client.get(url).status_code == 404
    assert client.get(media_url(name, video.media_key)).status_code == 302
    assert (
        client.get(f"/media/{video.media_key}/videos/{video.id}/source/original").status_code == 404
    )
