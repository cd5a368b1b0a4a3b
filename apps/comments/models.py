"""Comments on videos (one level of replies), their per-video count, and reports."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from apps.videos.models import Video


class CommentState(models.TextChoices):
    VISIBLE = "visible", "Visible"
    HIDDEN = "hidden", "Hidden by a moderator or the video's owner"
    DELETED = "deleted", "Deleted by its author"


class Comment(models.Model):
    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comments"
    )
    # Replies hang off a top-level comment only (one level).
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    body = models.TextField()
    state = models.CharField(
        max_length=8, choices=CommentState.choices, default=CommentState.VISIBLE
    )
    pinned = models.BooleanField(default=False)
    # Visible replies, kept with F() by the services; "top" orders by it.
    reply_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    # Any change a page must catch up with (post, edit, hide, delete, pin) moves it.
    changed_at = models.DateTimeField(auto_now=True, db_index=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["video", "parent", "state", "-created_at"]),
            models.Index(fields=["video", "changed_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["video"], condition=Q(pinned=True), name="one_pinned_comment_per_video"
            )
        ]

    def __str__(self) -> str:
        return f"{self.author_id} on {self.video_id}: {self.body[:40]}"

    @property
    def is_visible(self) -> bool:
        return self.state == CommentState.VISIBLE


class CommentTally(models.Model):
    """Visible comments (and replies) of a video."""

    video = models.OneToOneField(
        Video, on_delete=models.CASCADE, primary_key=True, related_name="comment_tally"
    )
    count = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.video_id}: {self.count}"


class ReportReason(models.TextChoices):
    SPAM = "spam", "Spam or scam"
    HARASSMENT = "harassment", "Harassment or hate"
    SEXUAL = "sexual", "Sexual content"
    VIOLENCE = "violence", "Violence or threats"
    OTHER = "other", "Something else"


class CommentReport(models.Model):
    """A viewer's report; open reports are the staff's queue in the admin."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(max_length=12, choices=ReportReason.choices)
    detail = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True, db_index=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["created_at"]
        constraints = [models.UniqueConstraint(fields=["comment", "reporter"], name="report_once")]

    def __str__(self) -> str:
        return f"{self.reason}: comment {self.comment_id}"
