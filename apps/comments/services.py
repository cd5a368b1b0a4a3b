"""Writes of comments. Counts move with F() in the write's transaction; every change reaches the
video's open pages once it has committed (apps.comments.live)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from apps.comments import hooks, live
from apps.comments.models import (
    Comment,
    CommentReport,
    CommentState,
    CommentTally,
    ReportReason,
)
from apps.comments.selectors import comment_can_moderate, comment_can_pin
from streamsite import page_cache


def _signed_in(user) -> None:
    if user is None or not user.is_authenticated:
        raise PermissionDenied("Sign in first.")


def _clean_body(body: object) -> str:
    text = str(body or "").replace("\r\n", "\n").strip()
    if not text:
        raise ValidationError("A comment cannot be empty.")
    if len(text) > settings.COMMENT_MAX_LENGTH:
        raise ValidationError(
            f"A comment is at most {settings.COMMENT_MAX_LENGTH} characters (this one has "
            f"{len(text)})."
        )
    return text


def _count(video_id: str, step: int) -> int:
    CommentTally.objects.get_or_create(video_id=video_id)
    CommentTally.objects.filter(video_id=video_id).update(count=F("count") + step)
    return CommentTally.objects.get(video_id=video_id).count


def _locked(comment_id: int) -> Comment:
    comment = (
        Comment.objects.select_for_update(of=("self",))
        .select_related("video", "author")
        .filter(pk=comment_id)
        .first()
    )
    if comment is None:
        raise Comment.DoesNotExist("No such comment.")
    return comment


def comment_post(*, video, by, body: object, parent_id: int | None = None) -> Comment:
    """A comment, or a reply; a reply to a reply joins its thread (one level of replies)."""
    _signed_in(by)
    text = _clean_body(body)
    with transaction.atomic():
        parent = None
        if parent_id is not None:
            parent = Comment.objects.filter(
                pk=parent_id, video=video, state=CommentState.VISIBLE
            ).first()
            if parent is None:
                raise ValidationError("The comment you reply to is gone.")
            if parent.parent_id is not None:
                parent = Comment.objects.get(pk=parent.parent_id)
        comment = Comment.objects.create(video=video, author=by, parent=parent, body=text)
        if parent is not None:
            Comment.objects.filter(pk=parent.pk).update(reply_count=F("reply_count") + 1)
        count = _count(video.id, +1)
        live.comment_changed(comment, "created", count)
        if parent is not None and parent.author_id != by.pk:
            transaction.on_commit(lambda: hooks.reply_posted(comment.pk))
    return comment


def comment_edit(*, comment_id: int, by, body: object) -> Comment:
    _signed_in(by)
    text = _clean_body(body)
    with transaction.atomic():
        comment = _locked(comment_id)
        if comment.author_id != by.pk:
            raise PermissionDenied("Only its author may edit a comment.")
        if not comment.is_visible:
            raise ValidationError("This comment was removed.")
        if text != comment.body:
            comment.body, comment.edited_at = text, timezone.now()
            comment.save(update_fields=["body", "edited_at", "changed_at"])
            live.comment_changed(comment, "edited", None)
    return comment


def _remove(comment: Comment, state: str, by) -> Comment:
    comment.state = state
    comment.pinned = False
    comment.hidden_by = by if state == CommentState.HIDDEN else None
    comment.save(update_fields=["state", "pinned", "hidden_by", "changed_at"])
    if comment.parent_id is not None:
        Comment.objects.filter(pk=comment.parent_id).update(reply_count=F("reply_count") - 1)
    count = _count(comment.video_id, -1)
    live.comment_changed(comment, "removed", count)
    # A hidden (abusive) or deleted comment must not stay on cached anonymous watch pages.
    page_cache.invalidate()
    return comment


def comment_delete(*, comment_id: int, by) -> Comment:
    _signed_in(by)
    with transaction.atomic():
        comment = _locked(comment_id)
        if comment.author_id != by.pk:
            raise PermissionDenied("Only its author may delete a comment.")
        if not comment.is_visible:
            return comment
        return _remove(comment, CommentState.DELETED, by)


def comment_hide(*, comment_id: int, by) -> Comment:
    _signed_in(by)
    with transaction.atomic():
        comment = _locked(comment_id)
        if not comment_can_moderate(video=comment.video, user=by):
            raise PermissionDenied("Only the video's owner and moderators may hide comments.")
        if not comment.is_visible:
            return comment
        return _remove(comment, CommentState.HIDDEN, by)


def comment_pin(*, comment_id: int, by, pinned: bool) -> Comment:
    """Pin a top-level comment (unpinning the video's previous one), or unpin it."""
    _signed_in(by)
    with transaction.atomic():
        comment = _locked(comment_id)
        if not comment_can_pin(video=comment.video, user=by):
            raise PermissionDenied("Only the video's owner may pin a comment.")
        if pinned and (comment.parent_id is not None or not comment.is_visible):
            raise ValidationError("Only a visible top-level comment can be pinned.")
        if comment.pinned == pinned:
            return comment
        if pinned:
            previous = Comment.objects.select_for_update().filter(
                video_id=comment.video_id, pinned=True
            )
            for old in previous:
                old.pinned = False
                old.save(update_fields=["pinned", "changed_at"])
                live.comment_changed(old, "unpinned", None)
        comment.pinned = pinned
        try:
            with transaction.atomic():
                comment.save(update_fields=["pinned", "changed_at"])
        except IntegrityError as exc:
            # Another pin on this video committed in between; the constraint keeps one.
            raise ValidationError("Another comment was pinned at the same time; retry.") from exc
        live.comment_changed(comment, "pinned" if pinned else "unpinned", None)
    return comment


def comment_report(*, comment_id: int, by, reason: str, detail: str = "") -> CommentReport:
    """Queue a report for staff; a second report of the same comment by one user updates it."""
    _signed_in(by)
    if reason not in ReportReason.values:
        raise ValidationError(f"Unknown reason; use one of {', '.join(ReportReason.values)}.")
    comment = Comment.objects.filter(pk=comment_id).first()
    if comment is None:
        raise Comment.DoesNotExist("No such comment.")
    report, _ = CommentReport.objects.update_or_create(
        comment=comment,
        reporter=by,
        defaults={"reason": reason, "detail": str(detail or "")[:500], "resolved_at": None},
    )
    return report


def reports_resolve(*, report_ids: list[int], by, hide: bool) -> int:
    """Close reports (staff, from the admin queue), hiding their comments if asked."""
    if not by.is_staff:
        raise PermissionDenied("Staff only.")
    with transaction.atomic():
        reports = list(
            CommentReport.objects.select_for_update()
            .filter(pk__in=report_ids, resolved_at=None)
            .only("pk", "comment_id")
        )
        if hide:
            for comment_id in sorted({r.comment_id for r in reports}):
                comment_hide(comment_id=comment_id, by=by)
        CommentReport.objects.filter(pk__in=[r.pk for r in reports]).update(
            resolved_at=timezone.now(), resolved_by=by
        )
    return len(reports)
