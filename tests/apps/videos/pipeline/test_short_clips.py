"""Clips too short for anything sampled "every N seconds": one frame, and under a second. They
get a poster, a seek-preview sprite and every rung, like any other video."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from django.core.files import File
from django.core.files.storage import default_storage

from apps.videos import services
from tests.factories import CreatorFactory
from tests.fixtures.pipeline import wait_for_video
from tests.media_samples import _default_ffmpeg

pytestmark = pytest.mark.pipeline

CLIPS = {
    # name: ffmpeg input arguments (tiny lavfi sources; x264 ultrafast)
    "one_frame.mp4": ["-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25", "-frames:v", "1"],
    "half_second.mp4": [
        "-f",
        "lavfi",
        "-i",
        "testsrc2=size=640x360:rate=30:duration=0.5",
        "-f",
        "lavfi",
        "-i",
        "sine=frequency=440:sample_rate=48000:duration=0.5",
        "-c:a",
        "aac",
        "-b:a",
        "64k",
    ],  # fmt: skip
}


@pytest.fixture(scope="module")
def short_clips(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("short")
    paths = {}
    for name, args in CLIPS.items():
        path = out / name
        cmd = [_default_ffmpeg(), "-hide_banner", "-nostdin", "-v", "error", "-y", *args]
        cmd += ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", str(path)]
        subprocess.run(cmd, check=True, capture_output=True, timeout=60)
        paths[name] = path
    return paths


@pytest.mark.parametrize("name", sorted(CLIPS))
def test_short_clip_gets_poster_sprite_and_every_rung(name, short_clips, pipeline_worker):
    path = short_clips[name]
    with open(path, "rb") as fh:
        video = services.video_create(
            owner=CreatorFactory(), title=name, upload=File(fh), filename=name
        )
    video = wait_for_video(video.id, timeout=120)
    assert video.status == "ready" and video.progress == 100, video.error
    assert video.error is None
    assert [r.name for r in video.renditions.order_by("height")] == ["144p", "240p", "360p"]
    assert not video.tasks.filter(done_at=None).exists()
    assert video.poster and default_storage.exists(video.poster)
    vtt = default_storage.open(video.sprite_vtt).read().decode()
    assert vtt.count("#xywh=") >= 1
    assert default_storage.exists(video.sprite_vtt.rsplit("/", 1)[0] + "/sprite.jpg")
