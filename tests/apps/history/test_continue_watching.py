"""Home's "Continue watching" row and the watch page's resume position come from the history."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache

from apps.cms import services as cms
from apps.cms.models import HomeSection, SectionKind
from apps.history import services
from tests.factories import UserFactory, VideoFactory

pytestmark = pytest.mark.django_db


def _row(html: str, title: str) -> str:
    match = re.search(rf'<h2 id="row-\d+">{title}</h2>(.*?)</section>', html, re.S)
    return match.group(1) if match else ""


def test_continue_watching_lists_unfinished_watchable_videos_most_recent_first(client):
    cache.clear()
    user = UserFactory()
    older = VideoFactory(title="Older start", duration=100)
    newer = VideoFactory(title="Newer start", duration=100)
    finished = VideoFactory(title="Seen to the end", duration=100)
    barely = VideoFactory(title="Two seconds in", duration=100)
    gone = VideoFactory(title="Made private since", duration=100)
    for video, at in ((older, 30), (finished, 99), (barely, 2), (gone, 40), (newer, 50)):
        services.history_record(user=user, video=video, position_s=at)
    gone.visibility = "private"
    gone.save()
    cms.section_save(section=HomeSection(kind=SectionKind.CONTINUE, title="Continue watching"))
    client.force_login(user)
    row = _row(client.get("/").content.decode(), "Continue watching")
    assert row.index("Newer start") < row.index("Older start")
    for absent in ("Seen to the end", "Two seconds in", "Made private since"):
        assert absent not in row
    client.force_login(UserFactory())  # someone else: no row at all
    assert "Continue watching" not in client.get("/").content.decode()


def test_watch_page_carries_the_server_position_for_signed_in_viewers(client):
    user = UserFactory()
    video = VideoFactory(duration=100)
    services.history_record(user=user, video=video, position_s=42)
    anonymous = client.get(f"/watch/{video.id}/").content.decode()
    assert 'id="history-sync"' not in anonymous  # anonymous viewers: localStorage only
    client.force_login(user)
    page = client.get(f"/watch/{video.id}/").content.decode()
    assert re.search(r'id="history-sync"[^>]*data-position="42.0"', page)
    client.force_login(UserFactory())
    assert re.search(r'id="history-sync"[^>]*data-position=""', client.get(
        f"/watch/{video.id}/").content.decode())  # fmt: skip
