"""Benchmark sources, made once with ffmpeg's lavfi test sources and kept in benchmarks/out/."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"


def lavfi_clip(
    name: str,
    *,
    width: int,
    height: int,
    seconds: int,
    video_bitrate: str,
    extra: list[str],
    source: str = "testsrc2",
) -> Path:
    """A lavfi video source (testsrc2 by default) + a 440 Hz tone as H.264/AAC; an existing
    file is reused."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / name
    if path.exists() and path.stat().st_size:
        return path
    ffmpeg = shutil.which("ffmpeg") or "ffmpeg"
    subprocess.run(
        [ffmpeg, "-hide_banner", "-v", "error", "-y",
         "-f", "lavfi", "-i", f"{source}=size={width}x{height}:rate=30:duration={seconds}",
         "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}:sample_rate=48000",
         "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-b:v", video_bitrate,
         *extra, "-c:a", "aac", "-b:a", "128k", "-shortest", str(path)],
        check=True,
    )  # fmt: skip
    return path
