"""Playlists over the API: create, read per visibility, edit, items in order, reordering,
removal, and what each reader may see of them."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from apps.playlists import services
from apps.playlists.models import PlaylistItem
from tests.apps.playlists.factories import PlaylistFactory
from tests.factories import UserFactory, VideoFactory

pytestmark = pytest.mark.django_db


def _client(user=None) -> APIClient:
    client = APIClient()
    if user:
        client.force_authenticate(user)
    return client


def _items(playlist, user=None) -> list[tuple[int, str]]:
    body = _client(user).get(f"/api/v1/playlists/{playlist.id}/").json()
    return [(item["position"], item["video"]) for item in body["items"]]


def _filled(owner, n: int):
    playlist = PlaylistFactory(owner=owner)
    videos = [VideoFactory(title=f"Clip {i}") for i in range(n)]
    for video in videos:
        services.playlist_add(playlist=playlist, video=video, by=owner)
    return playlist, videos


def test_create_read_rename_delete():
    owner = UserFactory()
    api = _client(owner)
    made = api.post(
        "/api/v1/playlists/",
        {"title": "Road trip", "description": "Songs", "visibility": "unlisted"},
        format="json",
    )
    assert made.status_code == 201
    body = made.json()
    assert {k: body[k] for k in ("title", "description", "owner", "visibility", "items")} == {
        "title": "Road trip", "description": "Songs", "owner": owner.username,
        "visibility": "unlisted", "items": [],
    }  # fmt: skip
    url = f"/api/v1/playlists/{body['id']}/"
    assert _client().get(url).json()["title"] == "Road trip"  # unlisted: anyone with the link
    renamed = api.patch(url, {"title": "Long road", "description": "Tunes"}, format="json")
    assert renamed.status_code == 200 and renamed.json()["title"] == "Long road"
    assert api.get(url).json()["description"] == "Tunes"
    assert api.delete(url).status_code == 204
    assert api.get(url).status_code == 404


def test_bad_input_is_a_400_with_error():
    api = _client(UserFactory())
    assert api.post("/api/v1/playlists/", {"title": ""}, format="json").status_code == 400
    bad = api.post("/api/v1/playlists/", {"title": "x", "visibility": "secret"}, format="json")
    assert bad.status_code == 400 and "error" in bad.json()
    assert _client().post("/api/v1/playlists/", {"title": "x"}, format="json").status_code in (
        401,
        403,
    )


def test_private_playlist_is_404_to_others_in_api_and_page(client):
    owner, stranger = UserFactory(), UserFactory()
    playlist = PlaylistFactory(owner=owner, visibility="private", title="My secret list")
    url = f"/api/v1/playlists/{playlist.id}/"
    assert _client(owner).get(url).status_code == 200
    assert _client(stranger).get(url).status_code == 404
    assert _client().get(url).status_code == 404
    assert _client(stranger).patch(url, {"title": "x"}, format="json").status_code == 404
    assert _client(stranger).delete(url).status_code == 404
    video = VideoFactory()
    add = _client(stranger).post(f"{url}items/", {"video": video.id}, format="json")
    assert add.status_code == 404
    assert client.get(f"/playlist/{playlist.id}/").status_code == 404
    client.force_login(stranger)
    page = client.get(f"/playlist/{playlist.id}/")
    assert page.status_code == 404 and b"My secret list" not in page.content
    client.force_login(owner)
    assert b"My secret list" in client.get(f"/playlist/{playlist.id}/").content


def test_only_the_owner_may_change_a_public_playlist():
    owner, stranger = UserFactory(), UserFactory()
    playlist, videos = _filled(owner, 2)
    url = f"/api/v1/playlists/{playlist.id}/"
    assert _client(stranger).patch(url, {"title": "Mine now"}, format="json").status_code == 403
    assert _client(stranger).delete(url).status_code == 403
    item = playlist.items.get(position=0)
    move = _client(stranger).patch(f"{url}items/{item.id}/", {"position": 1}, format="json")
    assert move.status_code == 403
    assert _client(stranger).delete(f"{url}items/{item.id}/").status_code == 403
    assert _items(playlist) == [(0, videos[0].id), (1, videos[1].id)]


def test_items_append_from_zero_and_a_repeat_keeps_its_place():
    owner = UserFactory()
    playlist = PlaylistFactory(owner=owner)
    a, b = VideoFactory(), VideoFactory()
    url = f"/api/v1/playlists/{playlist.id}/items/"
    first = _client(owner).post(url, {"video": a.id}, format="json")
    assert first.status_code == 201
    assert {k: first.json()[k] for k in ("position", "video")} == {"position": 0, "video": a.id}
    second = _client(owner).post(url, {"video": b.id}, format="json")
    assert second.status_code == 201 and second.json()["position"] == 1
    again = _client(owner).post(url, {"video": a.id}, format="json")
    assert again.status_code == 200 and again.json()["position"] == 0
    assert _items(playlist) == [(0, a.id), (1, b.id)]
    missing = _client(owner).post(url, {"video": "nope"}, format="json")
    assert missing.status_code == 404


@pytest.mark.parametrize(
    ("start", "to", "expected"),
    [
        (0, 3, [1, 2, 3, 0]),  # first to last
        (3, 0, [3, 0, 1, 2]),  # last to first
        (1, 2, [0, 2, 1, 3]),
        (1, 99, [0, 2, 3, 1]),  # past the end: clamped to the last place
        (2, 2, [0, 1, 2, 3]),
    ],
)
def test_move_shifts_the_others(start, to, expected):
    owner = UserFactory()
    playlist, videos = _filled(owner, 4)
    item = playlist.items.get(position=start)
    moved = _client(owner).patch(
        f"/api/v1/playlists/{playlist.id}/items/{item.id}/", {"position": to}, format="json"
    )
    assert moved.status_code == 200
    assert moved.json()["position"] == min(to, 3)
    assert _items(playlist) == [(i, videos[v].id) for i, v in enumerate(expected)]


def test_negative_position_and_unknown_item_are_refused():
    owner = UserFactory()
    playlist, videos = _filled(owner, 2)
    item = playlist.items.get(position=1)
    base = f"/api/v1/playlists/{playlist.id}/items/"
    bad = _client(owner).patch(f"{base}{item.id}/", {"position": -1}, format="json")
    assert bad.status_code == 400 and "error" in bad.json()
    other = PlaylistFactory(owner=owner)
    assert _client(owner).patch(f"/api/v1/playlists/{other.id}/items/{item.id}/",
                                {"position": 0}, format="json").status_code == 404  # fmt: skip
    assert _items(playlist) == [(0, videos[0].id), (1, videos[1].id)]


def test_remove_closes_the_gap_and_deleted_videos_leave_none():
    owner = UserFactory()
    playlist, videos = _filled(owner, 4)
    item = playlist.items.get(position=1)
    assert (
        _client(owner).delete(f"/api/v1/playlists/{playlist.id}/items/{item.id}/").status_code
        == 204
    )
    assert _items(playlist) == [(0, videos[0].id), (1, videos[2].id), (2, videos[3].id)]
    videos[0].delete()  # the video's item goes with it, leaving a hole at 0
    extra = VideoFactory()
    added = _client(owner).post(
        f"/api/v1/playlists/{playlist.id}/items/", {"video": extra.id}, format="json"
    )
    assert added.json()["position"] == 2
    assert list(
        PlaylistItem.objects.filter(playlist=playlist).values_list("position", flat=True)
    ) == [0, 1, 2]


def test_videos_the_reader_may_not_watch_are_left_out():
    owner, stranger = UserFactory(), UserFactory()
    playlist = PlaylistFactory(owner=owner)
    mine_private = VideoFactory(owner=owner, visibility="private")
    public = VideoFactory()
    processing = VideoFactory(owner=owner, status="processing")
    hidden = VideoFactory(moderation_state="hidden")
    for video in (mine_private, public, processing, hidden):
        PlaylistItem.objects.create(playlist=playlist, video=video, position=playlist.items.count())
    assert [v for _, v in _items(playlist, stranger)] == [public.id]
    assert [v for _, v in _items(playlist, owner)] == [mine_private.id, public.id]
    # A video the adder may not watch cannot be added either.
    other = VideoFactory(visibility="private")
    refused = _client(owner).post(
        f"/api/v1/playlists/{playlist.id}/items/", {"video": other.id}, format="json"
    )
    assert refused.status_code == 404


def test_watch_later_is_private_made_on_first_use_and_stays_so():
    user = UserFactory()
    a, b = VideoFactory(), VideoFactory()
    api = _client(user)
    first = api.post("/api/v1/me/watch-later/items/", {"video": a.id}, format="json")
    assert first.status_code == 201
    api.post("/api/v1/me/watch-later/items/", {"video": b.id}, format="json")
    playlist_id = first.json()["playlist"]
    url = f"/api/v1/playlists/{playlist_id}/"
    body = api.get(url).json()
    assert body["title"] == "Watch later" and body["visibility"] == "private"
    assert [i["video"] for i in body["items"]] == [a.id, b.id]
    assert _client(UserFactory()).get(url).status_code == 404
    assert api.patch(url, {"visibility": "public"}, format="json").status_code == 400
    assert api.delete(url).status_code == 400
    mine = api.get("/api/v1/playlists/").json()
    assert [p["kind"] for p in mine["results"]] == ["watch_later"]


def test_channel_playlists_selector():
    from apps.playlists.selectors import playlists_of_channel

    owner = UserFactory()
    public = PlaylistFactory(owner=owner, title="Open")
    PlaylistFactory(owner=owner, visibility="private")
    PlaylistFactory(owner=owner, visibility="unlisted")
    assert list(playlists_of_channel(channel=owner, viewer=UserFactory())) == [public]
    assert playlists_of_channel(channel=owner, viewer=owner).count() == 3
    from django.contrib.auth.models import AnonymousUser

    assert list(playlists_of_channel(channel=owner, viewer=AnonymousUser())) == [public]
