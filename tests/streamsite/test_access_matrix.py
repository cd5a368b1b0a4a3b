"""Who may do what: every page and API endpoint against anonymous, a viewer, the creator who owns
the objects, another creator, a moderator and staff, each with the status they must get.

A new URL must be added here (or to EXEMPT, with the reason): the last test fails otherwise."""

import json

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from tests.streamsite.access_world import ROLES, world_kept_for_a_module

pytestmark = pytest.mark.django_db

# Roles in order: anon viewer owner other moderator staff. Moderators are staff users in the
# Moderators group: like staff, they may manage any video (take-downs), but not broadcasts'
# admin-only parts. DRF answers an anonymous write 403 (session auth comes first).
MATRIX = [
    # Pages anyone may read.
    ("GET", "/", None, "200 200 200 200 200 200"),
    ("GET", "/search/?q=public", None, "200 200 200 200 200 200"),
    ("GET", "/watch/{public}/", None, "200 200 200 200 200 200"),
    ("GET", "/watch/{unlisted}/", None, "200 200 200 200 200 200"),
    ("GET", "/watch/{failed}/", None, "200 200 200 200 200 200"),
    ("GET", "/watch/{public}/comments/", None, "200 200 200 200 200 200"),
    (
        "GET",
        "/watch/{public}/comments/changes/?since=2026-01-01T00:00:00Z",
        None,
        "200 200 200 200 200 200",
    ),
    ("GET", "/c/{owner}/", None, "200 200 200 200 200 200"),
    ("GET", "/categories/", None, "200 200 200 200 200 200"),
    ("GET", "/tag/music/", None, "200 200 200 200 200 200"),
    ("GET", "/category/no-such-category/", None, "404 404 404 404 404 404"),
    ("GET", "/pages/no-such-page/", None, "404 404 404 404 404 404"),
    ("GET", "/live/{stream}/", None, "200 200 200 200 200 200"),
    ("GET", "/accounts/login/", None, "200 200 200 200 200 200"),
    ("GET", "/healthz", None, "200 200 200 200 200 200"),
    ("GET", "/api/schema/", None, "200 200 200 200 200 200"),
    ("GET", "/api/docs/", None, "200 200 200 200 200 200"),
    # Sharing: embeds, oEmbed and feeds are public, and a private video is everyone's 404 there
    # (oEmbed judges as an anonymous viewer would: it answers third-party sites).
    ("GET", "/embed/{public}/", None, "200 200 200 200 200 200"),
    ("GET", "/embed/{unlisted}/", None, "200 200 200 200 200 200"),
    ("GET", "/embed/{private}/", None, "404 404 200 404 200 200"),
    ("GET", "/oembed/?url=http://testserver/watch/{public}/", None, "200 200 200 200 200 200"),
    ("GET", "/oembed/?url=http://testserver/watch/{private}/", None, "404 404 404 404 404 404"),
    ("GET", "/c/{owner}/feed/", None, "200 200 200 200 200 200"),
    ("GET", "/sitemap.xml", None, "200 200 200 200 200 200"),
    ("GET", "/robots.txt", None, "200 200 200 200 200 200"),
    # A private video is the owner's (and staff's): everyone else gets 404, never 403.
    ("GET", "/watch/{private}/", None, "404 404 200 404 200 200"),
    ("GET", "/watch/{private}/comments/", None, "404 404 200 404 200 200"),
    ("POST", "/watch/{public}/report/", {"reason": "spam"}, "302 302 302 302 302 302"),
    ("POST", "/watch/{private}/report/", {"reason": "spam"}, "302 404 302 404 302 302"),
    # Accounts.
    ("GET", "/accounts/signup/", None, "200 302 302 302 302 302"),
    ("GET", "/accounts/profile/", None, "302 200 200 200 200 200"),
    ("POST", "/accounts/start-channel/", {}, "302 302 302 302 302 302"),
    ("GET", "/accounts/password_change/", None, "302 200 200 200 200 200"),
    ("GET", "/admin/", None, "302 302 302 302 200 200"),
    # Creating: creators (and staff); a viewer is told to start a channel.
    ("GET", "/upload/", None, "302 403 200 200 403 200"),
    ("GET", "/studio/", None, "302 200 200 200 200 200"),
    ("POST", "/studio/{failed}/retry/", {}, "302 403 302 403 302 302"),
    ("GET", "/studio/{public}/topics/", None, "302 403 200 403 200 200"),
    ("GET", "/studio/videos/{public}/captions/", None, "302 404 200 404 200 200"),
    ("POST", "/studio/videos/{public}/captions/", {}, "302 404 302 404 302 302"),
    ("POST", "/studio/videos/{public}/captions/{caption}/delete/", {}, "302 404 302 404 302 302"),
    ("GET", "/studio/live/", None, "302 200 200 200 200 200"),
    ("GET", "/studio/live/{stream}/", None, "302 404 200 404 200 200"),
    ("POST", "/studio/live/{stream}/key/", {}, "302 404 302 404 302 302"),
    ("POST", "/studio/live/{stream}/end/", {}, "302 404 302 404 302 302"),
    # The studio's own pages: the owner's (and staff's); a bulk action on videos one does not
    # manage changes nothing and comes back to the studio.
    ("GET", "/studio/videos/{public}/edit/", None, "302 404 200 404 200 200"),
    ("GET", "/studio/videos/{private}/edit/", None, "302 404 200 404 200 200"),
    ("POST", "/studio/videos/{public}/thumbnail/", {}, "302 404 302 404 302 302"),
    ("POST", "/studio/videos/{public}/thumbnail/reset/", {}, "302 404 302 404 302 302"),
    ("GET", "/studio/videos/{public}/delete/", None, "302 404 200 404 200 200"),
    ("POST", "/studio/videos/{public}/delete/", {}, "302 404 302 404 302 302"),
    (
        "POST",
        "/studio/bulk/visibility/",
        {"ids": "{public}", "visibility": "private"},
        "302 302 302 302 302 302",
    ),
    ("POST", "/studio/bulk/delete/", {"ids": "{public}"}, "302 302 200 302 200 200"),
    ("POST", "/studio/bulk/delete/confirm/", {"ids": "{public}"}, "302 302 302 302 302 302"),
    # Downloads are off unless the owner turns them on.
    ("GET", "/watch/{public}/download/{public_key}/", None, "404 404 404 404 404 404"),
    # Moderation.
    ("GET", "/moderation/broadcasts/", None, "302 403 403 403 200 200"),
    ("POST", "/moderation/broadcasts/{broadcast}/end/", {}, "302 403 403 403 302 302"),
    (
        "POST",
        "/moderation/content-warning/",
        {"video": "{public}", "reason": "Flashing"},
        "302 403 403 403 302 302",
    ),
    # API: videos.
    ("GET", "/api/v1/me/", None, "403 200 200 200 200 200"),
    ("GET", "/api/v1/videos/", None, "200 200 200 200 200 200"),
    ("POST", "/api/v1/videos/", "multipart", "403 403 400 400 403 400"),
    ("GET", "/api/v1/videos/{public}/", None, "200 200 200 200 200 200"),
    ("GET", "/api/v1/videos/{unlisted}/", None, "200 200 200 200 200 200"),
    ("GET", "/api/v1/videos/{private}/", None, "404 404 200 404 200 200"),
    ("PATCH", "/api/v1/videos/{public}/", {"title": "Renamed"}, "403 403 200 403 200 200"),
    ("PATCH", "/api/v1/videos/{private}/", {"title": "Renamed"}, "403 404 200 404 200 200"),
    ("DELETE", "/api/v1/videos/{public}/", None, "403 403 204 403 204 204"),
    ("DELETE", "/api/v1/videos/{private}/", None, "403 404 204 404 204 204"),
    ("POST", "/api/v1/videos/{public}/views/", {}, "200 200 200 200 200 200"),
    ("POST", "/api/v1/videos/{private}/views/", {}, "404 404 200 404 200 200"),
    ("POST", "/api/v1/uploads/", "tus", "401 403 400 400 403 400"),
    ("PUT", "/api/v1/videos/{public}/thumbnail/", "multipart-put", "403 403 400 403 400 400"),
    ("PUT", "/api/v1/videos/{private}/thumbnail/", "multipart-put", "403 404 400 404 400 400"),
    ("DELETE", "/api/v1/videos/{public}/thumbnail/", None, "403 403 200 403 200 200"),
    # API: captions (reads per visibility; writes by the owner and staff).
    ("GET", "/api/v1/videos/{public}/captions/", None, "200 200 200 200 200 200"),
    ("GET", "/api/v1/videos/{private}/captions/", None, "404 404 200 404 200 200"),
    ("POST", "/api/v1/videos/{public}/captions/", "multipart", "403 403 400 403 400 400"),
    ("POST", "/api/v1/videos/{private}/captions/", "multipart", "403 404 400 404 400 400"),
    ("GET", "/api/v1/videos/{public}/captions/{caption}/", None, "200 200 200 200 200 200"),
    ("DELETE", "/api/v1/videos/{public}/captions/{caption}/", None, "403 403 204 403 204 204"),
    # API: social.
    ("PUT", "/api/v1/videos/{public}/like/", {"liked": True}, "403 200 200 200 200 200"),
    ("PUT", "/api/v1/videos/{private}/like/", {"liked": True}, "403 404 200 404 200 200"),
    ("DELETE", "/api/v1/videos/{public}/like/", None, "403 200 200 200 200 200"),
    ("POST", "/api/v1/videos/{public}/reactions/", {"emoji": "🔥"}, "403 200 200 200 200 200"),
    ("POST", "/api/v1/videos/{private}/reactions/", {"emoji": "🔥"}, "403 404 200 404 200 200"),
    ("GET", "/api/v1/videos/{public}/comments/", None, "200 200 200 200 200 200"),
    ("GET", "/api/v1/videos/{private}/comments/", None, "404 404 200 404 200 200"),
    ("POST", "/api/v1/videos/{public}/comments/", {"body": "Hi"}, "403 201 201 201 201 201"),
    ("POST", "/api/v1/videos/{private}/comments/", {"body": "Hi"}, "403 404 201 404 201 201"),
    # The comment is the viewer's: only its author edits or deletes it; the video's owner and
    # moderators hide it; the video's owner pins it.
    ("PATCH", "/api/v1/comments/{comment}/", {"body": "Edited"}, "403 200 403 403 403 403"),
    ("DELETE", "/api/v1/comments/{comment}/", None, "403 204 403 403 403 403"),
    ("POST", "/api/v1/comments/{comment}/hide/", {}, "403 403 200 403 200 200"),
    ("PUT", "/api/v1/comments/{comment}/pin/", {}, "403 403 200 403 200 200"),
    ("POST", "/api/v1/comments/{comment}/reports/", {"reason": "spam"}, "403 201 201 201 201 201"),
    ("POST", "/api/v1/videos/{public}/report/", {"reason": "spam"}, "403 201 400 201 201 201"),
    # API: live, broadcasts, ads, categories.
    ("GET", "/api/v1/live/", None, "200 200 200 200 200 200"),
    ("POST", "/api/v1/live/", {"title": "Again"}, "403 403 201 201 403 201"),
    ("GET", "/api/v1/live/{stream}/", None, "200 200 200 200 200 200"),
    ("GET", "/api/v1/broadcasts/", None, "403 403 403 403 200 200"),
    (
        "POST",
        "/api/v1/broadcasts/",
        {"message": "Hello all", "severity": "info"},
        "403 403 403 403 201 201",
    ),
    ("GET", "/api/v1/broadcasts/active/", None, "200 200 200 200 200 200"),
    ("GET", "/api/v1/broadcasts/{broadcast}/", None, "403 403 403 403 200 200"),
    ("DELETE", "/api/v1/broadcasts/{broadcast}/", None, "403 403 403 403 204 204"),
    ("POST", "/api/v1/broadcasts/{broadcast}/dismiss/", {}, "204 204 204 204 204 204"),
    ("GET", "/api/v1/ads/decision/?video={public}", None, "204 204 204 204 204 204"),
    ("GET", "/api/v1/ads/vast/?video={public}", None, "200 200 200 200 200 200"),
    ("POST", "/api/v1/ads/impression/", {"token": "forged"}, "400 400 400 400 400 400"),
    ("POST", "/api/v1/ads/complete/", {"token": "forged"}, "400 400 400 400 400 400"),
    ("GET", "/api/v1/ads/click/?token=forged", None, "400 400 400 400 400 400"),
    ("GET", "/api/v1/categories/", None, "200 200 200 200 200 200"),
    ("PUT", "/api/v1/videos/{public}/category/", {"category": "none"}, "403 403 400 403 400 400"),
    # Playlists: read per visibility (private: the owner and staff, 404 to others); only the
    # owner writes. History: each user's own, never anyone else's.
    ("GET", "/playlists/", None, "302 200 200 200 200 200"),
    ("GET", "/playlist/{playlist}/", None, "200 200 200 200 200 200"),
    ("GET", "/playlist/{private_playlist}/", None, "404 404 200 404 200 200"),
    (
        "POST",
        "/playlist/{playlist}/",
        {"title": "Renamed", "visibility": "public"},
        "403 403 302 403 403 403",
    ),
    ("POST", "/playlist/{private_playlist}/delete/", {}, "302 404 302 404 403 403"),
    (
        "POST",
        "/playlist/{playlist}/items/{item}/move/",
        {"position": 0},
        "302 403 302 403 403 403",
    ),
    ("POST", "/playlist/{playlist}/items/{item}/remove/", {}, "302 403 302 403 403 403"),
    ("GET", "/history/", None, "302 200 200 200 200 200"),
    ("POST", "/history/clear/", {}, "302 302 302 302 302 302"),
    ("POST", "/history/pause/", {"paused": "1"}, "302 302 302 302 302 302"),
    ("POST", "/history/{public}/remove/", {}, "302 302 302 302 302 302"),
    ("GET", "/api/v1/playlists/", None, "403 200 200 200 200 200"),
    ("POST", "/api/v1/playlists/", {"title": "New"}, "403 201 201 201 201 201"),
    ("GET", "/api/v1/playlists/{playlist}/", None, "200 200 200 200 200 200"),
    ("GET", "/api/v1/playlists/{private_playlist}/", None, "404 404 200 404 200 200"),
    ("PATCH", "/api/v1/playlists/{playlist}/", {"title": "R"}, "403 403 200 403 403 403"),
    ("PATCH", "/api/v1/playlists/{private_playlist}/", {"title": "R"}, "403 404 200 404 403 403"),
    ("DELETE", "/api/v1/playlists/{playlist}/", None, "403 403 204 403 403 403"),
    ("DELETE", "/api/v1/playlists/{private_playlist}/", None, "403 404 204 404 403 403"),
    (
        "POST",
        "/api/v1/playlists/{private_playlist}/items/",
        {"video": "{public}"},
        "403 404 201 404 403 403",
    ),
    (
        "PATCH",
        "/api/v1/playlists/{playlist}/items/{item}/",
        {"position": 0},
        "403 403 200 403 403 403",
    ),
    ("DELETE", "/api/v1/playlists/{playlist}/items/{item}/", None, "403 403 204 403 403 403"),
    ("POST", "/api/v1/me/watch-later/items/", {"video": "{public}"}, "403 201 201 201 201 201"),
    ("GET", "/api/v1/me/history/", None, "403 200 200 200 200 200"),
    ("DELETE", "/api/v1/me/history/", None, "403 204 204 204 204 204"),
    ("PUT", "/api/v1/me/history/{public}/", {"position_s": 5}, "403 200 200 200 200 200"),
    ("PUT", "/api/v1/me/history/{private}/", {"position_s": 5}, "403 404 200 404 200 200"),
    ("DELETE", "/api/v1/me/history/{public}/", None, "403 204 204 204 204 204"),
    ("PUT", "/api/v1/me/history/settings/", {"paused": True}, "403 200 200 200 200 200"),
    # Subscriptions and notifications: signed in; one's notifications are one's own.
    ("GET", "/feed/", None, "302 200 200 200 200 200"),
    ("GET", "/notifications/", None, "302 200 200 200 200 200"),
    ("POST", "/notifications/email/", {"email": "digest"}, "302 302 302 302 302 302"),
    ("GET", "/studio/channel/", None, "302 200 200 200 200 200"),
    ("POST", "/c/{owner}/subscribe/", {}, "302 302 302 302 302 302"),
    ("POST", "/c/{owner}/unsubscribe/", {}, "302 302 302 302 302 302"),
    ("POST", "/c/{owner}/notify/", {"notify": "none"}, "302 302 302 302 302 302"),
    ("GET", "/api/v1/channels/{owner}/subscription/", None, "403 200 200 200 200 200"),
    ("PUT", "/api/v1/channels/{owner}/subscription/", {}, "403 200 400 200 200 200"),
    ("DELETE", "/api/v1/channels/{owner}/subscription/", None, "403 200 200 200 200 200"),
    ("GET", "/api/v1/me/feed/", None, "403 200 200 200 200 200"),
    ("GET", "/api/v1/me/notifications/", None, "403 200 200 200 200 200"),
    ("POST", "/api/v1/me/notifications/read/", {}, "403 200 200 200 200 200"),
    # The RTMP key check answers nginx-rtmp: a wrong key is refused whoever asks.
    ("POST", "/live-hooks/on_publish", {"name": "wrong-key"}, "403 403 403 403 403 403"),
]

