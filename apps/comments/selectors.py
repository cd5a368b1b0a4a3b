"""Reads of comments: pages of a video's comments, catch-up, who may moderate."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import IntegerField, OuterRef, Prefetch, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.comments.models import Comment, CommentState, CommentTally
from apps.users.selectors import user_is_moderator

PER_PAGE = 20
# "top": the most replied-to threads first.
SORTS = {
    "newest": ("-pinned", "-created_at", "-id"),
    "top": ("-pinned", "-reply_count", "-created_at", "-id"),
}


def comment_can_moderate(*, video, user) -> bool:
    """The video's owner, moderators and staff may hide comments on it."""
    if user is None or not user.is_authenticated:
        return False
    return user.pk == video.owner_id or user.is_staff or user_is_moderator(user)


def comment_can_pin(*, video, user) -> bool:
    return bool(user and user.is_authenticated and (user.pk == video.owner_id or user.is_staff))


def author_links_allowed(author) -> bool:
    """Links from new accounts stay plain text: spam comes from fresh accounts."""
    if author.is_staff:
        return True
    age = timedelta(days=settings.COMMENT_LINKS_MIN_ACCOUNT_DAYS)
    return author.date_joined <= timezone.now() - age


def comment_count(*, video_id: str) -> int:
    return (
        CommentTally.objects.filter(video_id=video_id).values_list("count", flat=True).first() or 0
    )


def _visible_replies() -> Prefetch:
    replies = (
        Comment.objects.filter(state=CommentState.VISIBLE)
        .select_related("author")
        .order_by("created_at", "id")
    )
    return Prefetch("replies", queryset=replies, to_attr="visible_replies")


def comment_threads(*, video, sort: str = "newest") -> QuerySet[Comment]:
    """Visible top-level comments, the pinned one first, each with its visible replies."""
    order = SORTS.get(sort, SORTS["newest"])
    return (
        Comment.objects.filter(video=video, parent=None, state=CommentState.VISIBLE)
        .select_related("author")
        .prefetch_related(_visible_replies())
        .order_by(*order)
    )


def comment_page(*, video, sort: str = "newest", page: object = 1) -> Page:
    return Paginator(comment_threads(video=video, sort=sort), PER_PAGE).get_page(page)


def comment_list(*, video, sort: str = "newest", parent_id: int | None = None) -> QuerySet:
    if parent_id is None:
        return comment_threads(video=video, sort=sort)
    return (
        Comment.objects.filter(video=video, parent_id=parent_id, state=CommentState.VISIBLE)
        .select_related("author")
        .order_by("created_at", "id")
    )


def comment_changes(*, video, since: datetime) -> QuerySet[Comment]:
    """Every comment of the video changed after `since`, whatever its state, oldest change
    first: what a page whose socket dropped has missed."""
    return (
        Comment.objects.filter(video=video, changed_at__gt=since)
        .select_related("author")
        .order_by("changed_at", "id")
    )


def comment_get(*, comment_id: int) -> Comment | None:
    return Comment.objects.select_related("video", "author").filter(pk=comment_id).first()


def annotate_comment_count(videos):
    tally = CommentTally.objects.filter(video_id=OuterRef("pk")).values("count")[:1]
    return videos.annotate(
        comments_count=Coalesce(Subquery(tally), Value(0, output_field=IntegerField()))
    )
