"""Jobs: announcing a scheduled broadcast when its start time comes."""

from __future__ import annotations

from datetime import timedelta

import dramatiq
from django.utils import timezone

from apps.broadcasts.models import Broadcast
from apps.broadcasts.push import events

QUEUE = "broadcasts"


@dramatiq.actor(queue_name=QUEUE, max_retries=3, time_limit=30_000)
def announce_broadcast(broadcast_id: int) -> None:
    """Idempotent: pushes the broadcast if it is in force now (pages drop duplicates by id);
    a broadcast ended, expired or moved later in the meantime is left alone."""
    broadcast = Broadcast.objects.filter(pk=broadcast_id).first()
    if broadcast is None or broadcast.ended_at is not None:
        return
    if broadcast.starts_at > timezone.now() + timedelta(seconds=2):
        return  # the start was moved later: the edit that moved it queued its own job
    if broadcast.expires_at is None or broadcast.expires_at > timezone.now():
        # A second early at most: pages hold it back until its `starts_at` themselves.
        event = events.shown_event(events.to_message(broadcast))
        events.send(events.scope_group(broadcast), event)