# URL names not in the matrix, and why.
EXEMPT = {
    "prometheus-django-metrics": "operators only; tests/streamsite/test_health.py",
    "readyz": "no role involved; tests/streamsite/test_health.py",
    "api-token": "anyone; tests/apps/users/test_token_api.py",
    "tus-upload": "the upload's creator only; tests/apps/videos/uploads/",
    "live-hook-publish-done": "nginx-rtmp callback; tests/apps/live/",
    "live-media": "per stream and key; tests/apps/live/",
    "ads-media": "public creatives; tests/apps/ads/",
    "channel-image": "public channel images; tests/apps/subscriptions/",
    "media": "per video visibility and media key; tests/apps/videos/delivery/",
    "logout": "anyone",
    "login": "anyone (GET in the matrix)",
    "password_change_done": "signed in",
    "password_reset": "anyone",
    "password_reset_done": "anyone",
    "password_reset_confirm": "anyone with a token",
    "password_reset_complete": "anyone",
    "api-broadcast-dismiss": "in the matrix",
}


def _request(client: Client, method: str, path: str, body, ids: dict):
    if body == "multipart":
        return client.post(path, {"title": "No file"})
    if body == "multipart-put":
        from django.test.client import encode_multipart

        data = encode_multipart("BoUnDaRy", {"note": "no file"})
        return client.put(path, data, content_type="multipart/form-data; boundary=BoUnDaRy")
    if body == "tus":
        return client.post(path, HTTP_TUS_RESUMABLE="1.0.0", HTTP_UPLOAD_LENGTH="1000")
    kwargs = {}
    if body is not None:
        data = json.loads(json.dumps(body).replace("{public}", ids["public"]))
        if path.startswith("/api/"):
            kwargs = {"data": json.dumps(data), "content_type": "application/json"}
        else:
            kwargs = {"data": data}
    return getattr(client, method.lower())(path, **kwargs)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Each role of a row also runs in a savepoint of its own: no role sees another's writes."""
    with world_kept_for_a_module(django_db_blocker) as world:
        yield world


