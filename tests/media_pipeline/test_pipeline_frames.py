"""Chunk joins pick exactly the frames a single pass would, in the awkward cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from media_pipeline import commands
from media_pipeline.probe import ProbeLimits, probe
from media_pipeline.run import run_tool

from .helpers import assert_frames_aligned, encode_whole, psnr

pytestmark = pytest.mark.pipeline


def test_rotated_source_comes_out_upright(
    samples: dict[str, Path], ffmpeg_bin: str, ffprobe_bin: str, tmp_path: Path
) -> None:
    source = samples["rotated_phone_3s.mp4"]
    info, joined, seg, starts = encode_whole(ffmpeg_bin, ffprobe_bin, source, tmp_path)
    out = run_tool(
        [
            ffprobe_bin,
            "-v",
            "error",
            "-show_entries",
            "stream=width,height",
            "-of",
            "csv=p=0",
            str(joined),
        ],
        timeout=30,
    ).stdout.strip()
    assert out == "360,640"
    # ffmpeg autorotates the reference too, so a high PSNR means the picture is upright.
    assert min(psnr(ffmpeg_bin, joined, source, seg.fps, tmp_path)) > 30


def test_mpegts_is_remuxed_for_exact_seeks(
    samples: dict[str, Path], ffmpeg_bin: str, ffprobe_bin: str, tmp_path: Path
) -> None:
    source = samples["ts_2s.ts"]
    info = probe(source, ffmpeg=ffmpeg_bin, ffprobe=ffprobe_bin, limits=ProbeLimits())
    assert commands.needs_remux(info.demuxer)
    remuxed = tmp_path / "remuxed.mkv"
    run_tool(
        commands.remux_args(
            ffmpeg=ffmpeg_bin, source=str(source), demuxer=info.demuxer, out_path=str(remuxed)
        ),
        timeout=60,
    )
    again, joined, seg, starts = encode_whole(ffmpeg_bin, ffprobe_bin, remuxed, tmp_path)
    assert again.demuxer == "matroska" and again.start_time == 0
    assert again.duration == pytest.approx(info.duration, abs=0.05)
    assert_frames_aligned(ffmpeg_bin, joined, source, seg.fps, tmp_path, starts)


def test_halved_frame_rate_keeps_the_single_pass_frames(
    samples: dict[str, Path], ffmpeg_bin: str, ffprobe_bin: str, tmp_path: Path
) -> None:
    """60 -> 30 fps: every other source frame sits exactly half-way between output frames, so
    a grid anchored a hair off at a chunk start picks the other one."""
    source = samples["chunky_60fps_14s.mp4"]
    _, joined, seg, starts = encode_whole(ffmpeg_bin, ffprobe_bin, source, tmp_path, fps_cap=30)
    assert seg.fps == 30
    assert_frames_aligned(ffmpeg_bin, joined, source, seg.fps, tmp_path, starts)
