"""Announcing a video or a live stream: the videos and live apps' hooks send a job (never the
fan-out itself) once the change commits; the job inserts one notification per subscriber who
wants it, once per video however often it is retried, reprocessed or made public again."""

from __future__ import annotations

import pytest

from apps.live import services as live_services
from apps.live.models import LiveStream
from apps.notifications import fanout, jobs, services
from apps.notifications.models import Announcement, Notification
from apps.subscriptions.models import Subscription
from apps.videos import services as video_services
from tests.apps.notifications.factories import channel_with_fans
from tests.factories import UserFactory, VideoFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(monkeypatch):
    """The jobs the hooks send, recorded instead of queued."""
    calls: list[tuple[str, str]] = []
    monkeypatch.setattr(jobs, "send_announce_video", lambda i: calls.append(("video", i)))
    monkeypatch.setattr(jobs, "send_announce_live", lambda i: calls.append(("live", i)))
    return calls


def test_a_video_becoming_ready_and_public_sends_the_job_on_commit(
    sent, django_capture_on_commit_callbacks
):
    channel, _ = channel_with_fans(2)
    video = VideoFactory(owner=channel, status="processing", published_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        video.save(update_fields=video_services.video_mark_ready(video))
        assert sent == []  # not before the commit
    assert sent == [("video", video.id)]
    # Nothing inserted by the request itself: the fan-out is the job's.
    assert Notification.objects.count() == 0


def test_private_or_unready_videos_send_nothing_and_going_public_sends_it(
    sent, django_capture_on_commit_callbacks
):
    channel, _ = channel_with_fans(1)
    private = VideoFactory(owner=channel, visibility="private")
    busy = VideoFactory(owner=channel, status="processing")
    with django_capture_on_commit_callbacks(execute=True):
        video_services.video_announce_if_public(private)
        video_services.video_announce_if_public(busy)
    assert sent == []
    with django_capture_on_commit_callbacks(execute=True):
        video_services.video_update(video=private, by=channel, visibility="public")
    assert sent == [("video", private.id)]


def test_the_job_notifies_each_wanting_subscriber_once(django_capture_on_commit_callbacks):
    channel, fans = channel_with_fans(7)
    Subscription.objects.filter(user=fans[0]).update(notify="none")
    fans[1].is_active = False
    fans[1].save()
    video = VideoFactory(owner=channel)
    stranger = UserFactory()
    assert services.announce_video(video_id=video.id) == 5
    rows = Notification.objects.filter(video=video)
    assert sorted(rows.values_list("user_id", flat=True)) == sorted(f.pk for f in fans[2:])
    assert set(rows.values_list("kind", "actor_id")) == {("video_published", channel.pk)}
    assert not Notification.objects.filter(user__in=[fans[0], fans[1], stranger]).exists()
    # Retried, or run twice at once: nothing new.
    assert services.announce_video(video_id=video.id) is None
    assert Notification.objects.count() == 5


def test_a_run_that_died_half_way_is_finished_without_duplicates(monkeypatch):
    channel, fans = channel_with_fans(9)
    video = VideoFactory(owner=channel)
    monkeypatch.setattr(fanout, "BATCH", 4)
    pushed: list[int] = []
    monkeypatch.setattr(fanout, "push", lambda rows, **kw: pushed.extend(u for _, u in rows))
    batch_end = fanout._batch_end
    allowed = iter([batch_end, batch_end])  # two batches of 4, then the worker dies

    def dies_on_the_third_batch(channel_id, after):
        step = next(allowed, None)
        if step is None:
            raise RuntimeError("worker lost")
        return step(channel_id, after)

    monkeypatch.setattr(fanout, "_batch_end", dies_on_the_third_batch)
    with pytest.raises(RuntimeError):
        services.announce_video(video_id=video.id)
    assert Notification.objects.count() == 8
    assert Announcement.objects.get().done_at is None
    monkeypatch.setattr(fanout, "_batch_end", batch_end)
    # The retry: every subscriber once, and only the missing one pushed again.
    assert services.announce_video(video_id=video.id) == 1
    assert Notification.objects.count() == 9
    assert Announcement.objects.get().recipients == 9
    assert sorted(pushed) == sorted(f.pk for f in fans)


def test_reprocessing_or_toggling_private_and_public_does_not_notify_again(
    monkeypatch, django_capture_on_commit_callbacks
):
    channel, fans = channel_with_fans(3)
    video = VideoFactory(owner=channel)
    assert services.announce_video(video_id=video.id) == 3
    Notification.objects.all().delete()  # even with the rows gone (read and cleared)
    late = UserFactory()
    Subscription.objects.create(user=late, channel=channel)
    with django_capture_on_commit_callbacks(execute=True):
        video_services.video_update(video=video, by=channel, visibility="private")
        video_services.video_update(video=video, by=channel, visibility="public")
    assert services.announce_video(video_id=video.id) is None
    assert Notification.objects.count() == 0


def test_a_video_made_private_before_the_job_runs_is_not_announced_until_public():
    channel, _ = channel_with_fans(2)
    video = VideoFactory(owner=channel, visibility="private")
    assert services.announce_video(video_id=video.id) is None
    assert not Announcement.objects.exists()
    video.visibility = "public"
    video.save()
    assert services.announce_video(video_id=video.id) == 2


def test_going_live_sends_the_job_once_and_notifies_subscribers(
    sent, django_capture_on_commit_callbacks
):
    channel, fans = channel_with_fans(3)
    stream = LiveStream.objects.create(owner=channel, title="Live cooking")
    with django_capture_on_commit_callbacks(execute=True):
        live_services.live_publish_begin(stream_key=stream.stream_key)
    assert sent == [("live", stream.id)]
    # A publisher coming back within the grace continues the stream: no second job.
    LiveStream.objects.filter(pk=stream.pk).update(publisher_connected=False)
    with django_capture_on_commit_callbacks(execute=True):
        live_services.live_publish_begin(stream_key=stream.stream_key)
    assert sent == [("live", stream.id)]
    assert services.announce_live(stream_id=stream.id) == 3
    rows = Notification.objects.filter(kind="live_started", live_stream=stream)
    assert sorted(rows.values_list("user_id", flat=True)) == sorted(f.pk for f in fans)
    assert services.announce_live(stream_id=stream.id) is None


def test_the_actor_is_queued_on_its_own_queue_with_limits():
    from apps.notifications import actors

    for actor in (actors.announce_video, actors.announce_live):
        assert actor.queue_name == "notifications"
        assert actor.options["max_retries"] >= 1 and actor.options["time_limit"] > 0


def test_a_held_upload_approved_by_a_moderator_sends_the_job(
    sent, django_capture_on_commit_callbacks
):
    from apps.cms import moderation
    from tests.factories import ModeratorFactory

    channel, _ = channel_with_fans(1)
    held = VideoFactory(owner=channel, moderation_state="pending")
    with django_capture_on_commit_callbacks(execute=True):
        video_services.video_announce_if_public(held)
    assert sent == []
    with django_capture_on_commit_callbacks(execute=True):
        moderation.video_approve(video=held, by=ModeratorFactory(is_staff=True))
    assert sent == [("video", held.id)]
