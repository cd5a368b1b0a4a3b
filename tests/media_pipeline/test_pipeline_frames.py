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


def test_small_rungs_keep_the_quality_of_a_full_decode(ffmpeg_bin: str, tmp_path: Path) -> None:
    """A low-bitrate source leans on its in-loop deblocking: a decode that skipped it would
    drift until the next keyframe (30 dB here instead of 38 dB)."""
    from fractions import Fraction

    from media_pipeline.ladder import Chunk, Rung, plan_segmenting

    source = tmp_path / "grainy_480p.mp4"
    run_tool(
        [ffmpeg_bin, "-v", "error", "-f", "lavfi",
         "-i", "testsrc2=size=864x480:rate=30:duration=4,noise=alls=30:allf=t",
         "-c:v", "libx264", "-preset", "veryfast", "-b:v", "400k", "-pix_fmt", "yuv420p",
         str(source)],
        timeout=60,
    )  # fmt: skip
    seg = plan_segmenting(Fraction(30))
    out = tmp_path / "144p.mp4"
    run_tool(
        commands.chunk_encode_args(
            ffmpeg=ffmpeg_bin, source=str(source), demuxer="mov",
            chunk=Chunk(index=0, start_frame=0, frames=120, fps=Fraction(30)), seg=seg,
            rungs=[Rung("144p", 256, 144, 150, 225, 300)], outputs={"144p": str(out)},
            small_rungs=True,
        ),
        timeout=60,
    )  # fmt: skip
    stats = run_tool(
        [ffmpeg_bin, "-i", str(out), "-i", str(source), "-lavfi",
         "[1:v]scale=256:144:flags=area[ref];[0:v][ref]psnr", "-f", "null", "-"],
        timeout=60,
    ).stderr  # fmt: skip
    average = float(stats.rsplit("average:", 1)[1].split()[0])
    assert average > 35, stats[-300:]