@pytest.mark.parametrize(
    ("method", "path", "body", "expected"), MATRIX, ids=[f"{m} {p}" for m, p, _, _ in MATRIX]
)
def test_access(world, method, path, body, expected):
    ids = world.ids()
    url = path.format(**ids)
    got = {}
    for role in ROLES:
        # Each role starts from the same world: a delete by one is not seen by the next.
        cache.clear()
        savepoint = transaction.savepoint()
        client = Client()
        if world.users[role] is not None:
            client.force_login(world.users[role])
        got[role] = _request(client, method, url, body, ids).status_code
        transaction.savepoint_rollback(savepoint)
    want = dict(zip(ROLES, (int(code) for code in expected.split()), strict=True))
    assert got == want, f"{method} {path}: got {got}"


def _url_names(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if str(pattern.pattern).startswith("admin/"):
                continue
            yield from _url_names(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield pattern.name


def test_every_url_is_in_the_matrix():
    covered = set()
    for _method, path, _body, _expected in MATRIX:
        sample = path.split("?")[0].format(
            public="abc123", unlisted="abc123", private="abc123", failed="abc123",
            comment=1, stream="abc123", broadcast=1, owner="owner", public_key="k",
            playlist="abc123", private_playlist="abc123", item=1, caption=1,
        )  # fmt: skip
        covered.add(resolve(sample).url_name)
    missing = set(_url_names(get_resolver().url_patterns)) - covered - set(EXEMPT)
    assert not missing, f"add these URLs to the access matrix: {sorted(missing)}"
