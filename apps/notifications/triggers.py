"""What other apps tell this one, registered in NotificationsConfig.ready so that videos, live
and comments import nothing of it. Each listener runs after the other app's commit."""

from __future__ import annotations

from apps.notifications import jobs, services


def video_published(video_id: str) -> None:
    # Fan-out is a job: a channel with 100,000 subscribers costs its creator's request nothing.
    jobs.send_announce_video(video_id)


def went_live(stream_id: str) -> None:
    jobs.send_announce_live(stream_id)


def reply_posted(reply_id: int) -> None:
    # One row for one person: made here, pushed at once.
    services.notify_comment_reply(reply_id=reply_id)


def register() -> None:
    from apps.comments import hooks
    from apps.live import services as live_services
    from apps.videos import services as video_services

    if video_published not in video_services.PUBLISHED_HOOKS:
        video_services.PUBLISHED_HOOKS.append(video_published)
    if went_live not in live_services.WENT_LIVE_HOOKS:
        live_services.WENT_LIVE_HOOKS.append(went_live)
    hooks.on_reply_posted(reply_posted)
