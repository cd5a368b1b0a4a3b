"""Automatic captions: the speech of a video's upload, through a recognizer, as a Caption of
kind automatic. Idempotent: a video that already has automatic captions is left alone."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from django.conf import settings
from django.utils.module_loading import import_string

from apps.captions import services
from apps.captions.models import Caption, CaptionSource
from apps.videos.models import Video, VideoStatus
from apps.videos.pipeline import encoding, storage
from media_pipeline.captions import Cue, sanitize_cue_text, speech_audio_args

logger = logging.getLogger(__name__)


class NotYet(Exception):
    """The upload has not been probed yet: the job is retried later."""


def transcribe(video_id: str) -> Caption | None:
    video = Video.objects.filter(pk=video_id).first()
    if video is None or video.status == VideoStatus.FAILED:
        return None
    if Caption.objects.filter(video=video, source=CaptionSource.AUTOMATIC).exists():
        return None
    if not video.demuxer:
        raise NotYet(f"video {video_id} is not probed yet")
    if not video.has_audio or not video.source:
        return None
    recognize = import_string(settings.CAPTIONS_RECOGNIZER)
    settings.PIPELINE_WORK_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=settings.PIPELINE_WORK_DIR) as work:
        source = storage.download(video.source, Path(work) / "source")
        wav = Path(work) / "speech.wav"
        encoding.run_tool(
            speech_audio_args(
                ffmpeg=encoding.ffmpeg(), source=source, out=wav, demuxer=video.demuxer
            ),
            timeout=120 + (video.duration or 0) / 4,
            step="speech audio",
            cwd=work,
        )
        language, cues = recognize(wav)
    # The recognizer's text is as untrusted as an upload's: cleaned the same way.
    cues = [
        Cue(start=c.start, end=c.end, text=sanitize_cue_text(c.text))
        for c in cues
        if c.end > c.start
    ]
    caption = services.caption_store_automatic(
        video=video, language=language, cues=[c for c in cues if c.text]
    )
    logger.info("automatic captions", extra={"video": video_id, "stored": caption is not None})
    return caption
