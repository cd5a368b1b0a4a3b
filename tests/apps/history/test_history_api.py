"""Watch history over the API and on /history/: one row per (user, video) upserted, most
recent first, paused, cleared, searched, and never readable by anyone else."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from apps.history.models import WatchEntry
from tests.factories import UserFactory, VideoFactory

pytestmark = pytest.mark.django_db


def _client(user=None) -> APIClient:
    client = APIClient()
    if user:
        client.force_authenticate(user)
    return client


def _put(api, video, seconds):
    return api.put(f"/api/v1/me/history/{video.id}/", {"position_s": seconds}, format="json")


def test_positions_upsert_one_row_and_list_most_recent_first():
    user = UserFactory()
    api = _client(user)
    first, second = VideoFactory(duration=100), VideoFactory(duration=100)
    assert _put(api, first, 10).json() == {
        "video": first.id, "position_s": 10.0, "done": False, "recorded": True,
    }  # fmt: skip
    _put(api, second, 20)
    _put(api, first, 42.5)
    assert WatchEntry.objects.filter(user=user).count() == 2
    body = api.get("/api/v1/me/history/").json()
    assert body["count"] == 2
    assert [(r["video"], r["position_s"]) for r in body["results"]] == [
        (first.id, 42.5),
        (second.id, 20.0),
    ]
    assert set(body["results"][0]) >= {"video", "position_s", "updated_at"}


def test_the_end_counts_as_done():
    api = _client(UserFactory())
    video = VideoFactory(duration=60)
    assert _put(api, video, 57).json()["done"] is True
    assert _put(api, video, 30).json()["done"] is False


def test_bad_positions_and_strangers():
    user = UserFactory()
    video = VideoFactory()
    assert _put(_client(), video, 5).status_code in (401, 403)
    assert _client().get("/api/v1/me/history/").status_code in (401, 403)
    assert _put(_client(user), video, -3).status_code == 400
    bad = _client(user).put(f"/api/v1/me/history/{video.id}/", {"position_s": "x"}, format="json")
    assert bad.status_code == 400 and "error" in bad.json()
    private = VideoFactory(visibility="private")
    assert _put(_client(user), private, 5).status_code == 404
    assert _put(_client(user), VideoFactory.build(id="nosuchvideo"), 5).status_code == 404


def test_a_stranger_cannot_read_or_clear_someone_elses_history():
    alice, mallory = UserFactory(), UserFactory()
    video = VideoFactory(title="Alice's secret interest")
    _put(_client(alice), video, 30)
    assert _client(mallory).get("/api/v1/me/history/").json()["count"] == 0
    assert _client(mallory).delete("/api/v1/me/history/").status_code == 204
    assert _client(mallory).delete(f"/api/v1/me/history/{video.id}/").status_code == 204
    assert _client(alice).get("/api/v1/me/history/").json()["count"] == 1


def test_clear_all_and_one():
    user = UserFactory()
    api = _client(user)
    a, b = VideoFactory(), VideoFactory()
    _put(api, a, 10)
    _put(api, b, 10)
    assert api.delete(f"/api/v1/me/history/{a.id}/").status_code == 204
    assert [r["video"] for r in api.get("/api/v1/me/history/").json()["results"]] == [b.id]
    assert api.delete("/api/v1/me/history/").status_code == 204
    assert api.get("/api/v1/me/history/").json()["count"] == 0


def test_paused_history_records_nothing():
    user = UserFactory()
    api = _client(user)
    video = VideoFactory()
    assert api.put("/api/v1/me/history/settings/", {"paused": True}, format="json").json() == {
        "paused": True
    }
    answer = _put(api, video, 30).json()
    assert answer["recorded"] is False
    assert api.get("/api/v1/me/history/").json()["count"] == 0
    api.put("/api/v1/me/history/settings/", {"paused": False}, format="json")
    assert _put(api, video, 30).json()["recorded"] is True
    assert api.get("/api/v1/me/history/").json()["count"] == 1


def test_search_and_videos_gone_private_are_left_out():
    user = UserFactory()
    api = _client(user)
    cats, dogs = VideoFactory(title="Funny cats"), VideoFactory(title="Dogs at the beach")
    _put(api, cats, 10)
    _put(api, dogs, 10)
    found = api.get("/api/v1/me/history/?search=cat").json()["results"]
    assert [r["video"] for r in found] == [cats.id]
    dogs.visibility = "private"
    dogs.save()
    assert [r["video"] for r in api.get("/api/v1/me/history/").json()["results"]] == [cats.id]


def test_writes_are_rate_limited_per_user(settings):
    from rest_framework.settings import api_settings
    from rest_framework.throttling import SimpleRateThrottle

    rates = {**api_settings.DEFAULT_THROTTLE_RATES, "history": "3/min"}
    original = SimpleRateThrottle.THROTTLE_RATES
    SimpleRateThrottle.THROTTLE_RATES = rates
    try:
        api = _client(UserFactory())
        video = VideoFactory()
        codes = [_put(api, video, 10 + i).status_code for i in range(4)]
        assert codes == [200, 200, 200, 429]
        limited = _put(api, video, 20)
        assert limited.has_header("Retry-After")
        assert _put(_client(UserFactory()), video, 10).status_code == 200  # per user
    finally:
        SimpleRateThrottle.THROTTLE_RATES = original


def test_history_page_lists_searches_removes_clears_and_pauses(client):
    user = UserFactory()
    cats, dogs = VideoFactory(title="Funny cats"), VideoFactory(title="Dogs at the beach")
    for video in (cats, dogs):
        _put(_client(user), video, 10)
    assert client.get("/history/").status_code == 302  # sign in first
    client.force_login(user)
    page = client.get("/history/").content.decode()
    assert page.index("Dogs at the beach") < page.index("Funny cats")  # most recent first
    only = client.get("/history/?q=cats").content.decode()
    assert "Funny cats" in only and "Dogs at the beach" not in only
    client.post(f"/history/{dogs.id}/remove/")
    assert "Dogs at the beach" not in client.get("/history/").content.decode()
    client.post("/history/pause/", {"paused": "1"})
    assert "History is paused" in client.get("/history/").content.decode()
    assert _put(_client(user), dogs, 12).json()["recorded"] is False
    client.post("/history/clear/")
    assert "Your history is empty" in client.get("/history/").content.decode()
