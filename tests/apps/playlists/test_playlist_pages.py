"""The playlist page (owner's edits, reorder without scripts) and the watch page's parts:
the "Save" menu and the list beside the player when reached with ?list=."""

from __future__ import annotations

import re

import pytest

from apps.playlists import services
from tests.apps.playlists.factories import PlaylistFactory
from tests.factories import UserFactory, VideoFactory

pytestmark = pytest.mark.django_db


def _titles(html: str) -> list[str]:
    return re.findall(r'<span class="title">([^<]+)</span>', html)


def _filled(owner, titles):
    playlist = PlaylistFactory(owner=owner, title="Mix")
    videos = [VideoFactory(title=t) for t in titles]
    for video in videos:
        services.playlist_add(playlist=playlist, video=video, by=owner)
    return playlist, videos


def test_playlist_page_for_visitors_and_owner_moves(client):
    owner = UserFactory()
    playlist, videos = _filled(owner, ["One", "Two", "Three"])
    page = client.get(f"/playlist/{playlist.id}/").content.decode()
    assert _titles(page) == ["One", "Two", "Three"]
    assert f"/watch/{videos[0].id}/?list={playlist.id}&amp;index=0" in page
    assert "Move up" not in page and "Edit playlist" not in page
    assert client.post(f"/playlist/{playlist.id}/", {"title": "Hacked"}).status_code == 403
    client.force_login(UserFactory())
    assert client.post(f"/playlist/{playlist.id}/", {"title": "Hacked"}).status_code == 403
    client.force_login(owner)
    item = playlist.items.get(video=videos[2])
    client.post(f"/playlist/{playlist.id}/items/{item.id}/move/", {"position": 0})
    assert _titles(client.get(f"/playlist/{playlist.id}/").content.decode()) == [
        "Three", "One", "Two",
    ]  # fmt: skip
    client.post(f"/playlist/{playlist.id}/items/{item.id}/remove/")
    assert _titles(client.get(f"/playlist/{playlist.id}/").content.decode()) == ["One", "Two"]
    client.post(
        f"/playlist/{playlist.id}/",
        {"title": "Renamed", "description": "About it", "visibility": "private"},
    )
    page = client.get(f"/playlist/{playlist.id}/").content.decode()
    assert "Renamed" in page and "About it" in page
    client.logout()
    assert client.get(f"/playlist/{playlist.id}/").status_code == 404
    client.force_login(owner)
    client.post(f"/playlist/{playlist.id}/delete/")
    assert client.get(f"/playlist/{playlist.id}/").status_code == 404


def test_my_playlists_page_creates_one(client):
    user = UserFactory()
    client.force_login(user)
    made = client.post("/playlists/", {"title": "Later", "visibility": "unlisted"})
    assert made.status_code == 302
    assert "Later" in client.get("/playlists/").content.decode()


def test_watch_page_save_menu_and_playlist_panel(client):
    owner = UserFactory()
    playlist, videos = _filled(owner, ["One", "Two"])
    watch = f"/watch/{videos[1].id}/"
    assert "data-save-menu" not in client.get(watch).content.decode()  # signed in only
    client.force_login(owner)
    page = client.get(watch).content.decode()
    assert "data-save-menu" in page and "Watch later" in page
    assert re.search(rf'data-playlist="{playlist.id}" data-item-id="\d+" checked', page)
    assert "data-playlist-panel" not in page
    listed = client.get(f"{watch}?list={playlist.id}&index=1").content.decode()
    assert re.search(r'data-playlist-panel data-list="[^"]+" data-index="1"', listed)
    assert "2 / 2" in listed
    # A private list is not shown to others, nor a list without this video.
    playlist.visibility = "private"
    playlist.save()
    client.force_login(UserFactory())
    assert "data-playlist-panel" not in client.get(f"{watch}?list={playlist.id}").content.decode()
    other = PlaylistFactory(owner=owner)
    assert "data-playlist-panel" not in client.get(f"{watch}?list={other.id}").content.decode()
