"""Probing untrusted uploads: decide whether a file is a video we accept, and describe it.

Order of defences: sniff the bytes (playlists, concat lists, images, text never reach a
demuxer); probe through a neutral file name with ``-protocol_whitelist file`` and a
``-format_whitelist`` of real containers, so a demuxer that would follow references is refused
before it reads its header; then decode the first frame and demux the last seconds, because
a cut file often still has a perfectly good header. Later pipeline calls force the demuxer found
here with ``-f``, so nothing re-guesses the format.
"""

from __future__ import annotations

import dataclasses
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from . import interlace
from .chapters import Chapter, normalise
from .filters import HDR_TRANSFERS
from .probe_checks import (
    TIMEOUT,
    ProbeLimits,
    ProbeRefused,
    check_duration,
    check_integrity,
    check_pixel_budget,
    check_size,
    display_size,
    frame_rate,
    human_bytes,
    human_duration,
)
from .probe_parse import ContainerInfo, StreamInfo, parse_ffmpeg_banner, parse_ffprobe_json
from .run import ToolFailed, ToolTimeout, run_tool
from .sniff import SNIFF_BYTES, classify, looks_like_iso_bmff, sniff

__all__ = [
    "ALLOWED_DEMUXERS",
    "MediaInfo",
    "ProbeLimits",
    "ProbeRefused",
    "human_duration",
    "probe",
    "sniff",
]

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


@dataclass(frozen=True)
class MediaInfo:
    """What the pipeline needs to know about an accepted upload.

    ``width``/``height`` are the DISPLAY size (after rotation and pixel aspect), which is what
    rungs are planned in; ffmpeg autorotates while decoding, so encodes come out upright.
    ``rotation`` is clockwise degrees. ``duration`` is the video's own length (it can be
    shorter than the container's when audio runs on). Pass ``demuxer`` to ``-f`` on every
    later read of the upload. ``fps`` is the stored frame rate; an interlaced source
    (``interlace`` names its first field) is deinterlaced to ``decoded_fps``, one frame a field.
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
    # "tff"/"bff" when the pictures are interlaced (whatever the flag says), else None.
    interlace: str | None = None
    field_order: str | None = None
    # The video's colour tags (ffprobe's names), None when unspecified.
    color_transfer: str | None = None
    color_primaries: str | None = None
    color_space: str | None = None
    # The audio track the ladder carries (``-map 0:a:N``): the source's default one.
    audio_stream: int = 0
    audio_language: str | None = None
    # Languages of every audio track, in stream order (None where untagged).
    audio_languages: tuple[str | None, ...] = ()
    # The source's chapter markers, cleaned and sorted (media_pipeline.chapters).
    chapters: tuple[Chapter, ...] = ()

    @property
    def hdr(self) -> bool:
        return self.color_transfer in HDR_TRANSFERS

    @property
    def decoded_fps(self) -> Fraction:
        return self.fps * 2 if self.interlace else self.fps

    def alternate_audio(self, limit: int = 8) -> list[tuple[int, str]]:
        """(ordinal, language) of one track per other language than the default track's.
        Untagged tracks cannot be told apart from the default for a viewer: they are left out."""
        seen = {self.audio_language}
        found = []
        for ordinal, language in enumerate(self.audio_languages):
            if ordinal != self.audio_stream and language and language not in seen:
                seen.add(language)
                found.append((ordinal, language))
        return found[:limit]


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
            args += ["-show_streams", "-show_chapters", "-print_format", "json", src]
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
        raise ProbeRefused(*TIMEOUT) from exc
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


def _pick_audio(info: ContainerInfo) -> tuple[int, StreamInfo | None]:
    """The track a player would play: the one marked default, else the first."""
    audios = [s for s in info.streams if s.kind == "audio"]
    for ordinal, stream in enumerate(audios):
        if stream.default:
            return ordinal, stream
    return 0, audios[0] if audios else None


def _interlace(
    src: str, *, ffmpeg: str, demuxer: str, ordinal: int, video: StreamInfo, fps: Fraction,
    duration: float, limits: ProbeLimits,
) -> str | None:  # fmt: skip
    """Field parity of interlaced pictures, from a short idet pass a third of the way in
    (past titles and black starts) under the probe's limits; the flag where frames cannot say."""
    if fps > interlace.MAX_INTERLACED_FPS:
        return None
    args = interlace.idet_args(
        ffmpeg=ffmpeg, source=src, demuxer=demuxer, video_stream=ordinal,
        start_s=min(duration / 3, 60.0),
    )  # fmt: skip
    try:
        result = run_tool(args, timeout=limits.timeout_s, memory_mb=limits.memory_mb)
    except ToolTimeout as exc:
        raise ProbeRefused(*TIMEOUT) from exc
    except ToolFailed as exc:
        raise ProbeRefused("The file is truncated or damaged.", "truncated") from exc
    return interlace.parity(video.field_order, interlace.parse_idet(result.stderr))


def _rotation(video: StreamInfo, decoded: tuple[int, int] | None) -> int:
    """The rotation the container declares, else the one the decoder applied: autorotate turned
    the first frame upright, so a first frame with its sides swapped was turned a quarter. The
    size is what ffmpeg itself produced, whatever words its banner used to describe it."""
    if video.rotation or decoded is None or video.width == video.height:
        return video.rotation
    if decoded == (video.height, video.width):
        return 90
    return video.rotation


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
        limit = human_bytes(limits.max_file_bytes)
        raise ProbeRefused(f"The file is {human_bytes(size)}; the limit is {limit}.", "too_large")
    refused = classify(head)
    if refused:
        raise ProbeRefused(*refused)
    with _neutral_name(path) as src:
        info = _read_container(src, ffmpeg=ffmpeg, ffprobe=ffprobe, limits=limits, head=head)
        demuxer = _short_demuxer(info.format_name)
        if demuxer is None:
            raise ProbeRefused(*describe_format(info.format_name or "unknown"))
        ordinal, video = _pick_video(info)
        width, height = display_size(video)
        check_size(video, width, height, limits)
        fps = frame_rate(video, limits)
        duration = check_duration(info.duration or video.duration, limits)
        # Before any decoding: a few MB can declare hours of 8K at 240 fps.
        check_pixel_budget(width, height, fps, duration, limits)
        duration, decoded = check_integrity(
            src,
            ffmpeg=ffmpeg,
            demuxer=demuxer,
            video_stream=ordinal,
            start=info.start_time,
            duration=duration,
            limits=limits,
        )
        if (rotation := _rotation(video, decoded)) != video.rotation:
            video = dataclasses.replace(video, rotation=rotation)
            width, height = display_size(video)
            check_size(video, width, height, limits)
        parity = _interlace(
            src, ffmpeg=ffmpeg, demuxer=demuxer, ordinal=ordinal, video=video, fps=fps,
            duration=duration, limits=limits,
        )  # fmt: skip
    audio_ordinal, audio = _pick_audio(info)
    return MediaInfo(
        demuxer=demuxer,
        format_name=info.format_name,
        duration=check_duration(duration, limits),
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
        interlace=parity,
        field_order=video.field_order,
        color_transfer=video.color_transfer,
        color_primaries=video.color_primaries,
        color_space=video.color_space,
        audio_stream=audio_ordinal,
        audio_language=audio.language if audio else None,
        audio_languages=tuple(s.language for s in info.streams if s.kind == "audio"),
        chapters=tuple(normalise(list(info.chapters), duration)),
    )
