"""Shared steps for the pipeline tests: encode chunks, join them, measure the result."""

from __future__ import annotations

import re
import subprocess
from fractions import Fraction
from pathlib import Path

from media_pipeline import commands
from media_pipeline.ladder import (
    Chunk,
    Rung,
    Segmenting,
    ladder_from_settings,
    output_fps,
    plan_chunks,
    plan_ladder,
    plan_segmenting,
)
from media_pipeline.probe import MediaInfo, ProbeLimits, probe
from media_pipeline.run import run_tool


def encode_chunks(
    ffmpeg: str,
    info: MediaInfo,
    source: Path,
    seg: Segmenting,
    chunks: list[Chunk],
    rungs: list[Rung],
    work: Path,
    preset: str = "ultrafast",
) -> dict[str, list[Path]]:
    parts: dict[str, list[Path]] = {r.name: [] for r in rungs}
    for chunk in chunks:
        outputs = {r.name: str(work / f"{r.name}_{chunk.index}.mp4") for r in rungs}
        args = commands.chunk_encode_args(
            ffmpeg=ffmpeg,
            source=str(source),
            demuxer=info.demuxer,
            chunk=chunk,
            seg=seg,
            rungs=rungs,
            outputs=outputs,
            preset=preset,
            video_stream=info.video_stream,
        )
        run_tool(args, timeout=120, cwd=work)
        for rung in rungs:
            parts[rung.name].append(Path(outputs[rung.name]))
    return parts


def join(ffmpeg: str, parts: list[Path], out: Path) -> Path:
    list_path = out.with_suffix(".ffconcat")
    list_path.write_text(commands.concat_list([str(p) for p in parts]))
    run_tool(
        commands.concat_args(ffmpeg=ffmpeg, list_path=str(list_path), out_path=str(out)), timeout=60
    )
    return out


def packets(ffprobe: str, path: Path) -> list[tuple[float, bool]]:
    out = subprocess.run(
        [
            ffprobe,
            "-v",
            "error",
            "-select_streams",
            "v:0",
            "-show_entries",
            "packet=pts_time,flags",
            "-of",
            "csv=p=0",
            str(path),
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    rows = [line.split(",") for line in out.split()]
    return sorted((float(pts), "K" in flags) for pts, flags, *_ in rows)


def psnr(
    ffmpeg: str, ours: Path, source: Path, fps: Fraction, work: Path, shift: int = 0
) -> list[float]:
    """Per-frame PSNR of our rendition against a single-pass fps conversion of the source,
    with the reference moved ``shift`` frames later (negative: earlier)."""
    stats = work / f"{ours.stem}.{shift}.psnr"
    rate = f"{fps.numerator}/{fps.denominator}"
    ref = f"[1:v]fps={rate}"
    mine = "[0:v]null"
    if shift > 0:
        ref += f",trim=start_frame={shift},setpts=PTS-STARTPTS"
    elif shift < 0:
        mine = f"[0:v]trim=start_frame={-shift},setpts=PTS-STARTPTS"
    graph = f"{ref}[ref];{mine}[mine];[mine][ref]psnr=stats_file={stats}"
    run_tool(
        [
            ffmpeg,
            "-v",
            "error",
            "-i",
            str(ours),
            "-i",
            str(source),
            "-lavfi",
            graph,
            "-f",
            "null",
            "-",
        ],
        timeout=120,
    )
    values = [float(v) for v in re.findall(r"psnr_avg:([\d.]+|inf)", stats.read_text())]
    assert values, "no frames compared"
    return values


def assert_frames_aligned(
    ffmpeg: str, ours: Path, source: Path, fps: Fraction, work: Path, starts: list[int]
) -> None:
    """Around every chunk start, our frame matches the reference frame at the same index
    better than its neighbours: an off-by-one chunk boundary would match a neighbour best."""
    same = psnr(ffmpeg, ours, source, fps, work)
    later = psnr(ffmpeg, ours, source, fps, work, 1)
    earlier = psnr(ffmpeg, ours, source, fps, work, -1)
    for start in starts:
        for i in range(max(1, start - 2), min(len(same) - 1, start + 3)):
            assert same[i] > later[i] + 2, f"frame {i} looks like the next source frame"
            assert same[i] > earlier[i - 1] + 2, f"frame {i} looks like the previous source frame"


def encode_whole(
    ffmpeg: str, ffprobe: str, source: Path, work: Path, fps_cap: int = 60
) -> tuple[MediaInfo, Path, Segmenting, list[int]]:
    """Probe, then encode a short clip in 1-second chunks at one rung the size of the source."""
    info = probe(source, ffmpeg=ffmpeg, ffprobe=ffprobe, limits=ProbeLimits())
    seg = plan_segmenting(output_fps(info.fps, fps_cap), segment_s=1.0, gop_s=1.0)
    chunks = plan_chunks(min(info.duration, 4.0), seg, segments_per_chunk=1)
    assert len(chunks) >= 2
    short = min(info.width, info.height)
    rungs = plan_ladder(info, ladder_from_settings([{"height": short, "video_kbps": 2000}]))
    parts = encode_chunks(ffmpeg, info, source, seg, chunks, rungs, work)
    joined = join(ffmpeg, parts[rungs[0].name], work / "joined.mp4")
    return info, joined, seg, [c.start_frame for c in chunks]


def filter_chain(args: list[str], label: str) -> tuple[str, list[str]]:
    """(input stream, filters in order) leading to ``label`` in a command's ``-filter_complex``,
    splits left out: ffmpeg-python labels every filter's output, so tests follow the labels
    instead of matching the graph's text."""
    graph = args[args.index("-filter_complex") + 1]
    made: dict[str, tuple[list[str], str]] = {}
    for part in graph.split(";"):
        found = re.fullmatch(r"((?:\[[^\]]+\])*)(.*?)((?:\[[^\]]+\])*)", part)
        assert found, part
        inputs = re.findall(r"\[([^\]]+)\]", found[1])
        for out in re.findall(r"\[([^\]]+)\]", found[3]):
            made[out] = (inputs, found[2])
    chain: list[str] = []
    label = label.strip("[]")
    while label in made:
        inputs, text = made[label]
        if not text.startswith("split="):
            chain.insert(0, text)
        (label,) = inputs
    return label, chain
