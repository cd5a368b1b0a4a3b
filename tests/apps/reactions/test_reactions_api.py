"""Reactions through the API: stored with the video time, counted, refused outside the set or
anonymously, and summed into the seek bar's heat strip."""

from __future__ import annotations

from apps.reactions.models import Reaction
from tests.factories import UserFactory, VideoFactory


def test_reactions_are_counted_stored_with_time_and_make_the_heat_strip(live_db, api_client):
    video = VideoFactory(duration=60.0)
    api_client.force_authenticate(UserFactory())
    url = f"/api/v1/videos/{video.id}/reactions/"
    for emoji, t in (("🔥", 0.0), ("🔥", 0.3), ("😂", 59.0), ("👍", 999)):
        answer = api_client.post(url, {"emoji": emoji, "t": t}, format="json")
        assert answer.status_code == 200
    counts = answer.json()["counts"]
    assert {k: counts[k] for k in ("🔥", "😂", "👍", "❤️", "😮", "😢")} == {
        "🔥": 2, "😂": 1, "👍": 1, "❤️": 0, "😮": 0, "😢": 0,
    }  # fmt: skip
    # A time past the end is clamped to the duration.
    assert max(Reaction.objects.filter(video=video).values_list("video_time", flat=True)) == 60.0
    heat = api_client.get(url).json()["heat"]
    assert len(heat["buckets"]) == 100 and heat["bucket_s"] == 0.6
    assert heat["buckets"][0] == 2 and heat["buckets"][98] == 1 and heat["buckets"][99] == 1
    assert sum(heat["buckets"]) == 4


def test_unknown_emoji_and_anonymous_reactions_are_refused(db, api_client):
    video = VideoFactory()
    url = f"/api/v1/videos/{video.id}/reactions/"
    assert api_client.post(url, {"emoji": "🔥"}, format="json").status_code in (401, 403)
    api_client.force_authenticate(UserFactory())
    bad = api_client.post(url, {"emoji": "💩"}, format="json")
    assert bad.status_code == 400 and "emoji" in bad.json()["error"].lower()
    assert not Reaction.objects.exists()
