"""ffmpeg argument lists, built as plain data so tests can check them without running anything.

Reading an untrusted source always forces the demuxer found by the probe (``-f``), restricts
protocols to local files and puts ``-ss`` before ``-i`` (an input seek). Commands that read only
files this pipeline wrote (chunks, renditions) still restrict protocols, as a matter of habit.
"""

from __future__ import annotations

import os
from fractions import Fraction
from typing import Literal

from .ladder import Chunk, Rung, Segmenting, seek_margin

_QUIET = ["-hide_banner", "-nostdin", "-v", "error"]
_LOCAL_ONLY = ["-protocol_whitelist", "file,pipe"]
# Uploads carry camera, location and editing-software metadata we must not republish.
_STRIP_METADATA = ["-map_metadata", "-1", "-map_chapters", "-1"]


def untrusted_input(demuxer: str) -> list[str]:
    """Options that must precede ``-i`` for any upload."""
    return [*_QUIET, *_LOCAL_ONLY, "-f", demuxer]


def _abs(path: str) -> str:
    """Paths are made absolute against the caller's working directory, so running the tool
    with another ``cwd`` (as callers may, for scratch files) cannot change what it opens."""
    return os.path.abspath(path)


def _seconds(value: Fraction | float) -> str:
    return f"{float(value):.6f}"


def _filter_seconds(value: Fraction) -> str:
    """Seconds for the fps filter's start_time, which truncates to whole microseconds: writing
    the exact microsecond plus half a microsecond makes that truncation land on it."""
    micros = round(value * 1_000_000)
    sign = "-" if micros < 0 else ""
    micros = abs(micros)
    return f"{sign}{micros // 1_000_000}.{micros % 1_000_000:06d}5"


# Demuxers whose seek lands on the keyframe AFTER the target (measured on ffmpeg 5.1): a chunk
# read with -ss from these would start late and freeze its first frames. Remux them first.
SEEK_UNRELIABLE_DEMUXERS = frozenset({"mpegts", "mpeg"})


def needs_remux(demuxer: str) -> bool:
    """True when chunked reads need a remuxed copy (see ``remux_args``) to seek precisely."""
    return demuxer in SEEK_UNRELIABLE_DEMUXERS


def remux_args(
    *, ffmpeg: str, source: str, demuxer: str, out_path: str, video_stream: int = 0
) -> list[str]:
    """Copy the video and first audio stream into Matroska, whose cues make seeks exact.

    The copy starts at timestamp zero, so probe it again and use its MediaInfo afterwards.
    """
    return [
        ffmpeg,
        *untrusted_input(demuxer),
        "-i",
        _abs(source),
        "-map",
        f"0:v:{video_stream}",
        "-map",
        "0:a:0?",
        "-c",
        "copy",
        *_STRIP_METADATA,
        "-f",
        "matroska",
        _abs(out_path),
    ]


def chunk_seek(chunk: Chunk, demuxer: str | None = None) -> tuple[str | None, str]:
    """(-ss value or None, fps start_time) for one chunk.

    Timestamps stay as the container has them, shifted only by its start time
    (``-copyts -start_at_zero``, the same shift a plain single pass applies), and the fps filter
    is told the instant of the chunk's first frame. Its rounding then sees the same input
    timestamps and the same output time base, with offsets that differ by whole output frames
    from chunk to chunk, so every chunk picks the source frames a single pass would. Anchoring
    on the first decoded frame instead (``PTS-STARTPTS``) shifts the grid by a fraction of a
    frame and flips ties (e.g. 60 -> 30 fps). The seek is early and inexact (-noaccurate_seek):
    frames before the instant decide what is shown at it, and fps drops the rest.
    """
    first = Fraction(chunk.start_frame) / chunk.fps
    if chunk.start_frame <= 0 or (demuxer is not None and needs_remux(demuxer)):
        # Without a trustworthy seek, decoding from the start is slow but still exact.
        return None, _filter_seconds(first)
    seek = max(Fraction(0), first - seek_margin(chunk.fps))
    return _seconds(seek), _filter_seconds(first)


