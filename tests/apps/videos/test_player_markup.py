"""The player component's server-side parts: theater mode only where the page asks for it, the
settings menu beside the Quality select."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string

from tests.factories import VideoFactory

pytestmark = pytest.mark.django_db


def test_watch_page_offers_theater_mode_and_the_settings_menu(client):
    video = VideoFactory()
    page = client.get(f"/watch/{video.id}/").content.decode()
    assert "data-theater-allowed" in page
    assert 'data-action="settings"' in page and 'aria-haspopup="menu"' in page
    assert 'id="quality"' in page  # the contract's select stays
    assert "js/player/settings.js" in page and "js/player/chapters.js" in page


def test_player_without_theater_has_no_theater_mode():
    # As the embed page includes it: no `theater` in the context.
    video = VideoFactory()
    html = render_to_string("components/player.html", {"video": video, "hls_url": "/x.m3u8"})
    assert "data-theater-allowed" not in html
    assert "<kbd>t</kbd>" not in html
    assert 'data-chapters="[]"' in html
