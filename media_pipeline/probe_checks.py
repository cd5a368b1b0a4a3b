"""The probe's limits and checks: what an accepted upload may declare, and whether its first
frame decodes and its end is really there. Every refusal carries a reason for the uploader."""

from __future__ import annotations

import math
import os
import re
import tempfile
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from .probe_parse import StreamInfo, parse_framecrc_end
from .run import ToolFailed, ToolTimeout, run_tool

# Messages ffmpeg prints when a demuxer runs out of bytes the index promised.
_TRUNCATION_MARKERS = ("partial file", "ended prematurely", "truncat", "end of file")
TIMEOUT = ("Probing the file took too long; it may be damaged.", "timeout")
_MAX_ASPECT = 12
_MIN_SIDE = 16


class ProbeRefused(Exception):
    """The upload is not a video we accept; ``reason`` is written for the person uploading."""

    def __init__(self, reason: str, code: str = "refused") -> None:
        super().__init__(reason)
        self.reason = reason
        # Stable machine-readable category for logs, metrics and tests.
        self.code = code

    def __reduce__(self) -> tuple[type[ProbeRefused], tuple[str, str]]:
        return (type(self), (self.reason, self.code))


@dataclass(frozen=True)
class ProbeLimits:
    max_duration_s: float = 14400
    max_width: int = 7680
    max_height: int = 7680
    max_fps: float = 240
    max_file_bytes: int | None = None
    # width x height x frame rate x duration: what decoding and encoding the whole title costs.
    # 2000 gigapixels is 4 h of 1080p at 60 fps or 1 h of 4K at 60 fps. None: no budget.
    max_gigapixels: float | None = 2000
    timeout_s: float = 60
    memory_mb: int | None = 4096


def human_duration(seconds: float) -> str:
    """4 h 10 min / 59 min 30 s / 45 s: for messages, not for machines."""
    total = int(round(seconds))
    hours, rem = divmod(total, 3600)
    minutes, secs = divmod(rem, 60)
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    if minutes:
        return f"{minutes} min {secs} s" if secs else f"{minutes} min"
    return f"{secs} s"


