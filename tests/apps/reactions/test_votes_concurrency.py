"""Votes on PostgreSQL under real concurrency: one vote per user and video, exact counts."""

from __future__ import annotations

import pytest
from django.db import connection
from rest_framework.test import APIClient

from apps.reactions.models import Vote
from tests.conftest import require
from tests.factories import UserFactory, VideoFactory
from tests.fixtures.concurrency import in_parallel

pytestmark = pytest.mark.postgres


# The PostgreSQL server is shared: at most this many connections at once, each thread taking
# calls from a common queue as soon as it is free.
THREADS = 16


def _in_parallel(calls) -> list:
    return in_parallel(calls, THREADS)


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _like(user, video, liked=True):
    return lambda: _client(user).put(
        f"/api/v1/videos/{video.id}/like/", {"liked": liked}, format="json"
    )


def test_fifty_parallel_likes_by_one_user_leave_one_vote(live_db):
    require(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    video, user = VideoFactory(), UserFactory()
    answers = _in_parallel([_like(user, video) for _ in range(50)])
    assert {a.status_code for a in answers} == {200}
    assert Vote.objects.filter(video=video).count() == 1
    body = APIClient().get(f"/api/v1/videos/{video.id}/").json()
    assert (body["likes"], body["dislikes"]) == (1, 0)


def test_two_hundred_users_liking_at_once_make_exactly_200(live_db):
    require(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    video = VideoFactory()
    users = [UserFactory() for _ in range(200)]
    # A third of them dislike: both counts must come out exact.
    answers = _in_parallel([_like(u, video, liked=i % 3 != 0) for i, u in enumerate(users)])
    assert {a.status_code for a in answers} == {200}
    rows_like = Vote.objects.filter(video=video, liked=True).count()
    rows_dislike = Vote.objects.filter(video=video, liked=False).count()
    assert rows_like + rows_dislike == 200
    body = APIClient().get(f"/api/v1/videos/{video.id}/").json()
    assert (body["likes"], body["dislikes"]) == (rows_like, rows_dislike) == (133, 67)


def test_switches_and_clears_racing_keep_counts_equal_to_rows(live_db):
    require(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    video = VideoFactory()
    users = [UserFactory() for _ in range(20)]

    def clear(user):
        return lambda: _client(user).delete(f"/api/v1/videos/{video.id}/like/")

    calls = []
    for i, u in enumerate(users):
        calls += [_like(u, video, True), _like(u, video, False)]
        if i % 2:
            calls.append(clear(u))
    answers = _in_parallel(calls)
    assert {a.status_code for a in answers} == {200}
    body = APIClient().get(f"/api/v1/videos/{video.id}/").json()
    assert body["likes"] == Vote.objects.filter(video=video, liked=True).count()
    assert body["dislikes"] == Vote.objects.filter(video=video, liked=False).count()
