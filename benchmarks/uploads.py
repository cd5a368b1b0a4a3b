"""An upload through the real pipeline, timed: shared by the benchmarks that need a video."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Processed:
    video: object  # apps.videos.models.Video
    full_s: float  # upload stored to every rung done
    ready_s: float  # upload stored to status `ready` (watchable)


def upload_and_wait(source: Path, *, owner, title: str, poll_s: float = 0.05) -> Processed:
    """Store `source` as `owner`'s upload and poll until every rung is done; a failed video
    ends the benchmark with its reason. Workers must already be running."""
    from django.core.files import File

    from apps.videos import services
    from apps.videos.models import Video

    start = time.perf_counter()
    with open(source, "rb") as fh:
        video = services.video_create(
            owner=owner, title=title, upload=File(fh, name=source.name),
            filename=source.name, enforce_role=False,
        )  # fmt: skip
    ready_s = None
    while True:
        video = Video.objects.get(pk=video.pk)
        if video.status == "failed":
            raise SystemExit(f"pipeline failed: {video.error}")
        if video.status == "ready" and ready_s is None:
            ready_s = time.perf_counter() - start
        if video.status == "ready" and video.progress == 100:
            return Processed(video, time.perf_counter() - start, ready_s)
        time.sleep(poll_s)
