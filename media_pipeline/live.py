"""Live ladder arguments as data: rungs from a measured source, ffmpeg's live HLS command, the
master playlist, health from ffmpeg's progress lines, and the recording's join.

Pure functions: nothing here starts a process or touches storage (media_pipeline/run.py starts
them; the caller reaches files through its own storage).
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from fractions import Fraction
from pathlib import Path

# Source limits: anything outside is refused with a reason, before an encoder is started.
MIN_SIDE, MAX_WIDTH, MAX_HEIGHT = 16, 3840, 2160
MAX_FPS = 120.0
OUTPUT_MAX_FPS = 60.0
STANDARD_HEIGHTS = (1080, 720, 480, 360, 240, 144)
# Bits per pixel and frame for the live rungs (zerolatency x264 needs a little more than VOD).
BITS_PER_PIXEL = 0.09
MIN_VIDEO_KBPS = 120
AUDIO_KBPS = 128
H264_LEVEL = "4.2"
CODECS = "avc1.64002a,mp4a.40.2"


@dataclass(frozen=True)
class LiveSource:
    width: int
    height: int
    fps: float
    video_codec: str
    has_audio: bool


@dataclass(frozen=True)
class LiveRung:
    name: str
    width: int
    height: int
    video_kbps: int

    @property
    def bandwidth(self) -> int:
        """Peak bits/s for the master playlist: the VBV cap plus audio and TS overhead."""
        return int((self.video_kbps * 1.5 + AUDIO_KBPS) * 1000 * 1.08)

    @property
    def average_bandwidth(self) -> int:
        return int((self.video_kbps + AUDIO_KBPS) * 1000 * 1.08)

    def as_dict(self) -> dict:
        return asdict(self)


def parse_probe(ffprobe_json: str) -> LiveSource | str:
    """The source's facts from ffprobe's JSON, or the reason it is refused."""
    try:
        streams = json.loads(ffprobe_json or "{}").get("streams", [])
    except ValueError:
        return "The stream could not be read."
    video = next((s for s in streams if s.get("codec_type") == "video"), None)
    if video is None:
        return "The stream has no video."
    codec = video.get("codec_name", "")
    if codec != "h264":
        return f"Only H.264 video is accepted (got {codec or 'unknown'})."
    width, height = int(video.get("width") or 0), int(video.get("height") or 0)
    if not (MIN_SIDE <= width <= MAX_WIDTH and MIN_SIDE <= height <= MAX_HEIGHT):
        limit = f"{MAX_WIDTH}x{MAX_HEIGHT}"
        return f"The resolution {width}x{height} is not supported (at most {limit})."
    # r_frame_rate first: FLV's average over a one-second probe is off (30.303 for 30).
    fps = _rate(video.get("r_frame_rate")) or _rate(video.get("avg_frame_rate")) or 30.0
    if fps > MAX_FPS:
        return f"The frame rate {fps:g} is not supported (at most {MAX_FPS:g})."
    has_audio = any(s.get("codec_type") == "audio" for s in streams)
    return LiveSource(width, height, fps, codec, has_audio)


def _rate(text: str | None) -> float:
    try:
        value = float(Fraction(text or "0"))
    except (ValueError, ZeroDivisionError):
        return 0.0
    return value if math.isfinite(value) else 0.0


def output_fps(source: LiveSource) -> float:
    return min(source.fps, OUTPUT_MAX_FPS)


def live_ladder(source: LiveSource, *, max_rungs: int = 3) -> list[LiveRung]:
    """Rungs from the source's height down, never above it, highest first."""
    top = source.height - source.height % 2
    heights = [top] + [h for h in STANDARD_HEIGHTS if h < top * 0.9]
    fps = output_fps(source)
    rungs = []
    for height in heights[: max(1, max_rungs)]:
        width = max(2, round(source.width * height / source.height / 2) * 2)
        kbps = max(MIN_VIDEO_KBPS, round(width * height * fps * BITS_PER_PIXEL / 1000))
        rungs.append(LiveRung(f"{height}p", width, height, kbps))
    return rungs


