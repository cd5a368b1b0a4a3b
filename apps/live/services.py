"""Writes to live streams: creation, the stream key, the publisher's life cycle, the end.

The ingest (apps.live.ingest) calls the `live_publish_*` functions; they hold the row lock, so
two ingests (or an ingest and the studio) never disagree about who publishes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from apps.live import jobs
from apps.live.delivery import events
from apps.live.models import LiveStatus, LiveStream, new_stream_key
from apps.users.models import User
from apps.users.selectors import user_is_creator
from apps.videos import services as video_services

logger = logging.getLogger(__name__)

TRANSITIONS: dict[str, set[str]] = {
    LiveStatus.SCHEDULED: {LiveStatus.LIVE, LiveStatus.ENDED},
    LiveStatus.LIVE: {LiveStatus.ENDED},
    LiveStatus.ENDED: set(),
}
# A publisher that comes back within this long continues the same stream.
RECONNECT_GRACE_S = 30
# An ingest refreshes its publishers' heartbeat every few seconds; older than this, the
# connection it claims is gone (the ingest died) and the key may publish again.
HEARTBEAT_STALE_S = 15


# Told, once the transaction commits, the id of a stream that has just gone live (not when a
# publisher resumes within the grace): apps.notifications tells the channel's subscribers.
WENT_LIVE_HOOKS: list[Callable[[str], None]] = []


class IllegalTransition(Exception):
    pass


class PublishRefused(Exception):
    """The key may not publish now; the message is safe to show the publisher's owner."""


def live_transition(stream: LiveStream, to: str) -> None:
    """Set a new status if TRANSITIONS allows it; the caller saves (and holds the row lock)."""
    if to == stream.status:
        return
    if to not in TRANSITIONS[stream.status]:
        raise IllegalTransition(f"live stream {stream.id}: {stream.status} -> {to}")
    stream.status = to


def _require_manager(stream: LiveStream, user: User | None) -> None:
    if not (user and user.is_authenticated and (user.is_staff or user.pk == stream.owner_id)):
        raise PermissionDenied("Only the owner or staff may change this live stream.")


def live_create(
    *, owner: User, title: str, description: str = "", scheduled_for: datetime | None = None
) -> LiveStream:
    if not user_is_creator(owner):
        raise PermissionDenied("Only creators may go live. Start a channel first.")
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": "A title is required."})
    stream = LiveStream(
        owner=owner, title=title[:200], description=description or "", scheduled_for=scheduled_for
    )
    stream.full_clean()
    with transaction.atomic():
        stream.video = video_services.video_create_for_live(
            owner=owner, title=stream.title, description=stream.description
        )
        stream.save(force_insert=True)
    logger.info("live stream created", extra={"stream": stream.id})
    return stream


def live_regenerate_key(*, stream: LiveStream, by: User) -> LiveStream:
    """A new key; the old one is refused from the next publish on (a running one continues)."""
    _require_manager(stream, by)
    stream.stream_key = new_stream_key()
    stream.save(update_fields=["stream_key", "updated_at"])
    return stream


def _end(stream: LiveStream, reason: str) -> None:
    """With the row locked: end it, and have the recording processed once nobody publishes."""
    live_transition(stream, LiveStatus.ENDED)
    stream.ended_at = timezone.now()
    stream.end_reason = reason[:300]
    stream.save()
    events.status_changed(stream)
    if not stream.publisher_connected:
        jobs.send_finalize(stream.id)


def live_end(*, stream_id: str, by: User, reason: str = "Ended by the creator.") -> LiveStream:
    """The creator ends the stream; the ingest drops the publisher at its next heartbeat."""
    with transaction.atomic():
        stream = LiveStream.objects.select_for_update().get(pk=stream_id)
        _require_manager(stream, by)
        if stream.status != LiveStatus.ENDED:
            _end(stream, reason)
    return stream


def _refuse(stream: LiveStream | None, stream_key: str, now: datetime) -> None:
    if stream is None or not stream_key:
        raise PublishRefused("Unknown stream key.")
    if stream.status == LiveStatus.ENDED:
        raise PublishRefused("This live stream has ended.")
    heartbeat = stream.publisher_heartbeat_at
    if (
        stream.publisher_connected
        and heartbeat
        and now - heartbeat < timedelta(seconds=HEARTBEAT_STALE_S)
    ):
        raise PublishRefused("Another encoder is already live on this key.")


def live_publish_check(*, stream_key: str) -> str:
    """The same rules as live_publish_begin without claiming the key: for a front end
    (nginx-rtmp's on_publish) that relays accepted streams to the ingest, which claims it."""
    stream = LiveStream.objects.filter(stream_key=stream_key).first()
    _refuse(stream, stream_key, timezone.now())
    return stream.id


