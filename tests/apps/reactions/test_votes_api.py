"""Like, dislike, switch and clear through the API; anonymous votes are refused."""

from __future__ import annotations

from tests.factories import UserFactory, VideoFactory


def test_like_switch_clear(db, api_client):
    video, user = VideoFactory(), UserFactory()
    api_client.force_authenticate(user)
    url = f"/api/v1/videos/{video.id}/like/"
    assert api_client.put(url, {"liked": True}, format="json").json() == {
        "likes": 1, "dislikes": 0, "liked": True,
    }  # fmt: skip
    assert api_client.put(url, {"liked": True}, format="json").json()["likes"] == 1
    assert api_client.put(url, {"liked": False}, format="json").json() == {
        "likes": 0, "dislikes": 1, "liked": False,
    }  # fmt: skip
    video_json = api_client.get(f"/api/v1/videos/{video.id}/").json()
    assert (video_json["likes"], video_json["dislikes"]) == (0, 1)
    assert api_client.delete(url).json() == {"likes": 0, "dislikes": 0, "liked": None}
    assert api_client.delete(url).json()["dislikes"] == 0


def test_anonymous_and_bad_votes_are_refused(db, api_client):
    video = VideoFactory()
    url = f"/api/v1/videos/{video.id}/like/"
    assert api_client.put(url, {"liked": True}, format="json").status_code in (401, 403)
    assert api_client.delete(url).status_code in (401, 403)
    api_client.force_authenticate(UserFactory())
    bad = api_client.put(url, {"liked": "maybe"}, format="json")
    assert bad.status_code == 400 and "error" in bad.json()


def test_private_video_cannot_be_voted_by_strangers(db, api_client):
    video = VideoFactory(visibility="private")
    api_client.force_authenticate(UserFactory())
    answer = api_client.put(f"/api/v1/videos/{video.id}/like/", {"liked": True}, format="json")
    assert answer.status_code == 404


def test_counts_in_the_video_list(db, api_client):
    video = VideoFactory()
    for liked in (True, True, False):
        api_client.force_authenticate(UserFactory())
        api_client.put(f"/api/v1/videos/{video.id}/like/", {"liked": liked}, format="json")
    listed = {v["id"]: v for v in api_client.get("/api/v1/videos/").json()["results"]}
    assert (listed[video.id]["likes"], listed[video.id]["dislikes"]) == (2, 1)
