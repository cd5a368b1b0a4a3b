"""Dramatiq actors of captions: thin, they take ids and call `speech.transcribe`."""

from __future__ import annotations

import dramatiq
from django.conf import settings

from apps.captions.speech import transcribe

QUEUE = "captions"


@dramatiq.actor(
    queue_name=QUEUE,
    # A video still being probed comes back later (transcribe.NotYet): backoff doubles from 5 s.
    max_retries=8,
    min_backoff=5_000,
    max_backoff=300_000,
    time_limit=settings.CAPTIONS_JOB_TIME_LIMIT_S * 1000,
)
def transcribe_video(video_id: str) -> None:
    transcribe.transcribe(video_id)
