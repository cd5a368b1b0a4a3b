"""Reported comments in the moderation queue: a small adapter over apps.comments.

The comments app owns its reports and their resolution (`reports_resolve`); the queue shows
open ones grouped by comment and logs each decision in ModerationAction. Without that app
(or before its reports exist) the queue simply has no comment panel.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import PermissionDenied

from apps.cms.models import ActionKind, ModerationAction
from apps.users.models import User


@dataclass
class ReportedComment:
    comment_id: int
    body: str
    author: str
    author_id: int | None
    video_id: str
    video_title: str
    report_ids: list[int] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)


def _report_model():
    try:
        return apps.get_model("comments", "CommentReport")
    except LookupError:
        return None


def available() -> bool:
    return _report_model() is not None


def open_reported_comments(limit: int = 50) -> list[ReportedComment]:
    model = _report_model()
    if model is None:
        return []
    found: dict[int, ReportedComment] = {}
    reports = (
        model.objects.filter(resolved_at__isnull=True)
        .select_related("comment__author", "comment__video")
        .order_by("created_at")
    )
    for report in reports[: limit * 5]:
        comment = report.comment
        entry = found.get(comment.pk)
        if entry is None:
            if len(found) >= limit:
                continue
            entry = found[comment.pk] = ReportedComment(
                comment_id=comment.pk,
                body=comment.body[:300],
                author=comment.author.username,
                author_id=comment.author_id,
                video_id=comment.video_id,
                video_title=comment.video.title,
            )
        entry.report_ids.append(report.pk)
        entry.reasons.append(report.get_reason_display())
    return sorted(found.values(), key=lambda e: -len(e.report_ids))


def comment_resolve(*, comment_id: int, by: User, hide: bool) -> int:
    """Hide the comment (or keep it) and close its open reports; logged with who and when."""
    if not (by.is_staff and by.has_perm("cms.change_queuedvideo")):
        raise PermissionDenied("Only moderators may do this.")
    model = _report_model()
    if model is None:
        return 0
    reports = model.objects.filter(comment_id=comment_id, resolved_at__isnull=True)
    first = reports.select_related("comment__video").first()
    if first is None:
        return 0
    services = importlib.import_module("apps.comments.services")
    closed = services.reports_resolve(
        report_ids=list(reports.values_list("pk", flat=True)), by=by, hide=hide
    )
    comment = first.comment
    ModerationAction.objects.create(
        kind=ActionKind.COMMENT_HIDE if hide else ActionKind.COMMENT_KEEP,
        by=by,
        video_id=comment.video_id,
        comment_id=comment.pk,
        subject=comment.body[:300],
        target_user_id=comment.author_id,
        reason=f"{closed} report(s)",
    )
    return closed
