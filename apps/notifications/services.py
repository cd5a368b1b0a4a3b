"""Writes of notifications: announcing a video or live stream (run by the actors), a reply to
a comment, marking read, the email choice."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.broadcasts.push.events import notify_user
from apps.comments.models import Comment, CommentState
from apps.live.models import LiveStatus, LiveStream
from apps.notifications import fanout
from apps.notifications.models import (
    EmailChoice,
    Notification,
    NotificationKind,
    NotificationSettings,
)
from apps.users.models import User
from apps.videos.models import ModerationState, Video, VideoStatus, Visibility
from apps.videos.selectors import video_can_watch


def announce_video(*, video_id: str) -> int | None:
    """Tell the channel's subscribers of a video that is ready, public and visible, the first
    time it is (None: not so now, or told before)."""
    video = (
        Video.objects.filter(pk=video_id)
        .only("owner_id", "status", "visibility", "moderation_state")
        .first()
    )
    if video is None or (video.status, video.visibility, video.moderation_state) != (
        VideoStatus.READY,
        Visibility.PUBLIC,
        ModerationState.VISIBLE,
    ):
        return None
    return fanout.announce(
        kind=NotificationKind.VIDEO_PUBLISHED,
        subject=video.id,
        channel_id=video.owner_id,
        video_id=video.id,
    )


def announce_live(*, stream_id: str) -> int | None:
    stream = LiveStream.objects.filter(pk=stream_id).only("owner_id", "status").first()
    if stream is None or stream.status != LiveStatus.LIVE:
        return None
    return fanout.announce(
        kind=NotificationKind.LIVE_STARTED,
        subject=stream.id,
        channel_id=stream.owner_id,
        live_stream_id=stream.id,
    )


def notify_comment_reply(*, reply_id: int) -> Notification | None:
    """The parent comment's author hears of a reply by someone else (once per reply)."""
    reply = (
        Comment.objects.select_related("parent", "parent__author", "video")
        .filter(pk=reply_id, state=CommentState.VISIBLE, parent__isnull=False)
        .first()
    )
    if reply is None:
        return None
    recipient = reply.parent.author
    if recipient.pk == reply.author_id or not recipient.is_active:
        return None
    if not video_can_watch(video=reply.video, user=recipient):
        return None
    try:
        with transaction.atomic():
            notification, created = Notification.objects.get_or_create(
                user=recipient,
                kind=NotificationKind.COMMENT_REPLY,
                subject=str(reply.pk),
                defaults={
                    "video": reply.video,
                    "comment": reply,
                    "actor_id": reply.author_id,
                    "created_at": timezone.now(),
                },
            )
            if created:
                notify_user(
                    recipient.pk,
                    notification_id=notification.pk,
                    kind=notification.kind,
                    video=reply.video_id,
                )
    except IntegrityError:  # the same reply told twice at once: the other call made it
        return None
    return notification


def notifications_mark_read(*, user: User, ids: list[int] | None = None) -> int:
    """Mark the user's unread notifications read (all, or those of `ids`); how many changed."""
    if user is None or not user.is_authenticated:
        raise PermissionDenied("Sign in first.")
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())


def notification_settings_update(*, user: User, email: str) -> NotificationSettings:
    if email not in EmailChoice.values:
        raise ValidationError({"email": f"Choose one of: {', '.join(EmailChoice.values)}."})
    settings, _ = NotificationSettings.objects.update_or_create(
        user=user, defaults={"email": email}
    )
    return settings
