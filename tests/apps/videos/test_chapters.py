"""Chapters in the API and on the watch page: description wins, source markers otherwise, and
chapter lines become seek links while everything else stays escaped text."""

from __future__ import annotations

import html
import json
import re

import pytest

from tests.factories import VideoFactory

pytestmark = pytest.mark.django_db

WRITTEN = "Chapters:\n0:00 Start\n0:04 <b>Bold</b> middle\n0:08 End & credits"
SOURCE = [{"start": 0.0, "title": "From source"}, {"start": 6.0, "title": "Later"}]


def test_api_lists_the_description_chapters_over_the_source_ones(api_client):
    video = VideoFactory(description=WRITTEN, chapters=SOURCE)
    body = api_client.get(f"/api/v1/videos/{video.id}/").json()
    assert body["chapters"] == [
        {"start": 0.0, "title": "Start"},
        {"start": 4.0, "title": "<b>Bold</b> middle"},
        {"start": 8.0, "title": "End & credits"},
    ]


def test_api_falls_back_to_the_source_chapters(api_client):
    video = VideoFactory(description="0:00 Only one line", chapters=SOURCE)
    assert api_client.get(f"/api/v1/videos/{video.id}/").json()["chapters"] == SOURCE
    bare = VideoFactory(description="", chapters=[])
    assert api_client.get(f"/api/v1/videos/{bare.id}/").json()["chapters"] == []


def test_edited_description_changes_the_chapters(api_client):
    video = VideoFactory(description="", chapters=SOURCE)
    api_client.force_authenticate(video.owner)
    response = api_client.patch(
        f"/api/v1/videos/{video.id}/", {"description": WRITTEN}, format="json"
    )
    assert response.status_code == 200, response.content
    assert [c["title"] for c in response.json()["chapters"]] == [
        "Start",
        "<b>Bold</b> middle",
        "End & credits",
    ]


def test_watch_page_links_chapter_lines_and_escapes_the_rest(client):
    hostile = (
        WRITTEN
        + '\n0:09 <script>alert(1)</script> "onmouseover=alert(2)\n'
        + '0:10" onclick="alert(3) javascript:alert(4)\n'
        + "0:11 https://example.org/more (the sharing linkifier's links stay)"
    )
    video = VideoFactory(description=hostile, duration=20.0)
    page = client.get(f"/watch/{video.id}/").content.decode()
    description = re.search(r'<div class="description">(.*?)</div>', page, re.S)[1]
    links = re.findall(
        r'<a href="\?t=(\d+)" class="chapter-link" data-seek="(\d+)">([^<]*)</a>', description
    )
    assert links == [
        ("0", "0", "0:00"),
        ("4", "4", "0:04"),
        ("8", "8", "0:08"),
        ("9", "9", "0:09"),
        ("10", "10", "0:10"),
        ("11", "11", "0:11"),
    ]
    assert '<a href="https://example.org/more" rel="nofollow ugc noopener"' in description
    # Nothing the creator typed became markup: the only tags are ours.
    assert set(re.findall(r"</?(\w+)", description)) <= {"a", "p", "br"}
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in description
    assert "onclick=" not in description.replace("onclick=&quot;", "")
    assert 'onclick="' not in description and 'onmouseover="' not in description
    # The player gets the same chapter list, as escaped JSON in a data attribute.
    attr = re.search(r'data-chapters="([^"]*)"', page)[1]
    chapters = json.loads(html.unescape(attr))
    # "0:10\"…" has no separator after the time: a seek link, not a chapter.
    assert [c["start"] for c in chapters] == [0, 4, 8, 9, 11]
    assert chapters[3]["title"].startswith("<script>")
