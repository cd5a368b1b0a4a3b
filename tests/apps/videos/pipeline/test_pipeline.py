"""The whole pipeline on real clips: every good sample becomes an adaptive stream with a sound
ladder; every bad one fails with its own reason."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from fractions import Fraction
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from PIL import Image

from apps.videos import services
from apps.videos.models import Video
from apps.videos.pipeline import storage
from tests.conftest import require
from tests.factories import CreatorFactory
from tests.fixtures.pipeline import wait_for_video

pytestmark = pytest.mark.pipeline

FFPROBE = shutil.which("ffprobe")


def _import(path: Path, title: str = "Clip") -> str:
    with open(path, "rb") as fh:
        video = services.video_create(
            owner=CreatorFactory(), title=title, upload=File(fh, name=path.name), filename=path.name
        )
    return video.id


def _fetch_outputs(video: Video, dest: Path) -> Path:
    for name in storage.walk(video.output_prefix):
        target = dest / name.removeprefix(video.output_prefix)
        storage.download(name, target)
    return dest


def _ffprobe_json(*args: str) -> dict:
    out = subprocess.run(
        [FFPROBE, "-v", "error", "-print_format", "json", *args],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return json.loads(out.stdout)


GOOD = {
    # name: (display width, height of the top rung, rung names)
    "tiny_360p_4s.mp4": ((640, 360), ["144p", "240p", "360p"]),
    "vertical_720x1280_3s.mp4": ((720, 1280), ["144p", "240p", "360p", "480p", "720p"]),
    "no_audio_480p_3s.mp4": ((854, 480), ["144p", "240p", "360p", "480p"]),
    "vp9_opus_3s.webm": ((640, 360), ["144p", "240p", "360p"]),
    "rotated_phone_3s.mp4": ((360, 640), ["144p", "240p", "360p"]),
    "mkv_h264_3s.mkv": (None, None),
    "avi_mpeg4_2s.avi": (None, None),
    "ts_2s.ts": (None, None),
    "flv_2s.flv": (None, None),
}


@pytest.mark.parametrize("name", sorted(GOOD))
def test_good_sample_becomes_a_sound_ladder(name, samples, pipeline_worker, tmp_path):
    video = wait_for_video(_import(samples[name]))
    assert video.status == "ready", video.error
    assert video.progress == 100 and video.error is None
    renditions = list(video.renditions.order_by("height"))
    top_size, names = GOOD[name]
    if names:
        assert [r.name for r in renditions] == names
        top = max(renditions, key=lambda r: r.width * r.height)
        assert (top.width, top.height) == top_size
    for r in renditions:
        assert r.width % 2 == 0 and r.height % 2 == 0
        # Aspect kept within rounding to even pixels.
        assert abs(r.width / r.height - video.width / video.height) < 0.03

    # Every rung is cut at the same times.
    boundaries = {tuple(round(d, 3) for _, d, _ in r.segments) for r in renditions}
    assert len(boundaries) == 1

    out = _fetch_outputs(video, tmp_path / "out")
    master = (out / "master.m3u8").read_text()
    # BANDWIDTH is the measured peak: no video segment, plus the audio's peak, goes above it.
    declared = {
        m["res"]: int(m["bw"])
        for m in re.finditer(r"BANDWIDTH=(?P<bw>\d+),.*RESOLUTION=(?P<res>\d+x\d+)", master)
    }
    audio_peak = video.plan.get("audio", {}).get("peak_bps", 0)
    for r in renditions:
        for _, duration, size in r.segments:
            assert size * 8 / duration + audio_peak <= declared[f"{r.width}x{r.height}"]
    assert "AVERAGE-BANDWIDTH=" in master and "FRAME-RATE=" in master and "CODECS=" in master
    assert ("TYPE=AUDIO" in master) == video.has_audio
    for r in renditions:
        assert f"RESOLUTION={r.width}x{r.height}" in master
    assert (out / "manifest.mpd").exists()
    assert video.poster and default_storage.exists(video.poster)
    # The poster comes from the top rung, not the lowest one: it has the top rung's sizes.
    top = renditions[-1]
    sharp = max([w for w in (320, 640, 1280) if w <= top.width] or [top.width])
    assert max(int(w) for w in video.thumbnails) == sharp
    with default_storage.open(video.poster) as fh, Image.open(fh) as poster:
        assert poster.width == sharp
    assert video.sprite_vtt and "#xywh=" in default_storage.open(video.sprite_vtt).read().decode()

    if FFPROBE:
        # A real client reads the master playlist and every rung plays the whole duration.
        info = _ffprobe_json(
            "-protocol_whitelist", "file", "-show_streams", "-show_format", str(out / "master.m3u8")
        )
        assert float(info["format"]["duration"]) == pytest.approx(video.duration, abs=0.2)
        for r in renditions:
            rung = _ffprobe_json(
                "-protocol_whitelist",
                "file",
                "-count_frames",
                "-select_streams",
                "v:0",
                "-show_streams",
                str(out / "v" / r.name / "index.m3u8"),
            )["streams"][0]
            fps = Fraction(video.fps)
            expected = round(video.duration * fps)
            assert abs(int(rung["nb_read_frames"]) - expected) <= 1
            assert (rung["width"], rung["height"]) == (r.width, r.height)


BAD = {
    "empty.mp4": r"empty",
    "text_named.mp4": r"text",
    "truncated.mp4": r"truncated|damaged|incomplete",
    "playlist.mp4": r"playlist",
    "concat.mp4": r"[Cc]oncat",
    "image.mp4": r"image",
    "audio_only.mp4": r"audio",
    "random.mp4": r"not a (supported )?video|recogni",
    "tiny_gif.mp4": r"image|GIF|animation",
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_sample_fails_with_its_reason(name, samples, pipeline_worker):
    """Obvious non-videos are refused at upload; the rest fail in the worker, never crash it."""
    try:
        video_id = _import(samples[name])
    except ValidationError as refused:
        assert re.search(BAD[name], " ".join(refused.messages)), refused.messages
        assert not Video.objects.exists()
        return
    video = wait_for_video(video_id, timeout=60)
    assert video.status == "failed"
    assert re.search(BAD[name], video.error), video.error
    assert not video.renditions.exists()


def test_chunk_joins_are_invisible(samples, pipeline_worker, tmp_path, settings):
    """A 14 s 60 fps clip is cut into several chunks: the joined rung has every frame once,
    keyframes at the same times on every rung, and no timestamp gap."""
    settings.PIPELINE_SEGMENTS_PER_CHUNK = 1
    video = wait_for_video(_import(samples["chunky_60fps_14s.mp4"]))
    assert video.status == "ready", video.error
    assert len(video.plan["chunks"]) >= 2
    # Chunks are whole GOPs placed next to the source's keyframes (every 250 frames here), so
    # some join falls inside a segment: that join must be as invisible as the others.
    assert any(c["start_frame"] % video.plan["segment_frames"] for c in video.plan["chunks"])
    require(bool(FFPROBE), "ffprobe")
    out = _fetch_outputs(video, tmp_path / "out")
    keyframes = {}
    for r in video.renditions.all():
        frames = _ffprobe_json(
            "-protocol_whitelist",
            "file",
            "-select_streams",
            "v:0",
            "-show_entries",
            "packet=pts_time,flags",
            str(out / "v" / r.name / "index.m3u8"),
        )["packets"]
        times = sorted(float(p["pts_time"]) for p in frames)
        assert len(times) == round(video.duration * Fraction(video.fps))
        step = 1 / float(Fraction(video.fps))
        gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
        assert max(gaps) < step * 1.5 and min(gaps) > step * 0.5
        keyframes[r.name] = [round(float(p["pts_time"]), 3) for p in frames if "K" in p["flags"]]
    assert len({tuple(k) for k in keyframes.values()}) == 1
