"""The one place that sends this app's jobs, on commit (outside a transaction: at once)."""

from __future__ import annotations

from django.db import transaction


def send_announce_video(video_id: str) -> None:
    from apps.notifications import actors

    transaction.on_commit(lambda: actors.announce_video.send(video_id))


def send_announce_live(stream_id: str) -> None:
    from apps.notifications import actors

    transaction.on_commit(lambda: actors.announce_live.send(stream_id))