def transcode_args(
    ffmpeg: str,
    *,
    source: LiveSource,
    rungs: list[LiveRung],
    out_dir: Path,
    segment_s: float,
    list_size: int,
    preset: str = "veryfast",
    threads: int = 0,
    resume: bool = False,
    part_s: float = 0.0,
    start_number: int = 0,
) -> list[str]:
    """ffmpeg reading FLV on stdin and writing the live ladder as HLS into out_dir/<rung>/.

    Keyframes are forced on the segment grid for every rung (aligned switching points, every
    segment starts with an IDR); -tune zerolatency drops B-frames and lookahead, the encoder's
    own delay. `resume` continues an earlier playlist after a reconnect: same numbering, a
    discontinuity. The playlists never get ENDLIST from ffmpeg: the stream may continue.
    `part_s` > 0 (LL-HLS): ffmpeg cuts parts of that length instead (part_N.ts, on any frame:
    split_by_time; keyframes stay on the segment grid) for media_pipeline/llhls.py to group;
    `start_number` continues the part numbering of an earlier encoder.
    """
    fps = output_fps(source)
    gop = max(1, round(fps * segment_s))
    n = len(rungs)
    # Frames are dropped only above OUTPUT_MAX_FPS; otherwise the source's timing is kept.
    rate = f"fps={fps:g}," if source.fps > OUTPUT_MAX_FPS else ""
    chains = [f"[0:v]{rate}split={n}" + "".join(f"[s{i}]" for i in range(n))]
    chains += [f"[s{i}]scale={r.width}:{r.height}[v{i}]" for i, r in enumerate(rungs)]
    args = [
        ffmpeg, "-hide_banner", "-loglevel", "warning", "-nostats",
        "-progress", "pipe:1", "-stats_period", "1",
        "-protocol_whitelist", "pipe,file",
        "-probesize", "1000000", "-analyzeduration", "1000000",
        "-f", "flv", "-i", "pipe:0",
        "-filter_complex", ";".join(chains),
    ]  # fmt: skip
    stream_map = []
    for i, rung in enumerate(rungs):
        args += ["-map", f"[v{i}]"]
        args += [
            f"-c:v:{i}", "libx264", f"-b:v:{i}", f"{rung.video_kbps}k",
            f"-maxrate:v:{i}", f"{int(rung.video_kbps * 1.5)}k",
            f"-bufsize:v:{i}", f"{int(rung.video_kbps * 1.5)}k",
        ]  # fmt: skip
        entry = f"v:{i}"
        if source.has_audio:
            args += ["-map", "0:a:0"]
            entry += f",a:{i}"
        stream_map.append(f"{entry},name:{rung.name}")
    flags = "delete_segments+program_date_time+independent_segments+temp_file+omit_endlist"
    if part_s > 0:
        flags += "+split_by_time"
    if resume:
        flags += "+append_list+discont_start"
    args += [
        "-preset", preset, "-tune", "zerolatency", "-profile:v", "high", "-level:v", H264_LEVEL,
        "-pix_fmt", "yuv420p", "-g", str(gop), "-keyint_min", str(gop), "-sc_threshold", "0",
        "-force_key_frames", f"expr:gte(t,n_forced*{segment_s:g})",
        "-threads", str(threads),
    ]  # fmt: skip
    if start_number:
        args += ["-start_number", str(start_number)]
    if source.has_audio:
        args += ["-c:a", "aac", "-b:a", f"{AUDIO_KBPS}k", "-ac", "2", "-ar", "48000"]
    args += [
        "-f", "hls", "-hls_time", f"{part_s:.6f}" if part_s else f"{segment_s:g}",
        "-hls_list_size", str(list_size),
        "-hls_delete_threshold", "2", "-hls_flags", flags, "-hls_segment_type", "mpegts",
        "-hls_allow_cache", "0", "-flush_packets", "1",
        "-hls_segment_filename", str(out_dir / "%v" / _file_pattern(part_s)),
        "-var_stream_map", " ".join(stream_map),
        str(out_dir / "%v" / "index.m3u8"),
    ]  # fmt: skip
    return args


