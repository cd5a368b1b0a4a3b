"""What every page shows alike (banners in force, footer pages, the header's Broadcasts link) is
read once per page-cache window, for signed-in pages too, and still shows changes on time:
a banner issued at once, a scheduled one when it starts, an expiring one gone when it expires."""

from __future__ import annotations

import random
import time
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.broadcasts import services as broadcasts
from streamsite import page_cache
from tests.factories import ModeratorFactory, UserFactory, VideoFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE_S = 30
    cache.set(page_cache.GENERATION_KEY, random.randrange(1 << 40), timeout=None)


def _tables(client, url: str) -> str:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return " ".join(q["sql"] for q in queries.captured_queries)


def test_a_signed_in_page_reads_what_everyone_shares_once(client):
    video = VideoFactory()
    client.force_login(UserFactory())
    first = _tables(client, "/")
    assert '"broadcasts_broadcast"' in first and '"cms_page"' in first
    # The watch page's banners are the site's and its video's: a read of their own.
    assert '"broadcasts_broadcast"' in _tables(client, f"/watch/{video.id}/")
    for url in ("/", f"/watch/{video.id}/"):
        again = _tables(client, url)
        for table in ("broadcasts_broadcast", "cms_page", "auth_permission"):
            assert f'"{table}"' not in again, table
        # The watch page's video is read once, by the view, not again for its banners.
        assert again.count('FROM "videos_video" WHERE') <= 1


def test_a_banner_issued_or_ended_shows_on_the_next_signed_in_load(
    client, django_capture_on_commit_callbacks
):
    client.force_login(UserFactory())
    client.get("/")
    with django_capture_on_commit_callbacks(execute=True):
        issued = broadcasts.broadcast_issue(by=ModeratorFactory(), message="Storm on the coast")
    assert b"Storm on the coast" in client.get("/").content
    with django_capture_on_commit_callbacks(execute=True):
        broadcasts.broadcast_end(broadcast_id=issued.id, by=ModeratorFactory())
    assert b"Storm on the coast" not in client.get("/").content


def test_scheduled_and_expiring_banners_keep_their_times(client):
    moderator = ModeratorFactory()
    now = timezone.now()
    broadcasts.broadcast_issue(
        by=moderator, message="Starts shortly", starts_at=now + timedelta(seconds=1.5)
    )
    broadcasts.broadcast_issue(
        by=moderator, message="Ends shortly", expires_at=now + timedelta(seconds=1.5)
    )
    client.force_login(UserFactory())
    page = client.get("/").content
    assert b"Ends shortly" in page and b"Starts shortly" not in page
    time.sleep(1.7)
    # No new generation in between: the shared read from before is what is served.
    page = client.get("/").content
    assert b"Starts shortly" in page and b"Ends shortly" not in page


def test_the_broadcasts_link_follows_the_permission(client):
    viewer = UserFactory()
    client.force_login(viewer)
    assert b"/moderation/broadcasts/" not in client.get("/").content
    client.force_login(ModeratorFactory())
    assert b"Broadcasts</a>" in client.get("/").content
