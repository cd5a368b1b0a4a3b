"""The one place that sends this app's jobs, on commit (the only lazy import of its actors)."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction


def _actors():
    # Deferred: the actors module imports the broker, which must not load with the models.
    from apps.live.recording import actors

    return actors


def send_finalize(stream_id: str) -> None:
    """Join the recording's parts and hand them to the VOD pipeline."""
    transaction.on_commit(lambda: _actors().live_finalize.send(stream_id), robust=True)


def send_window_removal(stream_id: str) -> None:
    """Late viewers may still play the ended window for a while; then the recording replaces it."""
    delay_ms = int(settings.LIVE_WINDOW_KEEP_S * 1000)
    transaction.on_commit(
        lambda: _actors().live_remove_window.send_with_options(args=(stream_id,), delay=delay_ms),
        robust=True,
    )