def _file_pattern(part_s: float) -> str:
    return "part_%06d.ts" if part_s else "seg_%06d.ts"


def part_length(segment_s: float, parts_per_segment: int) -> float:
    """LL-HLS part length, rounded down to ffmpeg's microseconds so that N parts never pass
    the keyframe that opens the next segment."""
    return math.floor(segment_s / max(1, parts_per_segment) * 1e6) / 1e6


def list_size(*, segment_s: float, window_segments: int, dvr_window_s: float) -> int:
    """Playlist length in segments: the DVR window when there is one, else the live window."""
    dvr = math.ceil(dvr_window_s / segment_s) if dvr_window_s > 0 else 0
    return max(window_segments, dvr, 3)


def master_playlist(rungs: list[LiveRung], *, fps: float, has_audio: bool = True) -> str:
    """Written by us: Debian's ffmpeg 5.1 omits AVERAGE-BANDWIDTH and FRAME-RATE."""
    codecs = CODECS if has_audio else CODECS.split(",")[0]
    lines = ["#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-INDEPENDENT-SEGMENTS"]
    for rung in rungs:
        lines.append(
            f"#EXT-X-STREAM-INF:BANDWIDTH={rung.bandwidth},"
            f"AVERAGE-BANDWIDTH={rung.average_bandwidth},RESOLUTION={rung.width}x{rung.height},"
            f'FRAME-RATE={fps:.3f},CODECS="{codecs}"'
        )
        lines.append(f"{rung.name}/index.m3u8")
    return "\n".join(lines) + "\n"


def end_playlist(text: str) -> str:
    """The variant playlist closed for good: players stop reloading and may seek all of it.
    An LL-HLS playlist loses its preload hint: no part comes next."""
    if "#EXT-X-ENDLIST" in text:
        return text
    lines = [line for line in text.splitlines() if not line.startswith("#EXT-X-PRELOAD-HINT")]
    return "\n".join(lines) + "\n#EXT-X-ENDLIST\n"


def probe_args(ffprobe: str, path: Path) -> list[str]:
    return [
        ffprobe, "-v", "error", "-protocol_whitelist", "file", "-f", "flv",
        "-show_entries", "stream=codec_type,codec_name,width,height,avg_frame_rate,r_frame_rate",
        "-of", "json", str(path),
    ]  # fmt: skip


def parse_progress(lines: list[str]) -> dict:
    """One block of `-progress` key=value lines -> the numbers the studio shows."""
    values = dict(line.split("=", 1) for line in lines if "=" in line)

    def number(key: str) -> float:
        try:
            return float(values.get(key, "0").strip().rstrip("x") or 0)
        except ValueError:
            return 0.0

    return {
        "encoder_fps": round(number("fps"), 1),
        "dropped_frames": int(number("drop_frames")),
        "speed": round(number("speed"), 2),
        "out_time_s": round(number("out_time_us") / 1e6, 1),
    }


def concat_list(paths: list[Path]) -> str:
    """An ffconcat list of our own local files (names we made, quoted for ffconcat)."""
    quoted = [str(p).replace("'", "'\\''") for p in paths]
    return "ffconcat version 1.0\n" + "".join(f"file '{q}'\n" for q in quoted)


def join_recording_args(ffmpeg: str, listing: Path, out: Path) -> list[str]:
    """The connections' FLVs joined without re-encoding into one MP4 for the VOD pipeline."""
    return [
        ffmpeg, "-y", "-hide_banner", "-loglevel", "error",
        "-protocol_whitelist", "file", "-f", "concat", "-safe", "0", "-i", str(listing),
        "-map", "0:v:0", "-map", "0:a:0?", "-c", "copy", "-movflags", "+faststart",
        "-f", "mp4", str(out),
    ]  # fmt: skip
