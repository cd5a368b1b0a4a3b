"""A live stream's video: made with the stream, carrying the live page's comments, reactions
and viewers, hidden from every listing until its recording is a ready video."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from apps.cms import operations
from apps.live import services
from apps.live.models import LiveStream
from apps.live.recording import join
from apps.videos import selectors as video_selectors
from apps.videos.models import ModerationState, Video, VideoStatus
from apps.videos.pipeline import recovery
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TITLE = "Zanzibar sunrise broadcast"


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()


def test_a_stream_has_its_video_from_creation_and_no_listing_shows_it(client, creator):
    stream = services.live_create(owner=creator, title=TITLE, description="Dawn")
    video = stream.video
    assert video.status == VideoStatus.LIVE and video.owner == creator
    assert (video.title, video.description) == (TITLE, "Dawn")
    services.live_publish_begin(stream_key=stream.stream_key)
    assert LiveStream.objects.get(pk=stream.pk).video_id == video.id  # the same while live

    # Anyone: home, search (page and API), the channel, the API's list.
    assert f"/watch/{video.id}/" not in client.get("/").content.decode()
    assert TITLE not in client.get("/search/", {"q": "Zanzibar"}).content.decode()
    assert TITLE not in client.get(f"/c/{creator.username}/").content.decode()
    assert client.get("/api/v1/videos/", {"search": "Zanzibar"}).json()["results"] == []
    # The owner: the studio's video list (the stream is in its live section), the daily cap.
    client.force_login(creator)
    assert f"/watch/{video.id}/" not in client.get("/studio/").content.decode()
    assert video_selectors.uploads_last_day(owner=creator) == 0
    # Staff: the dashboard's counts; the pipeline: nothing to queue or unstick.
    assert operations.today_counts()["uploads"] == 0
    assert sum(n for _, n in operations.uploads_per_day()) == 0
    assert recovery.resume_unfinished() == 0
    assert recovery.watchdog(now=timezone.now() + timedelta(days=1)) == 0


def test_the_live_page_has_the_reactions_bar_and_comments_of_the_streams_video(client, creator):
    stream = services.live_create(owner=creator, title=TITLE)
    services.live_publish_begin(stream_key=stream.stream_key)
    viewer = UserFactory()
    client.force_login(viewer)
    page = client.get(f"/live/{stream.id}/").content.decode()
    assert f'data-video-id="{stream.video_id}"' in page
    assert f'data-api="/api/v1/videos/{stream.video_id}/reactions/"' in page
    assert "data-reaction-bar" in page and "watching now" in page and "data-comments" in page
    # The watch page's player in live mode: its controls, Quality, the LIVE badge, no VOD seek.
    assert 'id="player-shell"' in page and "data-live-badge" in page and 'id="quality"' in page
    assert "js/player/live.js" in page and "js/player.js" not in page

    said = client.post(
        f"/api/v1/videos/{stream.video_id}/comments/",
        {"body": "Hello from the chat"},
        content_type="application/json",
    )
    assert said.status_code == 201
    reacted = client.post(
        f"/api/v1/videos/{stream.video_id}/reactions/",
        {"emoji": "🔥", "t": 3},
        content_type="application/json",
    )
    assert reacted.status_code == 200 and reacted.json()["counts"]["🔥"] == 1
    page = client.get(f"/live/{stream.id}/").content.decode()
    assert "Hello from the chat" in page
    # A link to the video (a share, a notification) leads to the stream while it is live.
    answer = client.get(f"/watch/{stream.video_id}/")
    assert answer.status_code == 302 and answer["Location"] == f"/live/{stream.id}/"


def test_a_hidden_streams_video_takes_the_social_parts_off_the_page_for_others(client, creator):
    stream = services.live_create(owner=creator, title=TITLE)
    Video.objects.filter(pk=stream.video_id).update(moderation_state=ModerationState.HIDDEN)
    page = client.get(f"/live/{stream.id}/").content.decode()
    assert f'data-video-id="{stream.video_id}"' not in page and "data-reaction-bar" not in page
    assert client.get(f"/api/v1/videos/{stream.video_id}/comments/").status_code == 404
    client.force_login(creator)
    assert "data-reaction-bar" in client.get(f"/live/{stream.id}/").content.decode()


def test_a_stream_that_recorded_nothing_leaves_no_video(creator):
    stream = services.live_create(owner=creator, title="Never started")
    services.live_end(stream_id=stream.id, by=creator)
    assert join.finalize(stream.id) is None
    stream.refresh_from_db()
    assert stream.video is None and stream.recording_video is None
    assert not Video.objects.filter(owner=creator).exists()


def test_a_stream_made_before_streams_had_a_video_gets_one_when_it_goes_live(creator):
    stream = services.live_create(owner=creator, title="Old one")
    Video.objects.filter(pk=stream.video_id).delete()
    stream.refresh_from_db()
    assert stream.video is None
    services.live_publish_begin(stream_key=stream.stream_key)
    stream.refresh_from_db()
    assert stream.video.status == VideoStatus.LIVE and stream.video.title == "Old one"
