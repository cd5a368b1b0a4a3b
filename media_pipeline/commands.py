"""ffmpeg argument lists, built as plain data so tests can check them without running anything.

Commands with a filter graph are built with ffmpeg-python (``filters``) and compiled to the
same kind of list. Reading an untrusted source always forces the demuxer found by the probe
(``-f``), restricts protocols to local files and puts ``-ss`` before ``-i`` (an input seek).
Commands that read only files this pipeline wrote (``renditions``) still restrict protocols,
as a matter of habit.
"""

from __future__ import annotations

from fractions import Fraction

from . import filters
from .arguments import LOCAL_ONLY, QUIET, STRIP_METADATA, STRIP_OPTIONS, abs_path, seconds
from .filters import Decode
from .ladder import Chunk, Rung, Segmenting, seek_margin

# Commands that read only our own files live in ``renditions``; callers find them here too.
from .renditions import (  # noqa: F401
    CONCAT_SUFFIX,
    concat_args,
    concat_list,
    frames_args,
    own_input,
    package_hls_args,
    poster_args,
)


def untrusted_input(demuxer: str) -> list[str]:
    """Options that must precede ``-i`` for any upload."""
    return [*QUIET, *LOCAL_ONLY, "-f", demuxer]


def _untrusted_options(demuxer: str) -> dict[str, object]:
    """``untrusted_input``'s input options for a filter graph's input node (the global flags
    go in front of the compiled list)."""
    return {"protocol_whitelist": "file,pipe", "format": demuxer}


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
        abs_path(source),
        "-map",
        f"0:v:{video_stream}",
        "-map",
        "0:a:0?",
        "-c",
        "copy",
        *STRIP_METADATA,
        "-f",
        "matroska",
        abs_path(out_path),
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
    return seconds(seek), _filter_seconds(first)


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
    decode: Decode | None = None,
) -> list[str]:
    """Decode one chunk once and encode it into every rung (one MP4 per rung name).

    ``small_rungs`` is for rungs a third of the source's size or less: the first downscale is
    an area average, a third of bicubic's cost. The decode keeps its in-loop deblocking: skipping
    it saves 13 % of the decode, but the error drifts until the next keyframe (30 dB instead of
    38 dB at 144p from a 400 kb/s 480p source). ``decode`` deinterlaces and tone-maps once,
    before the rungs are scaled (see ``filters.Decode``).

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
    decode = decode or Decode()
    seek, first = chunk_seek(chunk, demuxer)
    options: dict[str, object] = {**_untrusted_options(demuxer), "copyts": None}
    options["start_at_zero"] = None
    globals_: list[str] = []
    if threads > 0:
        # The whole ffmpeg keeps to its share of the cores: the decoder and the filter graph
        # too, not only the encoders (a decoder left to itself starts one thread per core).
        options["threads"] = threads
        globals_ = ["-filter_complex_threads", str(threads)]
    if seek is not None:
        options |= {"noaccurate_seek": None, "ss": seek}
    video = filters.source_input(abs_path(source), **options)[f"v:{video_stream}"]
    head = filters.chunk_head(video, fps=seg.fps, start_time=first, decode=decode)
    streams = filters.scale_cascade(head, rungs, small_rungs)
    gop = seg.gop_frames
    per_rung = {
        "an": None,
        "sn": None,
        "dn": None,
        "frames:v": chunk.frames,
        "c:v": "libx264",
        "preset": preset,
        "profile:v": "high",
        "pix_fmt": "yuv420p",
        # Fixed GOPs with forced keyframes and no scene-cut keyframes: every rung (and every
        # chunk, since chunks start on GOP boundaries) has IDR frames at the same instants.
        "g": gop,
        "keyint_min": gop,
        "sc_threshold": 0,
        "force_key_frames": f"expr:eq(mod(n,{gop}),0)",
        "x264-params": "open-gop=0",
        "video_track_timescale": 90000,
        **STRIP_OPTIONS,
        "format": "mp4",
    }
    if threads > 0:
        per_rung["threads"] = threads
    encodes = [
        filters.output(
            stream,
            abs_path(outputs[rung.name]),
            **per_rung,
            **{"b:v": f"{rung.video_kbps}k", "maxrate": f"{rung.maxrate_kbps}k"},
            bufsize=f"{rung.bufsize_kbits}k",
        )
        for stream, rung in zip(streams, rungs, strict=True)
    ]
    return [ffmpeg, *QUIET, *globals_, *filters.compile_outputs(*encodes)]


def audio_encode_args(
    *,
    ffmpeg: str,
    source: str,
    demuxer: str,
    out_path: str,
    duration_s: float,
    bitrate_k: int = 128,
    audio_stream: int = 0,
    language: str | None = None,
) -> list[str]:
    """The whole title's chosen audio stream (``-map 0:a:<audio_stream>``, the source's default
    track) as stereo 48 kHz AAC, cut to the video's length, keeping its language tag: the one
    piece of the upload's metadata a player shows."""
    source_node = filters.source_input(
        abs_path(source),
        **_untrusted_options(demuxer),
        # An input limit: stop reading where the video ends rather than demuxing the rest.
        t=seconds(duration_s),
    )
    options: dict[str, object] = {
        "vn": None,
        "sn": None,
        "dn": None,
        "c:a": "aac",
        "ac": 2,
        "ar": 48000,
        "b:a": f"{bitrate_k}k",
        **STRIP_OPTIONS,
        "format": "mp4",
    }
    if language:
        options["metadata:s:a:0"] = f"language={language}"
    audio = filters.audio_aligned(source_node[f"a:{audio_stream}"])
    return [
        ffmpeg,
        *QUIET,
        *filters.compile_outputs(filters.output(audio, abs_path(out_path), **options)),
    ]
