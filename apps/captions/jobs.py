"""The one place that sends captions jobs, once the current transaction commits."""

from __future__ import annotations

from types import ModuleType

from django.db import transaction


def _actors() -> ModuleType:
    from apps.captions import actors

    return actors


def send_transcribe(video_id: str) -> None:
    """Automatic captions of a video (apps.captions.speech.transcribe)."""
    transaction.on_commit(lambda: _actors().transcribe_video.send(video_id), robust=True)
