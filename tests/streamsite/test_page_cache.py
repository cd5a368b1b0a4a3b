"""The anonymous page cache (streamsite/page_cache.py): anonymous viewers get the same page
without it being rendered again, nobody else ever gets that copy, and what must show at once
(a video taken down, an edit, a broadcast) does."""

from __future__ import annotations

import random

import pytest
from django.core.cache import cache

from apps.broadcasts import services as broadcasts
from apps.cms import moderation
from apps.videos import search
from apps.videos import services as videos
from apps.videos.models import Video
from streamsite import page_cache
from tests.factories import ModeratorFactory, UserFactory, VideoFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE_S = 30
    # A generation no earlier test used: pages cached by them are out of reach.
    cache.set(page_cache.GENERATION_KEY, random.randrange(1 << 40), timeout=None)


def test_anonymous_pages_are_rendered_once_then_served(client, django_assert_num_queries):
    video = VideoFactory(title="Cached sunrise")
    for url in ("/", "/search/?q=sunrise", f"/watch/{video.id}/"):
        first = client.get(url)
        assert first.status_code == 200 and first["X-Page-Cache"] == "miss"
        # The watch page still reads its video's row (is it still public, unchanged?).
        with django_assert_num_queries(1 if "/watch/" in url else 0):
            again = client.get(url)
        assert again["X-Page-Cache"] == "hit" and again.content == first.content
        assert "Cookie" in again["Vary"]
        # The middleware still runs on a cached answer: security headers are fresh.
        assert again["Content-Security-Policy"] and again["X-Content-Type-Options"] == "nosniff"


def test_a_signed_in_viewer_never_gets_the_anonymous_copy(client):
    video = VideoFactory(title="Members see more")
    client.get(f"/watch/{video.id}/")
    assert client.get(f"/watch/{video.id}/")["X-Page-Cache"] == "hit"
    client.force_login(video.owner)
    page = client.get(f"/watch/{video.id}/")
    assert "X-Page-Cache" not in page
    assert f"/studio/videos/{video.id}/edit/".encode() in page.content  # the owner's Edit button


def test_a_video_made_private_or_hidden_is_gone_at_once(client, django_capture_on_commit_callbacks):
    video = VideoFactory(title="Soon private")
    other = VideoFactory(title="Soon hidden")
    for v in (video, other):
        assert client.get(f"/watch/{v.id}/").status_code == 200
    assert b"Soon private" in client.get("/").content
    with django_capture_on_commit_callbacks(execute=True):
        videos.video_update(video=video, by=video.owner, visibility="private")
        moderation.video_hide(video=other, by=_staff_moderator(), reason="Spam")
    assert client.get(f"/watch/{video.id}/").status_code == 404
    assert client.get(f"/watch/{other.id}/").status_code == 404
    home = client.get("/").content
    assert b"Soon private" not in home and b"Soon hidden" not in home


def test_an_edit_shows_on_the_next_load(client, django_capture_on_commit_callbacks):
    video = VideoFactory(title="Old title")
    client.get(f"/watch/{video.id}/")
    client.get("/")
    with django_capture_on_commit_callbacks(execute=True):
        videos.video_update(video=video, by=video.owner, title="New title")
    assert b"New title" in client.get(f"/watch/{video.id}/").content
    assert b"New title" in client.get("/").content


def test_a_broadcast_is_on_the_next_page_loaded(client, django_capture_on_commit_callbacks):
    assert client.get("/")["X-Page-Cache"] == "miss"
    with django_capture_on_commit_callbacks(execute=True):
        issued = broadcasts.broadcast_issue(by=ModeratorFactory(), message="Flood warning now")
    assert b"Flood warning now" in client.get("/").content
    with django_capture_on_commit_callbacks(execute=True):
        broadcasts.broadcast_end(broadcast_id=issued.id, by=ModeratorFactory())
    assert b"Flood warning now" not in client.get("/").content


def test_a_visitor_with_a_session_gets_their_own_page(client, django_capture_on_commit_callbacks):
    """An anonymous visitor who dismissed a banner has a session: the cached page with the
    banner is for others, not for them."""
    with django_capture_on_commit_callbacks(execute=True):
        issued = broadcasts.broadcast_issue(by=ModeratorFactory(), message="Dismiss me please")
    assert b"Dismiss me please" in client.get("/").content
    dismissed = client.post(f"/api/v1/broadcasts/{issued.id}/dismiss/")
    assert dismissed.status_code in (200, 204), dismissed.content
    mine = client.get("/")
    assert "X-Page-Cache" not in mine and b"Dismiss me please" not in mine.content
    stranger = client_class_fresh()
    assert b"Dismiss me please" in stranger.get("/").content


