import pytest
from django.core.cache import cache

from apps.sharing.selectors import video_related
from tests.factories import CreatorFactory, VideoFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_cached_rankings():
    cache.clear()


def test_related_ranks_same_channel_and_shared_tags_public_ready_only():
    video = VideoFactory(title="Sourdough bread basics", tags="baking, bread")
    owner, stranger = video.owner, CreatorFactory()
    same_channel = VideoFactory(owner=owner, title="My garden tour")
    both = VideoFactory(owner=owner, title="Rye loaves", tags="bread")
    tagged = VideoFactory(owner=stranger, title="Croissants at home", tags="Baking")
    similar_title = VideoFactory(owner=stranger, title="Sourdough starter")
    VideoFactory(owner=stranger, title="Car repair", tags="cars")  # unrelated
    VideoFactory(owner=owner, title="Private bread", tags="bread", visibility="private")
    VideoFactory(owner=owner, title="Unlisted bread", tags="bread", visibility="unlisted")
    VideoFactory(owner=owner, tags="bread", status="processing", published_at=None)
    VideoFactory(owner=owner, tags="bread", moderation_state="hidden")

    related = video_related(video=video)
    assert related[0] == both  # same channel and a shared tag
    assert set(related) == {both, same_channel, tagged, similar_title}
    assert video not in related


def test_related_is_capped_and_drops_a_video_made_private_at_once():
    video = VideoFactory(tags="news")
    others = [VideoFactory(owner=video.owner, tags="news") for _ in range(10)]
    related = video_related(video=video)
    assert len(related) == 8
    others_by_id = {o.id: o for o in others}
    gone = others_by_id[related[0].id]
    gone.visibility = "private"
    gone.save()
    assert gone not in video_related(video=video)


def test_watch_page_shows_related_videos(client):
    video = VideoFactory(tags="cats")
    VideoFactory(title="More cats", tags="cats")
    VideoFactory(title="Secret cats", tags="cats", visibility="private")
    body = client.get(f"/watch/{video.id}/").content.decode()
    assert "Related videos" in body and "More cats" in body and "Secret cats" not in body
