"""Planning the encode: which renditions, at what frame rate, cut into which chunks.

Everything is integer frames at the output frame rate. Chunks are whole numbers of segments and
segments whole numbers of GOPs, so chunks encoded independently join into one stream whose
keyframes, and therefore HLS/DASH segment boundaries, fall at the same instants in every rung.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Protocol


class _HasSize(Protocol):
    @property
    def width(self) -> int: ...

    @property
    def height(self) -> int: ...


@dataclass(frozen=True)
class RungSpec:
    name: str
    height: int  # the short side of the frame, whatever the orientation
    video_kbps: int
    maxrate_kbps: int
    bufsize_kbits: int


def _spec(height: int, kbps: int) -> RungSpec:
    # VBV: peaks may reach 1.5x the average, smoothed over a 2x buffer, so segment sizes (and
    # the BANDWIDTH we advertise) stay predictable without crippling hard scenes.
    return RungSpec(f"{height}p", height, kbps, kbps * 3 // 2, kbps * 2)


DEFAULT_LADDER: tuple[RungSpec, ...] = (
    _spec(144, 120),
    _spec(240, 300),
    _spec(360, 700),
    _spec(480, 1200),
    _spec(720, 2800),
    _spec(1080, 5000),
    _spec(1440, 9000),
    _spec(2160, 16000),
)


def ladder_from_settings(data: Iterable[Mapping[str, Any]]) -> tuple[RungSpec, ...]:
    """Build a ladder from plain dicts (settings/JSON); missing peaks default to 1.5x/2x."""
    specs: list[RungSpec] = []
    for item in data:
        height = int(item["height"])
        kbps = int(item["video_kbps"])
        if height < 2 or height % 2 or kbps <= 0:
            raise ValueError(f"Invalid ladder rung {dict(item)!r}: even height and kbps > 0")
        specs.append(
            RungSpec(
                name=str(item.get("name") or f"{height}p"),
                height=height,
                video_kbps=kbps,
                maxrate_kbps=int(item.get("maxrate_kbps") or kbps * 3 // 2),
                bufsize_kbits=int(item.get("bufsize_kbits") or kbps * 2),
            )
        )
    if not specs:
        raise ValueError("The ladder needs at least one rung.")
    return tuple(sorted(specs, key=lambda s: s.height))


@dataclass(frozen=True)
class Rung:
    name: str
    width: int
    height: int
    video_kbps: int
    maxrate_kbps: int
    bufsize_kbits: int


def even(value: float) -> int:
    """Nearest even integer, at least 2: H.264 4:2:0 needs even dimensions."""
    return max(2, int(math.floor(value / 2 + 0.5)) * 2)


def plan_ladder(source: _HasSize | tuple[int, int], specs: Iterable[RungSpec]) -> list[Rung]:
    """Rungs for a source of the given DISPLAY size, smallest first, never upscaling."""
    width, height = (source.width, source.height) if not isinstance(source, tuple) else source
    if width <= 0 or height <= 0:
        raise ValueError(f"Invalid source size {width}x{height}")
    specs = sorted(specs, key=lambda s: s.height)
    if not specs:
        raise ValueError("The ladder needs at least one rung.")
    short, long = min(width, height), max(width, height)
    landscape = width >= height
    rungs: list[Rung] = []
    seen: set[tuple[int, int]] = set()
    for spec in specs:
        if spec.height > short:
            continue
        out_short = spec.height
        out_long = even(long * spec.height / short)
        size = (out_long, out_short) if landscape else (out_short, out_long)
        if size in seen:
            continue
        seen.add(size)
        rungs.append(Rung(spec.name, *size, spec.video_kbps, spec.maxrate_kbps, spec.bufsize_kbits))
    if not rungs:
        # Smaller than the smallest rung: keep the source size (rounded down, so never upscaled)
        # and scale the smallest rung's bitrates by pixel count.
        low = specs[0]
        out_w, out_h = max(2, width // 2 * 2), max(2, height // 2 * 2)
        low_pixels = low.height * even(low.height * long / short)
        ratio = min(1.0, out_w * out_h / low_pixels)
        kbps = max(32, int(low.video_kbps * ratio))
        name = f"{min(out_w, out_h)}p"
        rungs.append(Rung(name, out_w, out_h, kbps, kbps * 3 // 2, kbps * 2))
    return rungs


def _snap_standard(fps: Fraction) -> Fraction:
    """Snap rates within 1% of a standard one to it exactly: variable-rate phone clips report an
    average like 29.83 and measured rates come as 2997/100, but GOPs, segment lengths and the
    advertised FRAME-RATE should follow the nominal 30 or 30000/1001."""
    candidates = {
        rate
        for whole in (round(fps), round(fps * Fraction(1001, 1000)))
        for rate in (Fraction(whole), Fraction(whole * 1000, 1001))
        if rate > 0
    }
    best = min(candidates, key=lambda rate: abs(fps - rate), default=None)
    if best is not None and abs(fps - best) / best <= Fraction(1, 100):
        return best
    return fps.limit_denominator(1001)


def output_fps(fps: Fraction, cap: int = 60) -> Fraction:
    """Keep the source rate, but divide high rates by the smallest integer that fits ``cap``.

    Integer division keeps every output frame on a source frame: 120 -> 60, 100 -> 50, 90 -> 45.
    """
    fps = Fraction(fps)
    if fps <= 0:
        raise ValueError(f"Invalid frame rate {fps}")
    fps = _snap_standard(fps)
    if fps > cap:
        fps = fps / math.ceil(fps / cap)
    return fps


@dataclass(frozen=True)
class Segmenting:
    segment_frames: int
    gop_frames: int
    fps: Fraction

    @property
    def segment_s(self) -> float:
        return float(self.segment_frames / self.fps)

    @property
    def gop_s(self) -> float:
        return float(self.gop_frames / self.fps)

    @property
    def segment_us(self) -> int:
        """Segment length in whole microseconds, rounded down.

        ffmpeg's HLS muxer cuts at the first keyframe at or after N x hls_time (cumulative), and
        parses hls_time in microseconds; rounding down keeps every boundary on our keyframe.
        """
        return int(self.segment_frames * 1_000_000 // self.fps)


def plan_segmenting(fps: Fraction, segment_s: float = 4.0, gop_s: float = 2.0) -> Segmenting:
    """A keyframe every ~gop_s, a segment every whole number of GOPs (~segment_s)."""
    fps = Fraction(fps)
    gop = max(1, round(fps * Fraction(gop_s)))
    per_segment = max(1, round(segment_s / gop_s))
    return Segmenting(segment_frames=gop * per_segment, gop_frames=gop, fps=fps)


@dataclass(frozen=True)
class Chunk:
    index: int
    start_frame: int
    frames: int
    fps: Fraction
    # Frames decoded and dropped before the chunk's first one: its job seeks to the source
    # keyframe before it. Known only when planned with the source's keyframe times.
    preroll_frames: int = 0

    @property
    def start_s(self) -> float:
        return float(self.start_frame / self.fps)

    @property
    def duration_s(self) -> float:
        return float(self.frames / self.fps)

    @property
    def end_frame(self) -> int:
        return self.start_frame + self.frames


def total_frames(duration_s: float, fps: Fraction) -> int:
    # The epsilon absorbs float noise (3.9999999 s at 30 fps is 120 frames, not 119).
    return max(1, math.floor(Fraction(duration_s) * fps + Fraction(1, 1000)))


def seek_margin(fps: Fraction) -> Fraction:
    """How far before a chunk's first instant its job seeks. The seek lands on the last source
    keyframe at or before that point; the fps filter may show, at the first instant, a source
    frame up to half an output frame earlier, and the rest absorbs timestamp jitter."""
    return max(Fraction(1, 4), 1 / Fraction(fps))


def plan_chunks(
    duration_s: float,
    seg: Segmenting,
    segments_per_chunk: int = 3,
    keyframes: Sequence[float] | None = None,
    taper: int = 0,
) -> list[Chunk]:
    """Split the title into chunks of whole GOPs, about ``segments_per_chunk`` segments long;
    a last sliver under one segment joins the previous chunk rather than paying a process
    start-up for a second of video. Every rung has a keyframe at every GOP boundary, so the
    joined rungs are cut into the same segments wherever the chunks meet.

    With the source's keyframe times (seconds from its start), each boundary may move up to
    one segment either way, a GOP at a time, to land just after a source keyframe: a chunk job
    seeks to the keyframe before ``start - seek_margin`` and decodes from there, so on a source
    with long GOPs (x264's default is 250 frames) a badly placed boundary decodes several
    seconds for nothing.

    With ``taper`` = k, no chunk takes more than 1/k of what is still to plan (but at least a
    segment), so chunks shrink towards the end of the title: the workers finish together
    instead of one of them encoding a full-size last chunk while the others sit idle.
    """
    if segments_per_chunk < 1:
        raise ValueError("segments_per_chunk must be at least 1")
    total = total_frames(duration_s, seg.fps)
    gops = -(-total // seg.gop_frames)  # the last may be short
    per_segment = seg.segment_frames // seg.gop_frames
    margin = float(seek_margin(seg.fps))
    keys = sorted(keyframes or [])
    starts_in_gops = [0]
    while True:
        previous = starts_in_gops[-1]
        size = segments_per_chunk * per_segment
        if taper > 0:
            size = max(per_segment, min(size, -(-(gops - previous) // taper)))
        target = previous + size
        if target >= gops:
            break
        options = [target]
        if keys:
            low = max(previous + min(size, per_segment), target - per_segment)
            options = list(range(low, min(gops - 1, target + per_segment) + 1))
        best = min(
            options,
            key=lambda b: (_decode_waste(b * seg.gop_s, keys, margin), abs(b - target)),
        )
        starts_in_gops.append(best)
    starts = [b * seg.gop_frames for b in starts_in_gops]
    if len(starts) > 1 and total - starts[-1] < seg.segment_frames:
        starts.pop()
    chunks: list[Chunk] = []
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else total
        waste = _decode_waste(float(start / seg.fps), keys, margin) if start else 0.0
        chunks.append(
            Chunk(
                index=index,
                start_frame=start,
                frames=end - start,
                fps=seg.fps,
                preroll_frames=round(waste * seg.fps),
            )
        )
    return chunks


def _decode_waste(start_s: float, keyframes: Sequence[float], margin_s: float) -> float:
    """Seconds decoded before a chunk starting at ``start_s`` (0 without keyframe knowledge)."""
    if not keyframes:
        return 0.0
    seek = start_s - margin_s
    before = [k for k in keyframes if k <= seek + 1e-6]
    return start_s - (before[-1] if before else 0.0)


# Decoding a source pixel costs about a fifth of scaling and encoding an output pixel (H.264
# source, x264 veryfast; measured with benchmarks/transcode.py --timeline).
DECODE_COST = 0.2


def chunk_cost(chunk: Chunk, rungs: Sequence[Rung], source_pixels: int) -> float:
    """A chunk job's CPU cost in arbitrary units: its encoded frames, plus the decoding of
    those and of its pre-roll. Jobs are queued longest first, so the short ones fill the gaps
    at the end, and progress advances by cost rather than by frames."""
    decode = DECODE_COST * source_pixels
    encode = sum(r.width * r.height for r in rungs)
    return (chunk.frames * (encode + decode) + chunk.preroll_frames * decode) / 1e6