def test_query_strings_are_different_pages(client):
    for title in ("Alpha river", "Beta mountain"):
        search.video_reindex(video=VideoFactory(title=title))
    river = client.get("/search/?q=river").content
    mountain = client.get("/search/?q=mountain").content
    assert b"Alpha river" in river and b"Beta mountain" not in river
    assert b"Beta mountain" in mountain and b"Alpha river" not in mountain


def test_off_when_set_to_zero(client, settings):
    settings.PAGE_CACHE_S = 0
    client.get("/")
    assert "X-Page-Cache" not in client.get("/")


def test_nothing_else_is_cached(client):
    """Only plain 200s: a 404 for a video that may appear later, a processing page, a user's
    own pages."""
    processing = VideoFactory(status="processing", published_at=None)
    for _ in range(2):
        assert client.get("/watch/nope12345/").status_code == 404
        assert "X-Page-Cache" not in client.get(f"/watch/{processing.id}/")
    client.force_login(UserFactory())
    for _ in range(2):
        assert "X-Page-Cache" not in client.get("/")


def _staff_moderator():
    from apps.users.services import roles_ensure

    roles_ensure()
    return ModeratorFactory(is_staff=True)


def client_class_fresh():
    from django.test import Client

    return Client()


@pytest.mark.parametrize("personal", ["csrf", "cookie", "private", "not-found"])
def test_a_personal_answer_is_never_stored(rf, personal):
    """What a view made for this one visitor (a form's CSRF token, a cookie, a private or
    failed answer) is rendered again for the next one, never served from the cache."""
    from django.http import HttpResponse
    from django.middleware.csrf import get_token

    served = []

    @page_cache.anonymous_page()
    def view(request):
        served.append(1)
        response = HttpResponse(f"page {len(served)}")
        if personal == "csrf":
            response.content = f"<input value='{get_token(request)}'>".encode()
        elif personal == "cookie":
            response.set_cookie("seen", "1")
        elif personal == "private":
            response["Cache-Control"] = "private"
        else:
            response.status_code = 404
        return response

    for _ in range(3):
        assert "X-Page-Cache" not in view(rf.get("/personal/"))
    assert len(served) == 3


def test_the_related_list_is_shared_yet_drops_a_private_video_at_once(
    client, django_capture_on_commit_callbacks
):
    """Signed-in pages are rendered per viewer, but the related list (the same for everyone)
    is rendered once; a video made private leaves it on the next load, not after a timeout."""
    video = VideoFactory(title="Main feature")
    sibling = VideoFactory(owner=video.owner, title="Sibling clip", tags="same")
    client.force_login(UserFactory())
    assert b"Sibling clip" in client.get(f"/watch/{video.id}/").content
    # A change no service made (so nothing was invalidated): the shared copy is served.
    Video.objects.filter(pk=sibling.pk).update(title="Renamed quietly")
    assert b"Sibling clip" in client.get(f"/watch/{video.id}/").content
    with django_capture_on_commit_callbacks(execute=True):
        videos.video_update(video=sibling, by=sibling.owner, visibility="private")
    assert b"Sibling clip" not in client.get(f"/watch/{video.id}/").content


def test_a_hidden_or_deleted_comment_leaves_cached_pages_at_once(
    client, django_capture_on_commit_callbacks
):
    from apps.comments import services as comments

    video = VideoFactory(title="Comments under watch")
    author = UserFactory()
    abusive = comments.comment_post(video=video, by=author, body="An abusive remark")
    regretted = comments.comment_post(video=video, by=author, body="A regretted remark")
    page = client.get(f"/watch/{video.id}/")
    assert b"An abusive remark" in page.content and b"A regretted remark" in page.content
    assert client.get(f"/watch/{video.id}/")["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        comments.comment_hide(comment_id=abusive.id, by=video.owner)
    assert b"An abusive remark" not in client.get(f"/watch/{video.id}/").content
    with django_capture_on_commit_callbacks(execute=True):
        comments.comment_delete(comment_id=regretted.id, by=author)
    assert b"A regretted remark" not in client.get(f"/watch/{video.id}/").content
