"""The file work of each pipeline step: fetch inputs from storage, run ffmpeg, store outputs.

Nothing here touches the database; `steps` decides what runs and records results.
Every step is safe to run twice: outputs have fixed names and replace what a killed run left.
"""

from __future__ import annotations

import bisect
import functools
import logging
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from apps.videos.pipeline import layout, storage
from media_pipeline import commands, manifests
from media_pipeline.filters import Decode, for_ffmpeg
from media_pipeline.ladder import Chunk, Rung, Segmenting
from media_pipeline.probe import MediaInfo, ProbeLimits, probe
from media_pipeline.run import find_ffmpeg, find_ffprobe, usable_cores
from media_pipeline.run import run_tool as _run_tool

logger = logging.getLogger(__name__)
# Set by `manage.py worker` for its chunk pool: how many chunk jobs this machine runs at once.
CHUNK_JOBS_ENV = "STREAMSITE_CHUNK_JOBS"


@functools.cache
def ffmpeg() -> str:
    return find_ffmpeg(settings.FFMPEG_BINARY)


@functools.cache
def ffprobe() -> str | None:
    return find_ffprobe(ffmpeg())


def run_tool(args: list[str], *, timeout: float, step: str, cwd: Path | str | None = None) -> None:
    """Every ffmpeg of the pipeline: its own timeout, CPU-time and address-space caps, so a
    hostile or broken file can neither hang a worker nor take its memory. Each run is logged
    with its wall time, which is how an operator (or benchmarks/transcode.py) sees where a
    video's processing time went."""
    started = time.time()
    _run_tool(
        args,
        timeout=timeout,
        cwd=cwd,
        cpu_seconds=int(timeout * usable_cores()) + 60,
        memory_mb=settings.PIPELINE_FFMPEG_MEMORY_MB,
    )
    logger.info(
        "ffmpeg run",
        extra={
            "step": step,
            "started": round(started, 3),
            "seconds": round(time.time() - started, 3),
            "pid": os.getpid(),
        },
    )


