"""Captions on a real processed video: listed in the served master playlist and MPD, fetched
through the same access checks as segments, and made automatically by the job."""

from __future__ import annotations

import io
import re
import time
import warnings
from pathlib import Path
from urllib.parse import urljoin

import pytest
from django.core.files import File
from django.core.files.storage import default_storage

from apps.captions import services
from apps.captions.models import Caption, CaptionSettings
from apps.captions.speech import transcribe
from apps.videos import services as video_services
from apps.videos.models import Video
from apps.videos.serializers import VideoSerializer
from tests.apps.captions import fake_recognizer
from tests.factories import CreatorFactory, UserFactory
from tests.fixtures.pipeline import wait_for_video

pytestmark = pytest.mark.pipeline

SRT = b"1\n00:00:00,000 --> 00:00:02,500\nHello <b>viewers</b> <script>alert(1)</script>\n"


def _body(response) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Warning)
        return b"".join(response).decode()


def _ready_video(path: Path) -> Video:
    with open(path, "rb") as fh:
        video = video_services.video_create(
            owner=CreatorFactory(), title="Captioned", upload=File(fh, name=path.name),
            filename=path.name,
        )  # fmt: skip
    video = wait_for_video(video.id, timeout=240)
    assert video.status == "ready", video.error
    return video


def _subtitle_uris(master: str) -> list[str]:
    return re.findall(r'^#EXT-X-MEDIA:TYPE=SUBTITLES,.*URI="([^"]+)"', master, re.M)


def _wait_for_caption(video: Video, timeout: float = 60) -> Caption:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        caption = Caption.objects.filter(video=video).first()
        if caption is not None:
            return caption
        time.sleep(0.2)
    raise AssertionError(f"no automatic captions for {video.pk} after {timeout}s")


def test_caption_is_served_with_the_video_and_hidden_with_it(
    pipeline_worker, samples, client, settings
):
    # Automatic captions on, with a recognizer: the upload's job runs on the worker.
    settings.CAPTIONS_RECOGNIZER = "tests.apps.captions.fake_recognizer.recognize"
    CaptionSettings.objects.update_or_create(pk=1, defaults={"automatic_for_new_uploads": True})
    fake_recognizer.HEARD.clear()
    video = _ready_video(samples["mkv_h264_3s.mkv"])
    made = _wait_for_caption(video)
    assert made.automatic and made.language == "en" and made.label == "English"
    [heard] = fake_recognizer.HEARD
    assert heard["rate"] == 16000 and heard["channels"] == 1 and 2.5 < heard["seconds"] < 3.5
    with default_storage.open(made.vtt, "rb") as fh:
        text = fh.read().decode()
    assert "Hello world" in text and "alert" not in text and "onerror" not in text
    video.refresh_from_db()
    master_text = _body(client.get(VideoSerializer(video).data["hls_url"]))
    assert _subtitle_uris(master_text) and 'NAME="English (auto)"' in master_text
    assert transcribe.transcribe(video.id) is None  # idempotent: done once

    # A person's captions of that language replace the automatic ones.
    upload = io.BytesIO(SRT)
    caption = services.caption_upload(
        video=video, by=video.owner, file=upload, language="en", label="English"
    )
    assert caption.pk == made.pk and not caption.automatic
    video.refresh_from_db()
    master_url = VideoSerializer(video).data["hls_url"]
    master = client.get(master_url)
    assert master.status_code == 200
    master_text = _body(master)
    # The stored master was rewritten after publication; its lifetime is seconds, so a viewer
    # who had the old one gets the new list at the next page load.
    assert "max-age=5" in master["Cache-Control"]
    [uri] = _subtitle_uris(master_text)
    assert 'NAME="English",LANGUAGE="en",DEFAULT=NO' in master_text
    variants = [line for line in master_text.splitlines() if line.startswith("#EXT-X-STREAM-INF")]
    assert variants and all('SUBTITLES="subs"' in line for line in variants)

    playlist_url = urljoin(master_url, uri)
    playlist = client.get(playlist_url)
    assert playlist.status_code == 200
    assert "mpegurl" in playlist["Content-Type"].lower()
    vtt_uri = [line for line in _body(playlist).splitlines() if line and line[0] != "#"][0]
    vtt_url = urljoin(playlist_url, vtt_uri)
    vtt = client.get(vtt_url)
    assert vtt.status_code == 200 and vtt["Content-Type"].startswith("text/vtt")
    vtt_text = _body(vtt)
    assert "Hello <b>viewers</b>" in vtt_text and "script" not in vtt_text
    assert client.get(vtt_url, HTTP_RANGE="bytes=0-5").status_code == 206

    mpd = _body(client.get(VideoSerializer(video).data["dash_url"]))
    assert 'mimeType="text/vtt"' in mpd and 'lang="en"' in mpd

    # Private: every caption URL answers 404 to others, old and new keys alike.
    video_services.video_update(video=video, by=video.owner, visibility="private")
    video.refresh_from_db()
    new_vtt_url = VideoSerializer(video).data["captions"][0]["url"]
    for url in (master_url, playlist_url, vtt_url, new_vtt_url):
        assert client.get(url).status_code == 404, url
    client.force_login(UserFactory())
    assert client.get(new_vtt_url).status_code == 404
    client.force_login(video.owner)
    assert client.get(new_vtt_url).status_code == 200

    # Deleting it takes it out of the manifests.
    services.caption_delete(caption=caption, by=video.owner)
    video.refresh_from_db()
    assert _subtitle_uris(_body(client.get(VideoSerializer(video).data["hls_url"]))) == []
