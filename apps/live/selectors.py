"""Reads of live streams."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse

from apps.live.models import LiveStatus, LiveStream
from apps.videos.models import Video
from apps.videos.selectors import video_can_watch


def live_get(*, stream_id: str) -> LiveStream:
    stream = LiveStream.objects.select_related("owner", "recording_video", "video").filter(
        pk=stream_id
    )
    found = stream.first()
    if found is None:
        raise Http404("No such live stream.")
    return found


def live_social_video(*, stream: LiveStream, user) -> Video | None:
    """The video the page's comments, reactions and viewer count key on: the stream's own, if
    this viewer may see it (moderators may hide it; then the page shows the stream alone)."""
    video = stream.video
    if video is None or not video_can_watch(video=video, user=user):
        return None
    return video


def live_for_video(*, video: Video) -> LiveStream | None:
    """The stream a video in status LIVE belongs to (None for any other video)."""
    return LiveStream.objects.select_related("owner").filter(video=video).first()


def live_can_manage(*, stream: LiveStream, user) -> bool:
    return bool(user and user.is_authenticated and (user.is_staff or user.pk == stream.owner_id))


def live_list_now() -> QuerySet[LiveStream]:
    return (
        LiveStream.objects.filter(status=LiveStatus.LIVE)
        .select_related("owner")
        .order_by("-started_at")
    )


def live_list_for_owner(*, user) -> QuerySet[LiveStream]:
    return LiveStream.objects.filter(owner=user).order_by("-created_at")


def live_hls_url(stream: LiveStream) -> str:
    """Fixed at creation: the master playlist's address never changes, it only appears."""
    return reverse("live-media", kwargs={"name": stream.master_name})


def live_ingest_url(request=None) -> str:
    from django.conf import settings

    host = getattr(settings, "RTMP_PUBLIC_HOST", "") or (
        request.get_host().split(":")[0] if request is not None else "127.0.0.1"
    )
    return f"rtmp://{host}:{settings.RTMP_PORT}/live"
