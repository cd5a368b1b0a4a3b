"""History upserts on PostgreSQL under real concurrency: many tabs reporting at once still
leave one row per (user, video)."""

from __future__ import annotations

import pytest
from django.db import connection
from rest_framework.test import APIClient

from apps.history.models import WatchEntry
from tests.apps.playlists.test_playlists_concurrency import _in_parallel
from tests.conftest import require
from tests.factories import UserFactory, VideoFactory

pytestmark = pytest.mark.postgres


def test_parallel_position_reports_make_one_row(transactional_db):
    require(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    user, video = UserFactory(), VideoFactory(duration=600)
    url = f"/api/v1/me/history/{video.id}/"

    def report(seconds: float):
        client = APIClient()
        client.force_authenticate(user)
        return lambda: client.put(url, {"position_s": seconds}, format="json")

    assert report(1)().status_code == 200  # the middleware is set up once, first
    answers = _in_parallel([report(10 + i) for i in range(40)])
    assert {a.status_code for a in answers} == {200}
    rows = WatchEntry.objects.filter(user=user, video=video)
    assert rows.count() == 1
    assert 10 <= rows.get().position_s <= 49
