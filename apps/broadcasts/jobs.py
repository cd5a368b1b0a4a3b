"""The one place that sends this app's jobs, on commit."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from apps.broadcasts.models import Broadcast


def announce_at_start(broadcast: Broadcast) -> None:
    """Push a scheduled broadcast to open pages when it starts (pages loaded after that render
    it themselves)."""
    from apps.broadcasts import actors

    broadcast_id = broadcast.id
    delay_ms = max(0, int((broadcast.starts_at - timezone.now()).total_seconds() * 1000))
    transaction.on_commit(
        lambda: actors.announce_broadcast.send_with_options(args=(broadcast_id,), delay=delay_ms)
    )
