"""ffmpeg commands that read only files this pipeline wrote (chunks, renditions): joining,
packaging into CMAF segments, frames for sprites and posters. They still restrict protocols, as a
matter of habit."""

from __future__ import annotations

import os
from fractions import Fraction
from typing import Literal

from . import filters
from .arguments import LOCAL_ONLY, QUIET, STRIP_METADATA, abs_path, seconds


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
        lines.append(f"file {_quote(abs_path(path))}")
        if durations is not None:
            lines.append(f"duration {seconds(durations[i])}")
    return "\n".join(lines) + "\n"


def concat_args(*, ffmpeg: str, list_path: str, out_path: str) -> list[str]:
    """Join our own chunk files without re-encoding. ``-safe 0`` allows absolute paths, which
    is acceptable only because the list is ours, never an upload."""
    return [
        ffmpeg,
        *QUIET,
        *LOCAL_ONLY,
        "-f",
        "concat",
        "-safe",
        "0",
        "-i",
        abs_path(list_path),
        "-map",
        "0",
        "-c",
        "copy",
        "-f",
        "mp4",
        abs_path(out_path),
    ]


CONCAT_SUFFIX = ".ffconcat"


def own_input(path: str) -> list[str]:
    """``-f ... -i path`` for a file this pipeline wrote: an MP4, or an ffconcat list of MP4
    chunks (by its suffix), read in place of a joined copy so packaging is one ffmpeg run and
    no second copy of the rung on disk. ``-safe 0`` allows the list's absolute paths, which
    is acceptable only because the list is ours, never an upload."""
    if path.endswith(CONCAT_SUFFIX):
        return ["-f", "concat", "-safe", "0", "-i", abs_path(path)]
    return ["-f", "mp4", "-i", abs_path(path)]


def _own_input_options(path: str) -> dict[str, object]:
    """``LOCAL_ONLY`` and ``own_input`` as a filter graph's input options."""
    if path.endswith(CONCAT_SUFFIX):
        return {"protocol_whitelist": "file,pipe", "format": "concat", "safe": 0}
    return {"protocol_whitelist": "file,pipe", "format": "mp4"}


def package_hls_args(
    *,
    ffmpeg: str,
    source: str,
    out_dir: str,
    segment_s: float,
    kind: Literal["video", "audio"] = "video",
    language: str | None = None,
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
    # The strip below drops the stream's language too; a known one is written back (mdhd).
    tags = [f"-metadata:s:{kind[0]}:0", f"language={language}"] if language else []
    # The segment name is a printf-style pattern; a literal % in the directory must be doubled.
    out_dir = abs_path(out_dir)
    pattern = os.path.join(out_dir.replace("%", "%%"), "seg_%05d.m4s")
    return [
        ffmpeg,
        *QUIET,
        *LOCAL_ONLY,
        *own_input(source),
        "-map",
        stream,
        "-c",
        "copy",
        *STRIP_METADATA,
        *tags,
        "-f",
        "hls",
        "-hls_time",
        seconds(segment_s),
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
    options: dict[str, object] = {"start_number": 0, "format": "image2"}
    if fmt == "jpeg":
        options["q:v"] = 3
    source_node = filters.source_input(abs_path(source), **_own_input_options(source))
    frames = filters.thumbnail_frames(source_node["v:0"], rate=rate, width=width)
    encode = filters.output(frames, abs_path(out_pattern), **options)
    return [ffmpeg, *QUIET, *filters.compile_outputs(encode)]


def poster_args(*, ffmpeg: str, source: str, out_path: str, at_s: float) -> list[str]:
    """One full-size PNG frame at ``at_s`` from one of our renditions."""
    return [
        ffmpeg,
        *QUIET,
        *LOCAL_ONLY,
        "-ss",
        seconds(max(0.0, at_s)),
        *own_input(source),
        "-map",
        "0:v:0",
        "-frames:v",
        "1",
        "-update",
        "1",
        "-f",
        "image2",
        abs_path(out_path),
    ]
