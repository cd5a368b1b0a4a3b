"""Odd media through the whole pipeline (issue 17): what a viewer gets from an interlaced
camcorder clip, an HDR clip, a clip with two audio languages, and a phone clip processed on a
machine without ffprobe."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from apps.videos import encoding
from media_pipeline import interlace
from media_pipeline.run import run_tool
from tests.apps.videos.test_pipeline import _fetch_outputs, _import
from tests.fixtures.pipeline import wait_for_video

pytestmark = pytest.mark.pipeline

FFPROBE = shutil.which("ffprobe")
needs_ffprobe = pytest.mark.skipif(not FFPROBE, reason="ffprobe measures the renditions")


def _stream(path: Path, kind: str = "v") -> dict:
    out = subprocess.run(
        [FFPROBE, "-v", "error", "-of", "json", "-protocol_whitelist", "file", "-count_frames"]
        + ["-select_streams", f"{kind}:0", "-show_streams", str(path)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return json.loads(out.stdout)["streams"][0]


@needs_ffprobe
def test_interlaced_camcorder_clip_plays_progressive(samples, pipeline_worker, tmp_path):
    video = wait_for_video(_import(samples["interlaced_tff_2s.mp4"]))
    assert video.status == "ready", video.error
    # 50i: one frame a field.
    assert video.fps == "50"
    top = video.renditions.order_by("-height").first()
    assert (top.width, top.height) == (640, 360)
    out = _fetch_outputs(video, tmp_path / "out")
    # The rung's segments, read as one file: init segment followed by its media segments.
    joined = tmp_path / "top.mp4"
    with open(joined, "wb") as fh:
        fh.write((out / "v" / top.name / "init.mp4").read_bytes())
        for seg in sorted((out / "v" / top.name).glob("seg_*.m4s")):
            fh.write(seg.read_bytes())
    args = interlace.idet_args(
        ffmpeg=encoding.ffmpeg(), source=str(joined), demuxer="mp4", video_stream=0, start_s=0
    )
    counts = interlace.parse_idet(run_tool(args, timeout=60).stderr)
    assert counts is not None and counts.progressive > 30, counts
    assert counts.tff + counts.bff < 5, counts
    assert int(_stream(joined)["nb_read_frames"]) == pytest.approx(100, abs=2)


@needs_ffprobe
def test_hdr_clip_becomes_tagged_sdr(samples, pipeline_worker, tmp_path):
    video = wait_for_video(_import(samples["hdr_pq_2s.mp4"]))
    assert video.status == "ready", video.error
    assert video.plan["hdr_transfer"] == "smpte2084"
    out = _fetch_outputs(video, tmp_path / "out")
    for rung in video.renditions.all():
        stream = _stream(out / "v" / rung.name / "index.m3u8")
        assert stream["pix_fmt"] == "yuv420p"
        tags = [stream.get(k) for k in ("color_transfer", "color_primaries", "color_space")]
        assert tags == ["bt709", "bt709", "bt709"], rung.name


def test_default_audio_track_keeps_its_language(samples, pipeline_worker, tmp_path):
    video = wait_for_video(_import(samples["two_languages_2s.mkv"]))
    assert video.status == "ready", video.error
    out = _fetch_outputs(video, tmp_path / "out")
    master = (out / "master.m3u8").read_text()
    assert re.search(r'#EXT-X-MEDIA:TYPE=AUDIO,.*DEFAULT=YES,.*LANGUAGE="fra"', master), master
    # The other language is offered as an alternate rendition of the same group.
    assert re.search(r'#EXT-X-MEDIA:TYPE=AUDIO,.*DEFAULT=NO,.*LANGUAGE="eng"', master), master
    mpd = (out / "manifest.mpd").read_text()
    assert 'lang="fra"' in mpd and 'lang="eng"' in mpd
    assert (out / "a" / "eng" / "index.m3u8").exists()
    if FFPROBE:
        assert _stream(out / "a" / "init.mp4", "a")["tags"]["language"] == "fra"
        assert _stream(out / "a" / "eng" / "init.mp4", "a")["tags"]["language"] == "eng"
        # A real client reads the master playlist with both renditions.
        _stream(out / "master.m3u8", "a")


def test_rotated_phone_clip_without_ffprobe(samples, pipeline_worker, monkeypatch):
    """A bare machine has the imageio-ffmpeg binary and no ffprobe: the probe parses ffmpeg's
    banner, and the phone clip must still become a portrait ladder."""
    monkeypatch.setattr(encoding, "ffprobe", lambda: None)
    video = wait_for_video(_import(samples["rotated_phone_3s.mp4"]))
    assert video.status == "ready", video.error
    assert (video.width, video.height) == (360, 640)
    top = video.renditions.order_by("-height").first()
    assert (top.width, top.height) == (360, 640)


def test_pixel_budget_refuses_with_a_reason(samples, pipeline_worker, settings):
    # 640x360 at 30 fps for 4 s is 0.028 gigapixels.
    settings.MAX_SOURCE_GIGAPIXELS = 0.01
    video = wait_for_video(_import(samples["tiny_360p_4s.mp4"]), timeout=60)
    assert video.status == "failed"
    assert "640x360 at 30 fps for 4 s" in video.error and "gigapixels" in video.error
    assert not video.renditions.exists()
