"""Writes of watch history: one upsert per reported position, clearing, pausing."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from apps.history.models import HistorySettings, WatchEntry
from apps.users.models import User
from apps.videos.models import Video
from apps.videos.selectors import video_can_watch


def near_end(duration: float) -> float:
    """Past this point a video counts as watched: the last 5 s, or the last 5 % of a long one
    (credits). The player's resume.js uses the same rule."""
    return duration - max(5.0, duration * 0.05)


def _require_user(user: User) -> None:
    if not (user and user.is_authenticated):
        raise PermissionDenied("Sign in to keep a watch history.")


def history_is_paused(*, user: User) -> bool:
    return HistorySettings.objects.filter(user=user, paused=True).exists()


def history_record(*, user: User, video: Video, position_s: float) -> WatchEntry | None:
    """Upsert where the user is in the video (one statement); None while history is paused."""
    _require_user(user)
    if not video_can_watch(video=video, user=user):
        raise ValidationError("No such video.")
    if not (0 <= position_s < 10 * 24 * 3600):
        raise ValidationError("position_s must be a number of seconds from 0.")
    if history_is_paused(user=user):
        return None
    duration = video.duration or 0
    done = bool(duration) and position_s >= near_end(duration)
    if duration:
        position_s = min(position_s, duration)
    entry = WatchEntry(
        user=user, video=video, position_s=position_s, done=done, updated_at=timezone.now()
    )
    # INSERT … ON CONFLICT (user, video) DO UPDATE: no read first, no race between two tabs.
    WatchEntry.objects.bulk_create(
        [entry],
        update_conflicts=True,
        unique_fields=["user", "video"],
        update_fields=["position_s", "done", "updated_at"],
    )
    return entry


def history_remove(*, user: User, video_id: str) -> int:
    _require_user(user)
    return WatchEntry.objects.filter(user=user, video_id=video_id).delete()[0]


def history_clear(*, user: User) -> int:
    _require_user(user)
    return WatchEntry.objects.filter(user=user).delete()[0]


def history_set_paused(*, user: User, paused: bool) -> HistorySettings:
    _require_user(user)
    settings, _ = HistorySettings.objects.update_or_create(user=user, defaults={"paused": paused})
    return settings