def chunk_encode_args(
    *,
    ffmpeg: str,
    source: str,
    demuxer: str,
    chunk: Chunk,
    seg: Segmenting,
    rungs: list[Rung],
    outputs: dict[str, str],
    preset: str = "veryfast",
    threads: int = 0,
    video_stream: int = 0,
    small_rungs: bool = False,
) -> list[str]:
    """Decode one chunk once and encode it into every rung (one MP4 per rung name).

    ``small_rungs`` is for rungs a third of the source's size or less: the first downscale is
    an area average, a third of bicubic's cost. The decode keeps its in-loop deblocking: skipping
    it saves 13 % of the decode, but the error drifts until the next keyframe (30 dB instead of
    38 dB at 144p from a 400 kb/s 480p source).

    Frame n of the output grid is the instant n/fps after the container's start, the same
    origin the audio encode uses, so chunks and audio share one timeline.
    """
    if not rungs:
        raise ValueError("At least one rung is needed.")
    missing = [r.name for r in rungs if r.name not in outputs]
    if missing:
        raise ValueError(f"No output path for rungs {missing}")
    if chunk.fps != seg.fps:
        raise ValueError("Chunk and segmenting were planned at different frame rates.")
    if chunk.start_frame % seg.gop_frames:
        raise ValueError("Chunks must start on a GOP boundary.")
    seek, first = chunk_seek(chunk, demuxer)
    args = [ffmpeg, *untrusted_input(demuxer), "-copyts", "-start_at_zero"]
    if threads > 0:
        # The whole ffmpeg keeps to its share of the cores: the decoder and the filter graph
        # too, not only the encoders (a decoder left to itself starts one thread per core).
        args += ["-threads", str(threads), "-filter_complex_threads", str(threads)]
    if seek is not None:
        args += ["-noaccurate_seek", "-ss", seek]
    args += ["-i", _abs(source)]
    fps = f"{seg.fps.numerator}/{seg.fps.denominator}"
    head = f"[0:v:{video_stream}]fps=fps={fps}:start_time={first},setpts=PTS-STARTPTS[c]"
    args += ["-filter_complex", ";".join([head, *_scale_cascade(rungs, small_rungs)])]
    gop = seg.gop_frames
    for i, rung in enumerate(rungs):
        args += ["-map", f"[v{i}]", "-an", "-sn", "-dn", "-frames:v", str(chunk.frames)]
        args += ["-c:v", "libx264", "-preset", preset, "-profile:v", "high", "-pix_fmt", "yuv420p"]
        if threads > 0:
            args += ["-threads", str(threads)]
        # Fixed GOPs with forced keyframes and no scene-cut keyframes: every rung (and every
        # chunk, since chunks start on GOP boundaries) has IDR frames at the same instants.
        args += ["-g", str(gop), "-keyint_min", str(gop), "-sc_threshold", "0"]
        args += ["-force_key_frames", f"expr:eq(mod(n,{gop}),0)"]
        args += ["-b:v", f"{rung.video_kbps}k", "-maxrate", f"{rung.maxrate_kbps}k"]
        args += ["-bufsize", f"{rung.bufsize_kbits}k", "-x264-params", "open-gop=0"]
        args += ["-video_track_timescale", "90000", *_STRIP_METADATA]
        args += ["-f", "mp4", _abs(outputs[rung.name])]
    return args


def _scale_cascade(rungs: list[Rung], small_group: bool = False) -> list[str]:
    """Filters giving [v<i>] for rungs[i]: the largest is scaled from the source, each smaller
    one from the next larger. Scaling every rung from a 1080p (or 4K) frame cost about as much
    CPU as decoding it; a cascade costs a fraction, at no visible loss for 1.5x steps."""
    order = sorted(range(len(rungs)), key=lambda i: rungs[i].width * rungs[i].height, reverse=True)
    filters = []
    source = "[c]"
    for step, i in enumerate(order):
        r = rungs[i]
        # The first step of a group of small rungs shrinks the frame three times or more
        # (1080p to 240p): an area average is as clean there as bicubic and costs a third of
        # it (1.5 s against 3.9 s of CPU for a minute of 1080p). Later steps are small ratios,
        # where bicubic keeps the detail.
        kernel = "area" if step == 0 and small_group else "bicubic"
        scaled = f"{source}scale={r.width}:{r.height}:flags={kernel},setsar=1,format=yuv420p"
        if step == len(order) - 1:
            filters.append(f"{scaled}[v{i}]")
        else:
            filters.append(f"{scaled},split=2[v{i}][c{step}]")
            source = f"[c{step}]"
    return filters


def audio_encode_args(
    *,
    ffmpeg: str,
    source: str,
    demuxer: str,
    out_path: str,
    duration_s: float,
    bitrate_k: int = 128,
) -> list[str]:
    """The whole title's first audio stream as stereo 48 kHz AAC, cut to the video's length."""
    return [
        ffmpeg,
        *untrusted_input(demuxer),
        # An input limit: stop reading where the video ends rather than demuxing the rest.
        "-t",
        _seconds(duration_s),
        "-i",
        _abs(source),
        "-map",
        "0:a:0",
        "-vn",
        "-sn",
        "-dn",
        # Pads silence when audio starts after the video, keeping the two aligned from zero.
        "-af",
        "aresample=async=1:first_pts=0",
        "-c:a",
        "aac",
        "-ac",
        "2",
        "-ar",
        "48000",
        "-b:a",
        f"{bitrate_k}k",
        *_STRIP_METADATA,
        "-f",
        "mp4",
        _abs(out_path),
    ]


def _quote(path: str) -> str:
    # ffconcat uses shell-like quoting: close the quote, emit an escaped quote, reopen.
    return "'" + path.replace("'", "'\\''") + "'"