def ffmpeg_threads() -> int:
    """Threads for one chunk's ffmpeg: the setting, else this process's share of the cores."""
    if settings.PIPELINE_FFMPEG_THREADS > 0:
        return settings.PIPELINE_FFMPEG_THREADS
    jobs = int(os.environ.get(CHUNK_JOBS_ENV) or settings.EMBEDDED_WORKER_THREADS)
    return max(1, usable_cores() // max(1, jobs))


def work_dir(video_id: str, generation: int) -> Path:
    path = Path(settings.PIPELINE_WORK_DIR) / f"{video_id}-g{generation}"
    path.mkdir(parents=True, exist_ok=True)
    return path


def remove_work_dir(video_id: str, generation: int) -> None:
    shutil.rmtree(Path(settings.PIPELINE_WORK_DIR) / f"{video_id}-g{generation}", True)


def local_source(*, video_id: str, generation: int, source_name: str) -> Path:
    """The upload on this worker's disk, fetched once per worker and reused by its jobs."""
    # Named after the stored name: a remuxed source replaces the upload mid-way.
    path = work_dir(video_id, generation) / source_name.rsplit("/", 1)[-1]
    if not path.exists():
        storage.download(source_name, path)
    return path


def probe_source(path: Path) -> MediaInfo:
    limits = ProbeLimits(
        max_duration_s=settings.MAX_DURATION_S,
        max_gigapixels=settings.MAX_SOURCE_GIGAPIXELS or None,
        max_file_bytes=settings.MAX_UPLOAD_MB * 1024 * 1024,
    )
    return probe(path, ffmpeg=ffmpeg(), ffprobe=ffprobe(), limits=limits)


def keyframe_times(source: Path, info: MediaInfo) -> list[float]:
    """Seconds from the start of each keyframe of the video stream, read from the container
    (no decoding), so chunk boundaries can sit just after them. Empty without ffprobe."""
    probe_bin = ffprobe()
    if probe_bin is None:
        return []
    args = [
        probe_bin, "-v", "error", "-protocol_whitelist", "file", "-f", info.demuxer,
        "-select_streams", f"v:{info.video_stream}", "-show_entries", "packet=pts_time,flags",
        "-of", "csv=p=0", str(source),
    ]  # fmt: skip
    result = _run_tool(args, timeout=60 + info.duration / 20, memory_mb=2048)
    times = []
    for line in result.stdout.splitlines():
        pts, _, flags = line.partition(",")
        if "K" in flags:
            try:
                times.append(float(pts) - info.start_time)
            except ValueError:
                continue  # packets without timestamps
    return sorted(times)


def remux_if_needed(
    *, source: Path, info: MediaInfo, storage_prefix: str
) -> tuple[str, MediaInfo] | None:
    """MPEG-TS/PS cannot be seeked to an exact frame, which chunks need: copy the streams into
    Matroska once (cheap: no re-encode), store it, and plan from the copy."""
    if not commands.needs_remux(info.demuxer):
        return None
    out = source.parent / "remuxed"
    args = commands.remux_args(
        ffmpeg=ffmpeg(),
        source=str(source),
        demuxer=info.demuxer,
        out_path=str(out),
        video_stream=info.video_stream,
    )
    run_tool(args, timeout=120 + info.duration, step="remux", cwd=source.parent)
    remuxed = probe_source(out)
    return storage.upload(out, layout.remuxed_name(storage_prefix)), remuxed


def _timeout(duration_s: float, pixels: int) -> float:
    # Generous: a timeout is for a hung or hostile decode, not for a slow machine.
    megapixels = max(pixels / 1e6, 0.2)
    return 120 + duration_s * 20 * megapixels


def encode_chunk(
    *,
    source: Path,
    demuxer: str,
    chunk: Chunk,
    seg: Segmenting,
    rungs: list[Rung],
    output_prefix: str,
    video_stream: int = 0,
    small_rungs: bool = False,
    decode: Decode | None = None,
) -> None:
    """One decode of the chunk feeds every rung of its group; each result goes to storage."""
    decode = for_ffmpeg(decode or Decode(), ffmpeg())
    with tempfile.TemporaryDirectory(dir=source.parent) as tmp:
        outputs = {r.name: str(Path(tmp) / f"{r.name}.mp4") for r in rungs}
        args = commands.chunk_encode_args(
            ffmpeg=ffmpeg(),
            source=str(source),
            demuxer=demuxer,
            chunk=chunk,
            seg=seg,
            rungs=rungs,
            outputs=outputs,
            preset=settings.PIPELINE_PRESET,
            threads=ffmpeg_threads(),
            video_stream=video_stream,
            small_rungs=small_rungs,
            decode=decode,
        )
        pixels = sum(r.width * r.height for r in rungs)
        run_tool(
            args,
            timeout=_timeout(chunk.frames / float(seg.fps), pixels),
            step=f"chunk {chunk.index} {'+'.join(r.name for r in rungs)}",
            cwd=tmp,
        )
        for rung in rungs:
            storage.upload(
                Path(outputs[rung.name]), layout.chunk_name(output_prefix, rung.name, chunk.index)
            )


@dataclass(frozen=True)
class Packaged:
    playlist: str
    init_segment: str
    segments: list[tuple[str, float, int]]
    codecs: str
    peak_bps: int
    average_bps: int


def _package(
    src: Path, out_dir: Path, store_prefix: str, duration_s: float, segment_s: float, kind: str,
    language: str | None = None,
) -> Packaged:  # fmt: skip
    out_dir.mkdir(parents=True, exist_ok=True)
    args = commands.package_hls_args(
        ffmpeg=ffmpeg(), source=str(src), out_dir=str(out_dir), segment_s=segment_s, kind=kind,
        language=language,
    )  # fmt: skip
    run_tool(args, timeout=120 + duration_s, step=f"package {kind}", cwd=out_dir)
    playlist = manifests.parse_media_playlist((out_dir / "index.m3u8").read_text())
    sizes = [(out_dir / uri).stat().st_size for uri, _ in playlist.segments]
    durations = [d for _, d in playlist.segments]
    peak, average = manifests.segment_bitrates(sizes, durations)
    init_bytes = (out_dir / playlist.init_uri).read_bytes()
    # Segments first, playlist last: a reader who sees the playlist finds every segment.
    for uri, _ in playlist.segments:
        storage.upload(out_dir / uri, store_prefix + uri)
    storage.upload(out_dir / playlist.init_uri, store_prefix + playlist.init_uri)
    storage.upload(out_dir / "index.m3u8", store_prefix + "index.m3u8")
    return Packaged(
        playlist=store_prefix + "index.m3u8",
        init_segment=store_prefix + playlist.init_uri,
        segments=[
            (store_prefix + uri, d, size)
            for (uri, d), size in zip(playlist.segments, sizes, strict=True)
        ],
        codecs=manifests.codec_string(init_bytes),
        peak_bps=peak,
        average_bps=average,
    )


@dataclass(frozen=True)
class RungFiles:
    """A rung's chunks on this worker's disk, and an ffconcat list reading them as one."""

    joined: Path
    chunks: list[Path]
    starts: list[float]

    def at(self, at_s: float) -> tuple[Path, float]:
        """The chunk showing the instant ``at_s``, and the instant within it."""
        index = max(0, bisect.bisect_right(self.starts, at_s) - 1)
        return self.chunks[index], at_s - self.starts[index]


def package_rung(
    *,
    video_id: str,
    generation: int,
    output_prefix: str,
    rung: str,
    chunk_starts: list[float],
    duration_s: float,
    segment_s: float,
) -> tuple[Packaged, RungFiles]:
    """Cut a rung's chunks, read in order as one stream, into CMAF segments for HLS and DASH.
    No joined copy is written: the segmenter reads the chunks through an ffconcat list."""
    # A directory of its own: a retried or duplicate job may package the same rung at once.
    base = Path(tempfile.mkdtemp(prefix=f"pkg-{rung}-", dir=work_dir(video_id, generation)))
    parts = []
    for index in range(len(chunk_starts)):
        parts.append(
            storage.download(layout.chunk_name(output_prefix, rung, index), base / f"c{index}.mp4")
        )
    joined = base / f"chunks{commands.CONCAT_SUFFIX}"
    joined.write_text(commands.concat_list([str(p) for p in parts]))
    packaged = _package(
        joined,
        base / "hls",
        layout.rung_prefix(output_prefix, rung),
        duration_s,
        segment_s,
        "video",
    )
    return packaged, RungFiles(joined=joined, chunks=parts, starts=list(chunk_starts))


def encode_audio(
    *, source: Path, demuxer: str, duration_s: float, output_prefix: str, segment_s: float,
    audio_stream: int = 0, language: str | None = None, alternate: str | None = None,
) -> Packaged:  # fmt: skip
    """One audio track of the source (the default one, or an alternate language), with its
    language tag, packaged for HLS and DASH (an alternate language in a folder of its own)."""
    base = Path(tempfile.mkdtemp(prefix="audio-", dir=source.parent))
    m4a = base / "audio.mp4"
    run_tool(
        commands.audio_encode_args(
            ffmpeg=ffmpeg(),
            source=str(source),
            demuxer=demuxer,
            out_path=str(m4a),
            duration_s=duration_s,
            audio_stream=audio_stream,
            language=language,
        ),
        timeout=120 + duration_s,
        step="audio",
        cwd=base,
    )
    prefix = layout.audio_prefix(output_prefix, alternate)
    return _package(m4a, base / "hls", prefix, duration_s, segment_s, "audio", language)
