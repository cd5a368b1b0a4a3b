"""Probing untrusted uploads: decide whether a file is a video we accept, and describe it.

Order of defences: sniff the bytes (playlists, concat lists, images, text never reach a
demuxer); probe through a neutral file name with ``-protocol_whitelist file`` and a
``-format_whitelist`` of real containers, so a demuxer that would follow references is refused
before it reads its header; then decode the first frame and demux the last seconds, because
a cut file often still has a perfectly good header. Later pipeline calls force the demuxer found
here with ``-f``, so nothing re-guesses the format.
"""

from __future__ import annotations

import math
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from .probe_parse import (
    ContainerInfo,
    StreamInfo,
    parse_ffmpeg_banner,
    parse_ffprobe_json,
    parse_framecrc_end,
)
from .run import ToolFailed, ToolTimeout, run_tool
from .sniff import SNIFF_BYTES, classify, looks_like_iso_bmff, sniff

__all__ = ["ALLOWED_DEMUXERS", "MediaInfo", "ProbeLimits", "ProbeRefused", "probe", "sniff"]

# Short name (what later calls pass to -f) -> the name ffmpeg reports for that demuxer.
ALLOWED_DEMUXERS: dict[str, str] = {
    "mov": "mov,mp4,m4a,3gp,3g2,mj2",
    "matroska": "matroska,webm",
    "avi": "avi",
    "mpegts": "mpegts",
    "flv": "flv",
    "mpeg": "mpeg",
    "asf": "asf",
    "mxf": "mxf",
    "ogg": "ogg",
}
FORMAT_WHITELIST = ",".join(ALLOWED_DEMUXERS.values())

_AUDIO_FORMATS = {"mp3", "wav", "flac", "aac", "aiff", "w64", "ape", "wv", "amr", "ac3", "eac3"}
_AUDIO_FORMATS |= {"dts", "truehd", "tta", "caf", "au", "mpc", "mpc8", "dsf", "s337m", "loas"}
_RAW_STREAMS = {"h264", "hevc", "m4v", "mpegvideo", "rawvideo", "h263", "h261", "obu", "vc1"}
_RAW_STREAMS |= {"ivf", "cavsvideo", "dirac", "avs2", "vvc"}
_IMAGE_FORMATS = {"gif", "apng", "image2", "webp", "ico", "jpegxl_anim"}
# Messages ffmpeg prints when a demuxer runs out of bytes the index promised.
_TRUNCATION_MARKERS = ("partial file", "ended prematurely", "truncat", "end of file")
_TIMEOUT = ("Probing the file took too long; it may be damaged.", "timeout")
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
    timeout_s: float = 60
    memory_mb: int | None = 4096


@dataclass(frozen=True)
class MediaInfo:
    """What the pipeline needs to know about an accepted upload.

    ``width``/``height`` are the DISPLAY size (after rotation and pixel aspect), which is what
    rungs are planned in; ffmpeg autorotates while decoding, so encodes come out upright.
    ``rotation`` is clockwise degrees. ``duration`` is the video's own length (it can be
    shorter than the container's when audio runs on). Pass ``demuxer`` to ``-f`` on every
    later read of the upload.
    """

    demuxer: str
    format_name: str
    duration: float
    width: int
    height: int
    coded_width: int
    coded_height: int
    rotation: int
    fps: Fraction
    video_codec: str
    has_audio: bool
    audio_codec: str | None
    bit_rate: int | None
    # Ordinal among video streams (for ``-map 0:v:N``): cover art can come first.
    video_stream: int = 0
    start_time: float = 0.0


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