def concat_list(paths: list[str], durations: list[float] | None = None) -> str:
    """An ffconcat list for our own chunk files.

    Passing each chunk's planned duration makes the demuxer offset the next file by exactly
    that much instead of by a duration it estimates from the file.
    """
    if durations is not None and len(durations) != len(paths):
        raise ValueError("One duration per path is needed.")
    lines = ["ffconcat version 1.0"]
    for i, path in enumerate(paths):
        if "\n" in path or "\r" in path:
            raise ValueError(f"Unusable file name {path!r}")
        lines.append(f"file {_quote(_abs(path))}")
        if durations is not None:
            lines.append(f"duration {_seconds(durations[i])}")
    return "\n".join(lines) + "\n"


def concat_args(*, ffmpeg: str, list_path: str, out_path: str) -> list[str]:
    """Join our own chunk files without re-encoding. ``-safe 0`` allows absolute paths, which
    is acceptable only because the list is ours, never an upload."""
    return [
        ffmpeg,
        *_QUIET,
        *_LOCAL_ONLY,
        "-f",
        "concat",
        "-safe",
        "0",
        "-i",
        _abs(list_path),
        "-map",
        "0",
        "-c",
        "copy",
        "-f",
        "mp4",
        _abs(out_path),
    ]


CONCAT_SUFFIX = ".ffconcat"


def own_input(path: str) -> list[str]:
    """``-f ... -i path`` for a file this pipeline wrote: an MP4, or an ffconcat list of MP4
    chunks (by its suffix), read in place of a joined copy so packaging is one ffmpeg run and
    no second copy of the rung on disk. ``-safe 0`` allows the list's absolute paths, which
    is acceptable only because the list is ours, never an upload."""
    if path.endswith(CONCAT_SUFFIX):
        return ["-f", "concat", "-safe", "0", "-i", _abs(path)]
    return ["-f", "mp4", "-i", _abs(path)]


def package_hls_args(
    *,
    ffmpeg: str,
    source: str,
    out_dir: str,
    segment_s: float,
    kind: Literal["video", "audio"] = "video",
) -> list[str]:
    """Cut one of our MP4s (or an ffconcat list of them) into fMP4 (CMAF) segments plus a VOD
    media playlist in ``out_dir``.

    ffmpeg 5.1 writes the init segment beside the playlist and lists every file by its base
    name (``init.mp4``, ``seg_00000.m4s``), so the same files serve HLS and DASH from any URL
    prefix, whatever the working directory. Pass ``Segmenting.segment_us / 1e6`` as
    ``segment_s``: the muxer cuts at the first keyframe at or after each multiple of it.
    """
    if not out_dir:
        raise ValueError("out_dir is required")
    stream = "0:v:0" if kind == "video" else "0:a:0"
    # The segment name is a printf-style pattern; a literal % in the directory must be doubled.
    out_dir = _abs(out_dir)
    pattern = os.path.join(out_dir.replace("%", "%%"), "seg_%05d.m4s")
    return [
        ffmpeg,
        *_QUIET,
        *_LOCAL_ONLY,
        *own_input(source),
        "-map",
        stream,
        "-c",
        "copy",
        *_STRIP_METADATA,
        "-f",
        "hls",
        "-hls_time",
        _seconds(segment_s),
        "-hls_playlist_type",
        "vod",
        "-hls_list_size",
        "0",
        "-hls_segment_type",
        "fmp4",
        "-hls_fmp4_init_filename",
        "init.mp4",
        "-hls_segment_filename",
        pattern,
        "-hls_flags",
        "independent_segments",
        os.path.join(out_dir, "index.m3u8"),
    ]


def frames_args(
    *,
    ffmpeg: str,
    source: str,
    out_pattern: str,
    every_s: float,
    width: int,
    fmt: Literal["jpeg", "png"] = "jpeg",
) -> list[str]:
    """One small frame every ``every_s`` seconds from one of our renditions (sprite tiles and
    poster candidates). ``out_pattern`` is an image2 pattern such as ``/x/thumb_%05d.jpg``."""
    if every_s <= 0 or width < 2:
        raise ValueError("every_s must be positive and width at least 2")
    rate = Fraction(1) / Fraction(every_s).limit_denominator(1000)
    quality = ["-q:v", "3"] if fmt == "jpeg" else []
    return [
        ffmpeg,
        *_QUIET,
        *_LOCAL_ONLY,
        *own_input(source),
        "-map",
        "0:v:0",
        "-vf",
        f"fps={rate.numerator}/{rate.denominator},scale={width}:-2:flags=bicubic",
        *quality,
        "-start_number",
        "0",
        "-f",
        "image2",
        _abs(out_pattern),
    ]


def poster_args(*, ffmpeg: str, source: str, out_path: str, at_s: float) -> list[str]:
    """One full-size PNG frame at ``at_s`` from one of our renditions."""
    return [
        ffmpeg,
        *_QUIET,
        *_LOCAL_ONLY,
        "-ss",
        _seconds(max(0.0, at_s)),
        *own_input(source),
        "-map",
        "0:v:0",
        "-frames:v",
        "1",
        "-update",
        "1",
        "-f",
        "image2",
        _abs(out_path),
    ]
