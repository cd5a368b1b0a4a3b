"""Writes: issue, edit and end broadcasts (each logged), dismissals, content warnings and
disclaimers. Pushes to `/ws/site/` happen on commit (apps.broadcasts.push.events)."""

from __future__ import annotations

import logging
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from apps.broadcasts import jobs
from apps.broadcasts.models import (
    Broadcast,
    BroadcastAction,
    BroadcastDismissal,
    BroadcastLogEntry,
    Display,
    Severity,
    VideoDisclaimer,
)
from apps.broadcasts.push import events
from apps.broadcasts.selectors import SESSION_DISMISSED, broadcast_can_issue
from apps.users.models import User
from apps.videos.models import Video
from streamsite import page_cache

logger = logging.getLogger(__name__)

EDITABLE = ("message", "link", "severity", "display", "starts_at", "expires_at")


def _require_issuer(by: User) -> None:
    if not broadcast_can_issue(by):
        raise PermissionDenied("Only moderators and staff may issue broadcasts.")


def _log(broadcast: Broadcast, action: str, by: User, changes: dict) -> None:
    BroadcastLogEntry.objects.create(
        broadcast=broadcast, action=action, actor=by, actor_name=by.get_username(), changes=changes
    )


def _json(value):
    return value.isoformat() if isinstance(value, datetime) else value


def _check(broadcast: Broadcast, *, new: bool) -> None:
    broadcast.message = (broadcast.message or "").strip()
    if not broadcast.message:
        raise ValidationError({"message": "A broadcast needs a message."})
    if broadcast.severity not in Severity.values:
        raise ValidationError({"severity": f"One of: {', '.join(Severity.values)}."})
    if broadcast.display not in Display.values:
        raise ValidationError({"display": f"One of: {', '.join(Display.values)}."})
    if broadcast.expires_at is not None:
        if broadcast.expires_at <= broadcast.starts_at:
            raise ValidationError({"expires_at": "The expiry must come after the start."})
        if new and broadcast.expires_at <= timezone.now():
            raise ValidationError({"expires_at": "The expiry is already past."})
    broadcast.full_clean(exclude=["video", "created_by", "ended_by"])


def _announce(broadcast: Broadcast) -> None:
    """Push it now if it is in force, or have a job push it when it starts."""
    if broadcast.starts_at <= timezone.now():
        events.shown(broadcast)
    else:
        jobs.announce_at_start(broadcast)


def broadcast_issue(
    *,
    by: User,
    message: str,
    severity: str = Severity.INFO,
    display: str = Display.BANNER,
    link: str = "",
    video: Video | None = None,
    live_stream_id: str = "",
    starts_at: datetime | None = None,
    expires_at: datetime | None = None,
) -> Broadcast:
    _require_issuer(by)
    if video is not None and live_stream_id:
        raise ValidationError("A broadcast is for the whole site, one video or one live stream.")
    broadcast = Broadcast(
        message=message,
        severity=severity,
        display=display,
        link=link or "",
        video=video,
        live_stream_id=live_stream_id or "",
        starts_at=starts_at or timezone.now(),
        expires_at=expires_at,
        created_by=by,
    )
    _check(broadcast, new=True)
    with transaction.atomic():
        broadcast.save()
        _log(
            broadcast,
            BroadcastAction.ISSUED,
            by,
            {
                **{f: [None, _json(getattr(broadcast, f))] for f in EDITABLE},
                "video": [None, broadcast.video_id],
                "live_stream_id": [None, broadcast.live_stream_id],
            },
        )
        _announce(broadcast)
    logger.info("broadcast issued", extra={"broadcast": broadcast.id, "by": by.pk})
    return broadcast