def human_bytes(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def frame_rate(stream: StreamInfo, limits: ProbeLimits) -> Fraction:
    for candidate in (stream.avg_fps, stream.r_fps):
        # Containers without timing (raw-ish AVI, some TS) report 90000 or 1000 "fps".
        if candidate is not None and 0 < candidate <= 1000:
            fps = candidate
            break
    else:
        raise ProbeRefused("The video's frame rate is unknown.", "fps")
    if fps < 1 or fps > limits.max_fps:
        raise ProbeRefused(
            f"The video's frame rate ({float(fps):.3g} fps) is outside what we accept "
            f"(1 to {limits.max_fps:g} fps).",
            "fps",
        )
    return fps


def display_size(stream: StreamInfo) -> tuple[int, int]:
    width, height = stream.width, stream.height
    if stream.sar != 1 and Fraction(1, 10) < stream.sar < 10:
        width = max(2, int(round(width * stream.sar / 2)) * 2)
    if stream.rotation in (90, 270):
        width, height = height, width
    return width, height


def check_size(stream: StreamInfo, width: int, height: int, limits: ProbeLimits) -> None:
    if stream.width <= 0 or stream.height <= 0:
        raise ProbeRefused("The video's picture size is unknown.", "dimensions")
    if min(width, height) < _MIN_SIDE:
        raise ProbeRefused(f"The video is only {width}x{height} pixels.", "dimensions")
    # Rotation swaps sides, so compare the long side with the larger limit and vice versa.
    long_max = max(limits.max_width, limits.max_height)
    short_max = min(limits.max_width, limits.max_height)
    if max(width, height) > long_max or min(width, height) > short_max:
        raise ProbeRefused(
            f"The video is {width}x{height}; the limit is {limits.max_width}x{limits.max_height}.",
            "dimensions",
        )
    if max(width, height) > _MAX_ASPECT * min(width, height):
        raise ProbeRefused(f"The video's shape ({width}x{height}) is too unusual.", "dimensions")


def check_duration(duration: float | None, limits: ProbeLimits) -> float:
    if duration is None or not math.isfinite(duration) or duration <= 0:
        raise ProbeRefused("The video's duration is unknown or zero.", "duration")
    if duration > limits.max_duration_s:
        raise ProbeRefused(
            f"The video is {human_duration(duration)} long; "
            f"the limit is {human_duration(limits.max_duration_s)}.",
            "too_long",
        )
    return duration


def check_pixel_budget(
    width: int, height: int, fps: Fraction, duration: float, limits: ProbeLimits
) -> None:
    """Refuse a title whose declared pixels (width x height x frame rate x duration) exceed
    the budget: each limit alone can be met by a file that still asks for days of encoding."""
    if limits.max_gigapixels is None:
        return
    gigapixels = width * height * float(fps) * duration / 1e9
    if gigapixels > limits.max_gigapixels:
        raise ProbeRefused(
            f"The video is {width}x{height} at {float(fps):.3g} fps for "
            f"{human_duration(duration)}: {gigapixels:,.0f} gigapixels to process; "
            f"the limit is {limits.max_gigapixels:,.0f} gigapixels.",
            "pixel_budget",
        )


def check_integrity(
    src: str,
    *,
    ffmpeg: str,
    demuxer: str,
    video_stream: int,
    start: float,
    duration: float,
    limits: ProbeLimits,
) -> tuple[float, tuple[int, int] | None]:
    """Decode the first frame and demux the last seconds; return the video's real duration and
    the size of its first frame as ffmpeg decodes it (turned upright by autorotate)."""
    base = [ffmpeg, "-hide_banner", "-nostdin", "-v", "error", "-protocol_whitelist", "file"]
    vmap = ["-map", f"0:v:{video_stream}"]
    damaged = ProbeRefused("The file is truncated or damaged.", "truncated")
    with tempfile.TemporaryDirectory(prefix="probe-check-") as tmp:
        first = os.path.join(tmp, "first.crc")
        last = os.path.join(tmp, "last.crc")
        try:
            run_tool(
                [*base, "-xerror", "-threads", "2", "-f", demuxer, "-i", src, *vmap]
                + ["-frames:v", "1", "-f", "framecrc", first],
                timeout=limits.timeout_s,
                memory_mb=limits.memory_mb,
            )
            # Stream copy reads packets without decoding them: cheap even for 8K, and the
            # demuxer still reports a cut mdat ("partial file") or a short Matroska cluster.
            tail = run_tool(
                [*base, "-f", demuxer, "-ss", f"{max(0.0, duration - 3):.3f}", "-i", src, *vmap]
                + ["-c", "copy", "-copyinkf", "-copyts", "-f", "framecrc", last],
                timeout=limits.timeout_s,
                memory_mb=limits.memory_mb,
            )
        except ToolTimeout as exc:
            raise ProbeRefused(*TIMEOUT) from exc
        except ToolFailed as exc:
            raise damaged from exc
        if not any(line[:1].isdigit() for line in Path(first).read_text().splitlines()):
            raise ProbeRefused("The video could not be decoded.", "undecodable")
        if any(marker in tail.stderr.lower() for marker in _TRUNCATION_MARKERS):
            raise damaged
        with open(last, "rb") as fh:
            head = fh.read(4096).decode("utf-8", "replace")
            fh.seek(max(0, fh.seek(0, os.SEEK_END) - 4096))
            end = parse_framecrc_end(head, fh.read().decode("utf-8", "replace"))
        decoded = re.search(r"^#dimensions 0: (\d+)x(\d+)", Path(first).read_text(), re.M)
    if end is None:
        raise damaged
    # -copyts keeps container timestamps, which start at start_time (e.g. 1.4 s in MPEG-TS).
    video_end = end - start
    if video_end <= 0:
        raise damaged
    # The container duration covers its longest stream; frames are planned from the video's.
    size = (int(decoded[1]), int(decoded[2])) if decoded else None
    return min(duration, video_end), size