def _human_bytes(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def describe_format(name: str) -> tuple[str, str]:
    """(reason, code) for a demuxer ffmpeg found but we do not accept."""
    short = name.split(",")[0]
    if short == "hls" or name == "applehttp":
        return "HLS playlists are not accepted; upload the video file itself.", "hls"
    if short == "concat":
        return "Concat lists are not accepted; upload the video file itself.", "concat"
    if short in _IMAGE_FORMATS or short.endswith("_pipe"):
        return "The file is an image, not a video.", "image"
    if short in _AUDIO_FORMATS:
        return f"The file is an audio file ({short}) with no video.", "audio_only"
    if short in _RAW_STREAMS:
        return (
            f"The file is a bare {short} stream without a container; "
            "upload an MP4, MKV, WebM or MOV file.",
            "raw_stream",
        )
    if short in {"tty", "txt", "srt", "webvtt", "ass", "subviewer"}:
        return "The file is text, not a video.", "text"
    return f"The file's format ({short}) is not a supported video container.", "format"


def _short_demuxer(format_name: str) -> str | None:
    for short, full in ALLOWED_DEMUXERS.items():
        if format_name == full or format_name.split(",")[0] == short:
            return short
    return None


@contextmanager
def _neutral_name(path: Path) -> Iterator[str]:
    """A symlink without an extension, so ffmpeg's format guess rests on content alone."""
    with tempfile.TemporaryDirectory(prefix="probe-") as tmp:
        link = os.path.join(tmp, "input")
        os.symlink(path.resolve(), link)
        yield link


def _refuse_failed_open(stderr: str, head: bytes) -> ProbeRefused:
    found = re.search(r"\[([\w,]+) @ 0x[0-9a-f]+\] Format not on whitelist", stderr)
    if found:
        return ProbeRefused(*describe_format(found[1]))
    if "moov atom not found" in stderr and looks_like_iso_bmff(head):
        # An MP4 whose index is written last and was never uploaded completely.
        return ProbeRefused("The file is truncated or damaged: its index is missing.", "truncated")
    if looks_like_iso_bmff(head):
        return ProbeRefused("The file is truncated or damaged.", "truncated")
    return ProbeRefused("The file is not a video format we recognize.", "unrecognized")


def _read_container(
    src: str, *, ffmpeg: str, ffprobe: str | None, limits: ProbeLimits, head: bytes
) -> ContainerInfo:
    common = ["-protocol_whitelist", "file", "-format_whitelist", FORMAT_WHITELIST]
    try:
        if ffprobe:
            args = [ffprobe, "-v", "error", "-hide_banner", *common, "-show_format"]
            args += ["-show_streams", "-print_format", "json", src]
            result = run_tool(args, timeout=limits.timeout_s, memory_mb=limits.memory_mb)
            return parse_ffprobe_json(result.stdout)
        # Without ffprobe, ffmpeg's input banner carries the same facts. With no output file
        # ffmpeg exits 1 after printing it, which is expected here.
        args = [ffmpeg, "-hide_banner", "-nostdin", *common, "-i", src]
        try:
            stderr = run_tool(args, timeout=limits.timeout_s, memory_mb=limits.memory_mb).stderr
        except ToolFailed as exc:
            stderr = exc.stderr
        info = parse_ffmpeg_banner(stderr)
        if info is None:
            raise _refuse_failed_open(stderr, head)
        return info
    except ToolTimeout as exc:
        raise ProbeRefused(*_TIMEOUT) from exc
    except ToolFailed as exc:
        raise _refuse_failed_open(exc.stderr, head) from exc


def _pick_video(info: ContainerInfo) -> tuple[int, StreamInfo]:
    videos = [s for s in info.streams if s.kind == "video"]
    for ordinal, stream in enumerate(videos):
        if not stream.attached_pic:
            return ordinal, stream
    if any(s.kind == "audio" for s in info.streams):
        raise ProbeRefused("The file has no video stream (audio only).", "no_video")
    raise ProbeRefused("The file has no video stream.", "no_video")


def _frame_rate(stream: StreamInfo, limits: ProbeLimits) -> Fraction:
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


def _display_size(stream: StreamInfo) -> tuple[int, int]:
    width, height = stream.width, stream.height
    if stream.sar != 1 and Fraction(1, 10) < stream.sar < 10:
        width = max(2, int(round(width * stream.sar / 2)) * 2)
    if stream.rotation in (90, 270):
        width, height = height, width
    return width, height


def _check_size(stream: StreamInfo, width: int, height: int, limits: ProbeLimits) -> None:
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


def _check_duration(duration: float | None, limits: ProbeLimits) -> float:
    if duration is None or not math.isfinite(duration) or duration <= 0:
        raise ProbeRefused("The video's duration is unknown or zero.", "duration")
    if duration > limits.max_duration_s:
        raise ProbeRefused(
            f"The video is {human_duration(duration)} long; "
            f"the limit is {human_duration(limits.max_duration_s)}.",
            "too_long",
        )
    return duration


def _check_integrity(
    src: str,
    *,
    ffmpeg: str,
    demuxer: str,
    video_stream: int,
    start: float,
    duration: float,
    limits: ProbeLimits,
) -> float:
    """Decode the first frame and demux the last seconds; return the video's real duration."""
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
            raise ProbeRefused(*_TIMEOUT) from exc
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
    if end is None:
        raise damaged
    # -copyts keeps container timestamps, which start at start_time (e.g. 1.4 s in MPEG-TS).
    video_end = end - start
    if video_end <= 0:
        raise damaged
    # The container duration covers its longest stream; frames are planned from the video's.
    return min(duration, video_end)


def probe(path: str | Path, *, ffmpeg: str, ffprobe: str | None, limits: ProbeLimits) -> MediaInfo:
    """Describe ``path`` or raise ProbeRefused with a reason meant for the uploader."""
    path = Path(path)
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            head = fh.read(SNIFF_BYTES)
    except OSError as exc:
        raise ProbeRefused("The file could not be read.", "unreadable") from exc
    if limits.max_file_bytes is not None and size > limits.max_file_bytes:
        limit = _human_bytes(limits.max_file_bytes)
        raise ProbeRefused(f"The file is {_human_bytes(size)}; the limit is {limit}.", "too_large")
    refused = classify(head)
    if refused:
        raise ProbeRefused(*refused)
    with _neutral_name(path) as src:
        info = _read_container(src, ffmpeg=ffmpeg, ffprobe=ffprobe, limits=limits, head=head)
        demuxer = _short_demuxer(info.format_name)
        if demuxer is None:
            raise ProbeRefused(*describe_format(info.format_name or "unknown"))
        ordinal, video = _pick_video(info)
        width, height = _display_size(video)
        _check_size(video, width, height, limits)
        fps = _frame_rate(video, limits)
        duration = _check_duration(info.duration or video.duration, limits)
        duration = _check_integrity(
            src,
            ffmpeg=ffmpeg,
            demuxer=demuxer,
            video_stream=ordinal,
            start=info.start_time,
            duration=duration,
            limits=limits,
        )
    audio = next((s for s in info.streams if s.kind == "audio"), None)
    return MediaInfo(
        demuxer=demuxer,
        format_name=info.format_name,
        duration=_check_duration(duration, limits),
        width=width,
        height=height,
        coded_width=video.width,
        coded_height=video.height,
        rotation=video.rotation,
        fps=fps,
        video_codec=video.codec,
        has_audio=audio is not None,
        audio_codec=audio.codec if audio else None,
        bit_rate=info.bit_rate,
        video_stream=ordinal,
        start_time=info.start_time,
    )
