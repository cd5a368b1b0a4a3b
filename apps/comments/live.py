"""Comment changes to every open page of the video, once committed: `{"type": "comment",
"event": created|edited|removed|pinned|unpinned, "id", "parent", "count", "comment", "html"}`.

`html` is the comment as the watch page renders it (escaped), the same for every viewer; each
page shows the controls its user may use."""

from __future__ import annotations

from django.template.loader import render_to_string

from apps.comments.models import Comment
from apps.videos.delivery import socket


def comment_json(comment: Comment) -> dict:
    visible = comment.is_visible
    return {
        "id": comment.pk,
        "body": comment.body if visible else "",
        "author": comment.author.username,
        "parent": comment.parent_id,
        "created_at": comment.created_at.isoformat(),
        "edited": comment.edited_at is not None,
        "pinned": comment.pinned,
        "state": comment.state,
        "reply_count": comment.reply_count,
        "changed_at": comment.changed_at.isoformat() if comment.changed_at else None,
    }


def comment_html(comment: Comment) -> str:
    if not comment.is_visible:
        return ""
    comment.visible_replies = []
    return render_to_string("comments/comment.html", {"comment": comment})


def comment_message(comment: Comment, event: str, count: int | None) -> dict:
    message = {
        "type": "comment",
        "event": event,
        "id": comment.pk,
        "parent": comment.parent_id,
        "comment": comment_json(comment),
        "html": comment_html(comment),
    }
    if count is not None:
        message["count"] = count
    return message


def comment_changed(comment: Comment, event: str, count: int | None) -> None:
    socket.push(comment.video_id, comment_message(comment, event, count))
