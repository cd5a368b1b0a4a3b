"""Playlist positions on PostgreSQL under real concurrency: appends and moves arriving at once
leave positions dense (0..n-1) and unique, every video once."""

from __future__ import annotations

import pytest
from django.db import connection
from rest_framework.test import APIClient

from apps.playlists.models import PlaylistItem
from tests.apps.playlists.factories import PlaylistFactory
from tests.conftest import require
from tests.factories import UserFactory, VideoFactory
from tests.fixtures.concurrency import in_parallel

pytestmark = pytest.mark.postgres
THREADS = 12


def _in_parallel(calls) -> list:
    return in_parallel(calls, THREADS)


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _warm_up(owner, playlist) -> None:
    """One request first: the middleware (and its metrics) is set up once, not by 12 threads
    at the same time."""
    assert _client(owner).get(f"/api/v1/playlists/{playlist.id}/").status_code == 200


def _positions(playlist) -> list[int]:
    return list(
        PlaylistItem.objects.filter(playlist=playlist)
        .order_by("position")
        .values_list("position", flat=True)
    )


def test_parallel_appends_stay_dense_and_unique(transactional_db):
    require(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    owner = UserFactory()
    playlist = PlaylistFactory(owner=owner)
    videos = [VideoFactory() for _ in range(25)]  # 50 posts: under the 60/min write rate
    url = f"/api/v1/playlists/{playlist.id}/items/"
    # Every video twice: the repeat must find the first, never make a second row.
    calls = [lambda v=v: _client(owner).post(url, {"video": v.id}, format="json") for v in videos]
    _warm_up(owner, playlist)
    answers = _in_parallel(calls + calls)
    assert sorted(a.status_code for a in answers) == [200] * 25 + [201] * 25
    assert _positions(playlist) == list(range(25))
    assert PlaylistItem.objects.filter(playlist=playlist).values("video").distinct().count() == 25


def test_parallel_moves_and_removals_keep_positions_dense(transactional_db):
    require(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    owner = UserFactory()
    playlist = PlaylistFactory(owner=owner)
    items = [
        PlaylistItem.objects.create(playlist=playlist, video=VideoFactory(), position=i)
        for i in range(30)
    ]
    base = f"/api/v1/playlists/{playlist.id}/items/"
    moves = [
        lambda it=it, i=i: _client(owner).patch(
            f"{base}{it.id}/", {"position": (i * 7) % 30}, format="json"
        )
        for i, it in enumerate(items[:20])
    ]
    removals = [lambda it=it: _client(owner).delete(f"{base}{it.id}/") for it in items[20:25]]
    _warm_up(owner, playlist)
    answers = _in_parallel(moves + removals)
    assert {a.status_code for a in answers} <= {200, 204}
    assert _positions(playlist) == list(range(25))