def live_publish_begin(*, stream_key: str) -> tuple[str, int, bool]:
    """Authenticate a publisher before any media is taken: (stream id, session, resumed).

    Refused: an unknown key, an ended stream, a key another encoder is publishing on.
    """
    now = timezone.now()
    with transaction.atomic():
        stream = LiveStream.objects.select_for_update().filter(stream_key=stream_key).first()
        _refuse(stream, stream_key, now)
        resumed = stream.status == LiveStatus.LIVE
        if resumed and not stream.publisher_connected and stream.disconnected_at:
            if now - stream.disconnected_at > timedelta(seconds=RECONNECT_GRACE_S):
                _end(stream, "The encoder disconnected.")
                raise PublishRefused("This live stream has ended.")
        live_transition(stream, LiveStatus.LIVE)
        if stream.video_id is None:  # made before streams had their video
            stream.video = video_services.video_create_for_live(
                owner=stream.owner, title=stream.title, description=stream.description
            )
        stream.started_at = stream.started_at or now
        stream.publisher_connected = True
        stream.publisher_session += 1
        stream.publisher_heartbeat_at = now
        stream.disconnected_at = None
        stream.save()
        if not resumed:
            events.status_changed(stream)
            for hook in WENT_LIVE_HOOKS:
                transaction.on_commit(partial(hook, stream.id), robust=True)
    logger.info("live publish", extra={"stream": stream.id, "resumed": resumed})
    return stream.id, stream.publisher_session, resumed


def live_publish_heartbeat(
    *, stream_id: str, session: int, health: dict | None = None, **facts
) -> bool:
    """Record the ingest's measurements; False when this publisher must stop (stream ended,
    or a newer session took over after this ingest was thought dead)."""
    allowed = {"width", "height", "rungs"}
    fields = {k: v for k, v in facts.items() if k in allowed}
    if health is not None:
        fields["health"] = {**health, "at": timezone.now().isoformat()}
    updated = LiveStream.objects.filter(
        pk=stream_id, publisher_session=session, status=LiveStatus.LIVE
    ).update(publisher_heartbeat_at=timezone.now(), updated_at=timezone.now(), **fields)
    return updated == 1


def live_publish_end(
    *, stream_id: str, session: int, recording_part: str = "", fatal_reason: str = ""
) -> str:
    """A publisher's connection is over. `fatal_reason` (a hostile or broken publisher) ends
    the stream; otherwise the key may come back within RECONNECT_GRACE_S."""
    with transaction.atomic():
        stream = LiveStream.objects.select_for_update().get(pk=stream_id)
        if recording_part and recording_part not in stream.recording_parts:
            stream.recording_parts = [*stream.recording_parts, recording_part]
        if stream.publisher_session == session:
            stream.publisher_connected = False
            stream.disconnected_at = timezone.now()
        stream.save()
        if fatal_reason and stream.status != LiveStatus.ENDED:
            _end(stream, fatal_reason)
        elif stream.status == LiveStatus.ENDED and not stream.publisher_connected:
            jobs.send_finalize(stream.id)
    logger.info("live publisher gone", extra={"stream": stream_id, "reason": fatal_reason})
    return stream.status


def live_end_abandoned(*, older_than_s: float = RECONNECT_GRACE_S) -> list[str]:
    """End streams whose publisher left more than the grace ago, or whose ingest died (its
    heartbeat stale) and never came back. Idempotent; the ingest runs it every few seconds."""
    now = timezone.now()
    ended = []
    candidates = LiveStream.objects.filter(status=LiveStatus.LIVE).values_list("pk", flat=True)
    for stream_id in list(candidates):
        with transaction.atomic():
            stream = LiveStream.objects.select_for_update().get(pk=stream_id)
            if stream.status != LiveStatus.LIVE:
                continue
            if stream.publisher_connected:
                beat = stream.publisher_heartbeat_at
                if beat and now - beat < timedelta(seconds=HEARTBEAT_STALE_S):
                    continue
                # The ingest that held it died: count the grace from its last heartbeat.
                stream.publisher_connected = False
                stream.disconnected_at = beat or now
                stream.save()
            gone = stream.disconnected_at or now
            if now - gone >= timedelta(seconds=older_than_s):
                _end(stream, "The encoder disconnected.")
                ended.append(stream.id)
    return ended


def live_streams_still_open(*, stream_ids: set[str]) -> set[str]:
    """Which of these streams may still be published to (not ended, not deleted)."""
    open_ids = LiveStream.objects.filter(pk__in=stream_ids).exclude(status=LiveStatus.ENDED)
    return set(open_ids.values_list("pk", flat=True))


def live_recording_add_part(*, stream_id: str, name: str) -> bool:
    """A recording part found after an ingest died; False if the stream is gone or has it."""
    with transaction.atomic():
        stream = LiveStream.objects.select_for_update().filter(pk=stream_id).first()
        if stream is None or name in stream.recording_parts or stream.recording_video_id:
            return False
        stream.recording_parts = sorted([*stream.recording_parts, name])
        stream.save(update_fields=["recording_parts", "updated_at"])
        if stream.status == LiveStatus.ENDED and not stream.publisher_connected:
            jobs.send_finalize(stream.id)
    return True


def live_recording_attach(*, stream_id: str, video_id: str) -> None:
    attached = LiveStream.objects.filter(pk=stream_id, recording_video__isnull=True).update(
        recording_video_id=video_id, updated_at=timezone.now()
    )
    if attached:
        events.status_changed(LiveStream.objects.get(pk=stream_id))
        jobs.send_window_removal(stream_id)
