import pytest
from django.db import connection

from apps.videos import search
from apps.videos.selectors import video_search
from tests.conftest import require
from tests.factories import VideoFactory

pytestmark = pytest.mark.django_db


def _indexed(**kwargs):
    video = VideoFactory(**kwargs)
    search.video_reindex(video=video)
    return video


def test_exact_title_match_beats_a_description_match():
    in_description = _indexed(title="Weekend plans", description="We bake sourdough bread")
    in_title = _indexed(title="Sourdough bread", description="A recipe")
    _indexed(title="Unrelated", description="Nothing here")
    ids = [v.id for v in video_search(query="sourdough bread")]
    assert ids == [in_title.id, in_description.id]


def test_search_covers_tags_and_channel_name():
    tagged = _indexed(title="Clip one", tags="kayak,river")
    assert [v.id for v in video_search(query="kayak")] == [tagged.id]
    owned = _indexed(title="Clip two")
    owned.owner.display_name = "Zanzibar Studio"
    owned.owner.save()
    search.video_reindex(video=owned)
    assert owned.id in [v.id for v in video_search(query="zanzibar")]


def test_unlisted_private_and_unfinished_videos_are_never_found():
    _indexed(title="Secret volcano", visibility="unlisted")
    _indexed(title="Private volcano", visibility="private")
    _indexed(title="Pending volcano", status="processing", published_at=None)
    assert list(video_search(query="volcano")) == []


def test_filters_by_duration():
    short = _indexed(title="Drone short", duration=60)
    _indexed(title="Drone long", duration=3600)
    assert [v.id for v in video_search(query="drone", duration="short")] == [short.id]


def test_typos_still_find_the_video():
    require(connection.vendor == "postgresql", "PostgreSQL's pg_trgm (DATABASE_URL)")
    video = _indexed(title="Photosynthesis explained")
    _indexed(title="Cooking pasta")
    assert [v.id for v in video_search(query="fotosynthesis")] == [video.id]
    assert [v.id for v in video_search(query="photosynthesis explaned")] == [video.id]


def test_search_page_and_api_use_the_same_ranking(client):
    _indexed(title="Weekend plans", description="sourdough")
    best = _indexed(title="Sourdough")
    page = client.get("/search/", {"q": "sourdough"})
    assert page.status_code == 200
    assert page.context["videos"][0].id == best.id
    api = client.get("/api/v1/videos/", {"search": "sourdough"}).json()
    assert api["results"][0]["id"] == best.id and api["count"] == 2


def _postgres_only():
    require(connection.vendor == "postgresql", "PostgreSQL's pg_trgm (DATABASE_URL)")


def test_a_private_title_changes_nothing_a_stranger_can_search():
    """The private title holds a unique word; searching for it, or for a typo of it, behaves
    exactly as if it did not exist: corrected towards public words only."""
    _postgres_only()
    from apps.videos.models import SearchWord

    public = _indexed(title="Quartzite climbing")
    _indexed(title="Quartzita expedition secrets", visibility="private")
    assert not SearchWord.objects.filter(word__in=["quartzita", "expedition"]).exists()
    for query in ("quartzita", "quartzitas"):
        assert [v.id for v in video_search(query=query)] == [public.id], query


def test_a_video_made_private_takes_its_words_out_of_the_spelling_list(
    django_capture_on_commit_callbacks,
):
    _postgres_only()
    from apps.videos import services
    from apps.videos.models import SearchWord

    video = _indexed(title="Xylophonic dreams")
    assert SearchWord.objects.filter(word="xylophonic").exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.video_update(video=video, by=video.owner, visibility="private")
    assert not SearchWord.objects.filter(word="xylophonic").exists()
    other = _indexed(title="Marimbaphonic evenings")
    with django_capture_on_commit_callbacks(execute=True):
        services.video_delete(video=other, by=other.owner)
    assert not SearchWord.objects.filter(word="marimbaphonic").exists()


def test_the_search_indexes_exist_on_postgresql():
    """Declared as index classes in the models; without them search reads every row."""
    require(connection.vendor == "postgresql", "PostgreSQL's GIN indexes (DATABASE_URL)")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE indexname IN "
            "('videos_video_search_gin', 'videos_video_title_trgm', 'videos_searchword_trgm')"
        )
        found = dict(cursor.fetchall())
    assert "USING gin (search_vector)" in found["videos_video_search_gin"]
    assert "gin_trgm_ops" in found["videos_video_title_trgm"]
    assert "gin_trgm_ops" in found["videos_searchword_trgm"]
