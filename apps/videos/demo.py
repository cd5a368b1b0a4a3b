"""Sample videos for `seed_demo`, generated with ffmpeg's test sources and sent through the
real pipeline (the server's workers, or `manage.py worker`, process them)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.core.files import File

from apps.users.models import User
from apps.videos import services
from apps.videos.models import Video
from apps.videos.pipeline.encoding import ffmpeg
from media_pipeline.run import run_tool

SAMPLES = [
    (
        "Test pattern with tone",
        "A moving test pattern and a 440 Hz tone: the classic broadcast check.",
        "testsrc2=size=1280x720:rate=30:duration=12",
        "sine=frequency=440:duration=12:sample_rate=48000",
    ),
    (
        "Mandelbrot zoom",
        "A dive into the Mandelbrot set, rendered by ffmpeg.",
        "mandelbrot=size=854x480:rate=25,trim=duration=10",
        "sine=frequency=220:duration=10:sample_rate=48000",
    ),
    (
        "Game of life",
        "Conway's cellular automaton in motion. Tags: simulation, maths.",
        "life=size=640x360:rate=30:mold=10:ratio=0.1:death_color=#202040,trim=duration=8,"
        "scale=640:360",
        "anoisesrc=duration=8:amplitude=0.05:sample_rate=48000",
    ),
]


def _render(video_src: str, audio_src: str, out: Path) -> None:
    args = [
        ffmpeg(),
        "-hide_banner",
        "-nostdin",
        "-v",
        "error",
        "-y",
        "-f",
        "lavfi",
        "-i",
        video_src,
        "-f",
        "lavfi",
        "-i",
        audio_src,
        "-c:v",
        "libx264",
        "-preset",
        "veryfast",
        "-pix_fmt",
        "yuv420p",
        "-c:a",
        "aac",
        "-shortest",
        str(out),
    ]
    run_tool(args, timeout=300)


def seed(*, stdout) -> None:
    owner = User.objects.get(username="creator")
    existing = set(Video.objects.filter(owner=owner).values_list("title", flat=True))
    with tempfile.TemporaryDirectory(prefix="streamsite-demo-") as tmp:
        for title, description, video_src, audio_src in SAMPLES:
            if title in existing:
                continue
            path = Path(tmp) / "sample.mp4"
            _render(video_src, audio_src, path)
            with open(path, "rb") as fh:
                video = services.video_create(
                    owner=owner,
                    title=title,
                    description=description,
                    upload=File(fh, name="sample.mp4"),
                    filename="sample.mp4",
                )
            stdout.write(f"sample video {video.id} queued: {title}")
