"""Moderation: reports, the automatic hold, and moderators' actions, each one logged.

A video that is not "visible" is seen only by its owner and staff (apps.videos.selectors);
the owner sees `moderation_reason`.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.cms import home
from apps.cms.models import ActionKind, ModerationAction, Report, ReportReason
from apps.cms.selectors import moderation_settings
from apps.users.models import User
from apps.videos import services as video_services
from apps.videos.models import ModerationState, Video

AUTO_HIDE_REASON = "Hidden while moderators review reports about it."


def _require_moderator(by: User, perm: str = "cms.change_queuedvideo") -> None:
    if not (by and by.is_authenticated and by.is_staff and by.has_perm(perm)):
        raise PermissionDenied("Only moderators may do this.")


def _log(kind: str, *, by: User | None, video: Video, reason: str = "") -> ModerationAction:
    return ModerationAction.objects.create(
        kind=kind,
        by=by,
        video_id=video.pk,
        subject=video.title[:300],
        target_user_id=video.owner_id,
        reason=reason[:500],
    )


def report_video(*, video: Video, by: User, reason: str, note: str = "") -> Report:
    """One open report per account; enough distinct reporters hide the video pending review."""
    if reason not in ReportReason.values:
        raise ValidationError({"reason": "Choose a reason for the report."})
    if by.pk == video.owner_id:
        raise ValidationError({"reason": "You cannot report your own video."})
    with transaction.atomic():
        locked = Video.objects.select_for_update().get(pk=video.pk)
        try:
            with transaction.atomic():
                report = Report.objects.create(
                    video=locked, reporter=by, reason=reason, note=note.strip()[:500]
                )
        except IntegrityError:
            raise ValidationError({"reason": "You have already reported this video."}) from None
        reporters = Report.objects.filter(video=locked, resolved_at__isnull=True).count()
        if (
            locked.moderation_state == ModerationState.VISIBLE
            and reporters >= moderation_settings().report_threshold
        ):
            locked.moderation_state = ModerationState.PENDING
            locked.moderation_reason = AUTO_HIDE_REASON
            locked.save(update_fields=["moderation_state", "moderation_reason", "updated_at"])
            _log(ActionKind.AUTO_HIDE, by=None, video=locked, reason=f"{reporters} reports")
            transaction.on_commit(home.invalidate)
    return report


def _resolve_reports(video: Video) -> None:
    Report.objects.filter(video=video, resolved_at__isnull=True).update(resolved_at=timezone.now())


def _set_state(video: Video, state: str, reason: str) -> Video:
    with transaction.atomic():
        locked = Video.objects.select_for_update().get(pk=video.pk)
        locked.moderation_state = state
        locked.moderation_reason = reason
        locked.save(update_fields=["moderation_state", "moderation_reason", "updated_at"])
        _resolve_reports(locked)
    transaction.on_commit(home.invalidate)
    return locked


def video_approve(*, video: Video, by: User) -> Video:
    """Visible again; its open reports are closed."""
    _require_moderator(by)
    video = _set_state(video, ModerationState.VISIBLE, "")
    video_services.video_announce_if_public(video)  # a held upload is published now
    _log(ActionKind.APPROVE, by=by, video=video)
    return video


def video_hide(*, video: Video, by: User, reason: str) -> Video:
    _require_moderator(by)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why: the owner sees the reason."})
    video = _set_state(video, ModerationState.HIDDEN, reason)
    _log(ActionKind.HIDE, by=by, video=video, reason=reason)
    return video


def video_remove(*, video: Video, by: User, reason: str = "") -> None:
    _require_moderator(by, "cms.delete_queuedvideo")
    with transaction.atomic():
        _log(ActionKind.DELETE, by=by, video=video, reason=reason)
        video_services.video_delete(video=video, by=by)
    transaction.on_commit(home.invalidate)


def uploader_warn(*, video: Video, by: User, reason: str) -> ModerationAction:
    """A warning on the uploader's record (listed in the admin and shown in their studio)."""
    _require_moderator(by)
    if not (reason or "").strip():
        raise ValidationError({"reason": "Say what the warning is about."})
    return _log(ActionKind.WARN, by=by, video=video, reason=reason.strip())


def uploader_ban(*, video: Video, by: User, reason: str = "") -> User:
    """Deactivate the account and hide every one of its videos."""
    _require_moderator(by)
    owner = video.owner
    if owner.is_staff:
        raise PermissionDenied("Staff accounts are not banned from the moderation queue.")
    with transaction.atomic():
        User.objects.filter(pk=owner.pk).update(is_active=False)
        Video.objects.filter(owner=owner).update(
            moderation_state=ModerationState.HIDDEN,
            moderation_reason=reason or "The account was banned.",
        )
        _resolve_reports(video)
        _log(ActionKind.BAN, by=by, video=video, reason=reason)
    transaction.on_commit(home.invalidate)
    owner.refresh_from_db()
    return owner
