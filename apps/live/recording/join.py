"""The broadcast's recording: the publisher's own media, kept per connection and joined at the end.

Each publisher connection's FLV (exactly what the encoder sent, no re-encode) is stored as a
part; when the stream ends the parts are joined without re-encoding and handed to the VOD
pipeline as a normal upload of the owner's (apps.videos.services.video_create).
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction

from apps.live import services
from apps.live.models import LiveStatus, LiveStream
from apps.live.recording import playlists
from apps.videos import services as video_services
from apps.videos.models import Video
from media_pipeline import live as live_args
from media_pipeline.run import find_ffmpeg, run_tool

logger = logging.getLogger(__name__)


def finalize(stream_id: str) -> str | None:
    """Make the recording's video once; returns its id (None when there is nothing to make)."""
    with transaction.atomic():
        stream = LiveStream.objects.select_for_update().get(pk=stream_id)
        if stream.status != LiveStatus.ENDED or stream.recording_video_id:
            return stream.recording_video_id
        playlists.seal(stream)
        if stream.publisher_connected:
            return None
        if not stream.recording_parts:
            if stream.video_id:
                video_services.video_live_discard(video_id=stream.video_id)
            return None
        settings.PIPELINE_WORK_DIR.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=settings.PIPELINE_WORK_DIR) as tmp:
            joined = _join(stream.recording_parts, Path(tmp))
            with open(joined, "rb") as fh:
                video = _recording_video(stream, File(fh, name="recording.mp4"))
        services.live_recording_attach(stream_id=stream.id, video_id=video.id)
        # The joined copy is the video's source now; the parts would only double the storage.
        parts = list(stream.recording_parts)
        transaction.on_commit(lambda: [default_storage.delete(name) for name in parts])
    logger.info("live recording queued", extra={"stream": stream_id, "video": video.id})
    return video.id


def _recording_video(stream: LiveStream, upload: File) -> Video:
    """The stream's own video gets the recording (its comments and reactions stay with it);
    a stream without one (made before streams had it, or its video deleted) gets a new one."""
    if stream.video_id:
        return video_services.video_attach_recording(video_id=stream.video_id, upload=upload)
    return video_services.video_create(
        owner=stream.owner,
        title=stream.title,
        description=stream.description,
        upload=upload,
        filename="recording.mp4",
        enforce_role=False,
    )


def _join(parts: list[str], tmp: Path) -> Path:
    local = []
    for index, name in enumerate(parts):
        target = tmp / f"part-{index:04d}.flv"
        with default_storage.open(name, "rb") as src, open(target, "wb") as dst:
            for block in iter(lambda: src.read(1 << 20), b""):
                dst.write(block)
        local.append(target)
    out = tmp / "recording.mp4"
    listing = tmp / "parts.ffconcat"
    listing.write_text(live_args.concat_list(local))
    ffmpeg = find_ffmpeg(settings.FFMPEG_BINARY)
    # Copies the encoder's own streams: a few seconds even for hours of broadcast.
    run_tool(live_args.join_recording_args(ffmpeg, listing, out), timeout=600, cpu_seconds=600)
    return out