def broadcast_edit(*, broadcast_id: int, by: User, **fields) -> Broadcast:
    """Change what a live or scheduled broadcast says or when it runs (its scope is fixed:
    end it and issue another). Pages replace it in place."""
    _require_issuer(by)
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValidationError({f: "This field cannot be changed." for f in sorted(unknown)})
    with transaction.atomic():
        broadcast = Broadcast.objects.select_for_update().get(pk=broadcast_id)
        if broadcast.ended_at is not None:
            raise ValidationError("This broadcast has ended; issue a new one.")
        was_active = broadcast.is_active()
        changes = {}
        for key, value in fields.items():
            before = getattr(broadcast, key)
            if before != value:
                changes[key] = [_json(before), _json(value)]
                setattr(broadcast, key, value)
        if not changes:
            return broadcast
        _check(broadcast, new=False)
        broadcast.save()
        _log(broadcast, BroadcastAction.EDITED, by, changes)
        if broadcast.is_active():
            events.shown(broadcast)
        else:
            if was_active:
                events.ended(broadcast.id, events.scope_group(broadcast))
            if broadcast.starts_at > timezone.now():
                jobs.announce_at_start(broadcast)
    return broadcast


def broadcast_end(*, broadcast_id: int, by: User) -> Broadcast:
    """End it at once, everywhere."""
    _require_issuer(by)
    with transaction.atomic():
        broadcast = Broadcast.objects.select_for_update().get(pk=broadcast_id)
        if broadcast.ended_at is not None:
            raise ValidationError("This broadcast has already ended.")
        broadcast.ended_at = timezone.now()
        broadcast.ended_by = by
        broadcast.save(update_fields=["ended_at", "ended_by", "updated_at"])
        _log(broadcast, BroadcastAction.ENDED, by, {"ended_at": [None, _json(broadcast.ended_at)]})
        events.ended(broadcast.id, events.scope_group(broadcast))
    logger.info("broadcast ended", extra={"broadcast": broadcast.id, "by": by.pk})
    return broadcast


def broadcast_dismiss(*, broadcast_id: int, user, session) -> None:
    """Remember that this viewer closed it: per account when signed in, else per session."""
    broadcast = Broadcast.objects.filter(pk=broadcast_id).first()
    if broadcast is None:
        raise Broadcast.DoesNotExist
    if not broadcast.dismissible:
        raise ValidationError("Critical broadcasts cannot be dismissed.")
    if user is not None and user.is_authenticated:
        # Under the unique constraint: two tabs dismissing at once still make one row.
        BroadcastDismissal.objects.get_or_create(user=user, broadcast=broadcast)
        return
    dismissed = [i for i in session.get(SESSION_DISMISSED, []) if i != broadcast.id]
    session[SESSION_DISMISSED] = [*dismissed, broadcast.id][-200:]


def content_warning_set(*, video: Video, reason: str, by: User) -> Video:
    """The owner, a moderator or staff puts a content warning on a video (or clears it)."""
    if not (by.is_authenticated and (by.pk == video.owner_id or broadcast_can_issue(by))):
        raise PermissionDenied("Only the owner, moderators and staff may set a content warning.")
    reason = (reason or "").strip()
    if len(reason) > 200:
        raise ValidationError({"content_warning": "At most 200 characters."})
    Video.objects.filter(pk=video.pk).update(content_warning=reason, updated_at=timezone.now())
    video.content_warning = reason
    page_cache.invalidate()
    logger.info("content warning set", extra={"video": video.pk, "by": by.pk, "set": bool(reason)})
    return video


def disclaimer_set(*, video: Video, text: str, by: User, link: str = "") -> VideoDisclaimer | None:
    """Staff attach (or, with empty text, remove) the note shown beside a video's player."""
    if not (by.is_authenticated and by.is_staff):
        raise PermissionDenied("Only staff may attach disclaimers.")
    text = (text or "").strip()
    page_cache.invalidate()  # the disclaimer is part of the watch page
    if not text:
        VideoDisclaimer.objects.filter(video=video).delete()
        return None
    VideoDisclaimer(video=video, text=text, link=link or "").full_clean(
        exclude=["video", "updated_by"]
    )
    disclaimer, _ = VideoDisclaimer.objects.update_or_create(
        video=video, defaults={"text": text, "link": link or "", "updated_by": by}
    )
    return disclaimer
