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

from apps.videos.pipeline import encoding
from media_pipeline import interlace
from media_pipeline.probe_parse import StreamInfo, parse_ffmpeg_banner
from media_pipeline.run import ToolFailed, run_tool
from tests.apps.videos.pipeline.test_pipeline import _fetch_outputs, _import
from tests.fixtures.pipeline import wait_for_video

pytestmark = pytest.mark.pipeline

FFPROBE = shutil.which("ffprobe")


def _stream(path: Path, kind: str = "v") -> dict:
    out = subprocess.run(
        [FFPROBE, "-v", "error", "-of", "json", "-protocol_whitelist", "file"]
        + ["-select_streams", f"{kind}:0", "-show_streams", str(path)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return json.loads(out.stdout)["streams"][0]


def _rung_file(out: Path, rung: str, dest: Path) -> Path:
    """A rung's init segment followed by its media segments: one playable MP4."""
    with open(dest, "wb") as fh:
        fh.write((out / "v" / rung / "init.mp4").read_bytes())
        for seg in sorted((out / "v" / rung).glob("seg_*.m4s")):
            fh.write(seg.read_bytes())
    return dest


def _banner(path: Path) -> tuple[StreamInfo, str]:
    """The video stream as ffmpeg itself describes it (no ffprobe needed), and its line."""
    try:
        stderr = run_tool([encoding.ffmpeg(), "-hide_banner", "-i", str(path)], timeout=30).stderr
    except ToolFailed as exc:  # no output file: ffmpeg exits 1 after the description
        stderr = exc.stderr
    info = parse_ffmpeg_banner(stderr)
    assert info is not None, stderr
    line = next(line for line in stderr.splitlines() if "Video:" in line)
    return next(s for s in info.streams if s.kind == "video"), line


def _frames(path: Path) -> int:
    listing = run_tool(
        [encoding.ffmpeg(), "-v", "error", "-i", str(path), "-map", "0:v:0", "-c", "copy"]
        + ["-f", "framecrc", "-"],
        timeout=60,
    ).stdout
    return sum(1 for line in listing.splitlines() if line[:1].isdigit())


def test_interlaced_camcorder_clip_plays_progressive(samples, pipeline_worker, tmp_path):
    video = wait_for_video(_import(samples["interlaced_tff_2s.mp4"]))
    assert video.status == "ready", video.error
    # 50i: one frame a field.
    assert video.fps == "50"
    top = video.renditions.order_by("-height").first()
    assert (top.width, top.height) == (640, 360)
    joined = _rung_file(_fetch_outputs(video, tmp_path / "out"), top.name, tmp_path / "top.mp4")
    args = interlace.idet_args(
        ffmpeg=encoding.ffmpeg(), source=str(joined), demuxer="mp4", video_stream=0, start_s=0
    )
    counts = interlace.parse_idet(run_tool(args, timeout=60).stderr)
    assert counts is not None and counts.progressive > 30, counts
    assert counts.tff + counts.bff < 5, counts
    assert _frames(joined) == pytest.approx(100, abs=2)


def test_hdr_clip_becomes_tagged_sdr(samples, pipeline_worker, tmp_path):
    video = wait_for_video(_import(samples["hdr_pq_2s.mp4"]))
    assert video.status == "ready", video.error
    assert video.plan["hdr_transfer"] == "smpte2084"
    out = _fetch_outputs(video, tmp_path / "out")
    for rung in video.renditions.all():
        stream, line = _banner(_rung_file(out, rung.name, tmp_path / f"{rung.name}.mp4"))
        assert "yuv420p(" in line, line  # 8 bits
        tags = (stream.color_transfer, stream.color_primaries, stream.color_space)
        assert tags == ("bt709", "bt709", "bt709"), (rung.name, line)


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
