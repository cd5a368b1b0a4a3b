"""The home page from staff's sections: in order, inside their windows, changed on the next
page load (the cache is invalidated by the services, never by a restart)."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from apps.cms import services
from apps.cms.models import Category, HomeSection, SectionKind, VideoCategory
from tests.factories import UserFactory, VideoFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


def _headings(client) -> list[str]:
    import re

    html = client.get("/").content.decode()
    return re.findall(r'<h2 id="row-\d+">([^<]+)</h2>', html)


def _section(**fields) -> HomeSection:
    return services.section_save(section=HomeSection(**fields))


def test_without_sections_the_plain_feed_is_home(client):
    VideoFactory(title="Plain feed video")
    html = client.get("/").content.decode()
    assert "Recent videos" in html and "Plain feed video" in html


def test_sections_render_in_their_order(client):
    VideoFactory(title="Newest", views=1)
    _section(kind=SectionKind.NEW, title="Fresh", order=2)
    _section(kind=SectionKind.TRENDING, title="Hot this week", order=1)
    assert _headings(client) == ["Hot this week", "Fresh"]


def test_a_change_shows_on_the_next_load_without_restart(client):
    VideoFactory(title="Clip")
    new = _section(kind=SectionKind.NEW, title="Fresh", order=1)
    assert _headings(client) == ["Fresh"]  # now cached
    trending = _section(kind=SectionKind.TRENDING, title="Hot", order=0)
    assert _headings(client) == ["Hot", "Fresh"]
    new.title = "Just in"
    services.section_save(section=new)
    assert _headings(client) == ["Hot", "Just in"]
    services.section_delete(section=trending)
    assert _headings(client) == ["Just in"]


def test_windows_open_and_close(client):
    VideoFactory()
    now = timezone.now()
    _section(kind=SectionKind.NEW, title="Always", order=0)
    _section(kind=SectionKind.NEW, title="Later", order=1, starts_at=now + timedelta(hours=1))
    _section(kind=SectionKind.NEW, title="Over", order=2, ends_at=now - timedelta(minutes=1))
    closing = _section(
        kind=SectionKind.NEW, title="Now only", order=3, ends_at=now + timedelta(hours=1)
    )
    assert _headings(client) == ["Always", "Now only"]
    # Windows move with time, not only with edits: the cache lives no longer than the next
    # edge, so moving the clock past it (here: the edge itself) changes the page.
    HomeSection.objects.filter(pk=closing.pk).update(ends_at=now - timedelta(seconds=1))
    HomeSection.objects.filter(title="Later").update(starts_at=now - timedelta(seconds=1))
    cache.clear()  # what expiry at the window's edge does
    assert _headings(client) == ["Always", "Later"]


def test_cache_expires_at_the_next_window_edge():
    from apps.cms import home

    now = timezone.now()
    _section(kind=SectionKind.NEW, title="Soon", starts_at=now + timedelta(seconds=20))
    assert 1 <= home._next_boundary_s(now) <= 20
    assert home._next_boundary_s(now + timedelta(seconds=30)) == home.MAX_AGE_S


def test_hero_featured_category_and_picked(client):
    hero_video = VideoFactory(title="Big premiere")
    music = Category.objects.create(name="Music", slug="music")
    song = VideoFactory(title="A song")
    VideoCategory.objects.create(video=song, category=music)
    VideoFactory(title="Unrelated")
    _section(kind=SectionKind.HERO, title="Premiere", headline="Tonight only", video=hero_video)
    _section(kind=SectionKind.CATEGORY, title="Music", order=1, category=music)
    picked = _section(kind=SectionKind.PICKED, title="Staff picks", order=2)
    services.section_set_videos(section=picked, video_ids=[song.pk, hero_video.pk])
    html = client.get("/").content.decode()
    assert "Tonight only" in html and "Big premiere" in html
    music_row = html.split('<h2 id="row-')[2]
    assert "A song" in music_row and "Unrelated" not in music_row
    picks = html.split("Staff picks")[1]
    assert picks.index("A song") < picks.index("Big premiere")


def test_continue_watching_is_empty_without_history(client):
    VideoFactory()
    _section(kind=SectionKind.NEW, title="Fresh", order=1)
    _section(kind=SectionKind.CONTINUE, title="Continue watching", order=0)
    client.force_login(UserFactory())
    assert _headings(client) == ["Fresh"]


def test_admin_preview_shows_a_section(client):
    VideoFactory(title="Previewed clip")
    section = _section(
        kind=SectionKind.NEW, title="Future", starts_at=timezone.now() + timedelta(days=1)
    )
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    page = client.get(f"/admin/cms/homesection/{section.pk}/preview/")
    assert page.status_code == 200 and b"Previewed clip" in page.content


def test_admin_save_invalidates_the_home_page(client):
    VideoFactory()
    section = _section(kind=SectionKind.NEW, title="Before", order=0)
    assert _headings(client) == ["Before"]
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.post(
        f"/admin/cms/homesection/{section.pk}/change/",
        {
            "kind": "new",
            "title": "After",
            "order": 0,
            "limit": 12,
            "headline": "",
            "items-TOTAL_FORMS": 0,
            "items-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.content[:2000]
    client.logout()
    assert _headings(client) == ["After"]


def test_live_now_section_lists_streams_on_air(client):
    from apps.live.models import LiveStream as stream_model

    owner = UserFactory()
    stream_model.objects.create(owner=owner, title="Going live now", status="live")
    stream_model.objects.create(owner=owner, title="Not yet", status="scheduled")
    VideoFactory()
    _section(kind=SectionKind.LIVE, title="On air", order=0)
    html = client.get("/").content.decode()
    assert "On air" in html and "Going live now" in html and "Not yet" not in html
