"""Comments through the API and the watch page: post, reply, edit, delete, hide, pin, report,
limits, orderings, escaping and links."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from apps.comments.models import Comment, CommentReport
from tests.factories import ModeratorFactory, UserFactory, VideoFactory


def _as(client, user):
    client.force_authenticate(user)
    return client


def _post(client, video, body, parent=None):
    data = {"body": body} if parent is None else {"body": body, "parent": parent}
    return client.post(f"/api/v1/videos/{video.id}/comments/", data, format="json")


def test_post_reply_edit_delete_and_count(db, api_client):
    video, alice, bob = VideoFactory(), UserFactory(), UserFactory()
    first = _post(_as(api_client, alice), video, "First!")
    assert first.status_code == 201
    body = first.json()
    assert {"id", "body", "author", "parent", "created_at"} <= body.keys()
    assert (body["author"], body["parent"]) == (alice.username, None)
    reply = _post(_as(api_client, bob), video, "Reply", parent=body["id"]).json()
    # A reply to a reply joins the thread: one level only.
    nested = _post(api_client, video, "Nested", parent=reply["id"]).json()
    assert nested["parent"] == body["id"]
    assert api_client.get(f"/api/v1/videos/{video.id}/").json()["comments"] == 3

    edited = api_client.patch(f"/api/v1/comments/{reply['id']}/", {"body": "Better"}, format="json")
    assert edited.status_code == 200 and edited.json()["edited"] is True
    # Someone else's comment: refused.
    assert api_client.delete(f"/api/v1/comments/{body['id']}/").status_code == 403
    assert api_client.delete(f"/api/v1/comments/{reply['id']}/").status_code == 204
    assert api_client.get(f"/api/v1/videos/{video.id}/").json()["comments"] == 2
    listed = api_client.get(f"/api/v1/videos/{video.id}/comments/?parent={body['id']}").json()
    assert [c["body"] for c in listed["results"]] == ["Nested"]


def test_owner_pins_and_hides_moderators_hide_others_cannot(db, api_client):
    video = VideoFactory()
    viewer = UserFactory()
    a = _post(_as(api_client, viewer), video, "one").json()["id"]
    b = _post(api_client, video, "two").json()["id"]
    assert api_client.put(f"/api/v1/comments/{a}/pin/").status_code == 403
    assert api_client.post(f"/api/v1/comments/{b}/hide/").status_code == 403

    _as(api_client, video.owner)
    assert api_client.put(f"/api/v1/comments/{a}/pin/").json()["pinned"] is True
    assert api_client.put(f"/api/v1/comments/{b}/pin/").json()["pinned"] is True
    assert list(Comment.objects.filter(pinned=True).values_list("pk", flat=True)) == [b]
    newest = api_client.get(f"/api/v1/videos/{video.id}/comments/").json()["results"]
    assert newest[0]["id"] == b

    assert api_client.post(f"/api/v1/comments/{a}/hide/").json()["state"] == "hidden"
    _as(api_client, ModeratorFactory())
    assert api_client.post(f"/api/v1/comments/{b}/hide/").json()["state"] == "hidden"
    assert api_client.get(f"/api/v1/videos/{video.id}/").json()["comments"] == 0
    assert api_client.get(f"/api/v1/videos/{video.id}/comments/").json()["results"] == []


def test_reports_queue_for_staff(db, api_client, client):
    video = VideoFactory()
    comment = _post(_as(api_client, UserFactory()), video, "spam spam").json()["id"]
    _as(api_client, UserFactory())
    bad = api_client.post(f"/api/v1/comments/{comment}/reports/", {"reason": "nope"}, format="json")
    assert bad.status_code == 400
    url = f"/api/v1/comments/{comment}/reports/"
    assert api_client.post(url, {"reason": "spam"}, format="json").status_code == 201
    assert CommentReport.objects.filter(comment_id=comment, resolved_at=None).count() == 1
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    queue = client.get("/admin/comments/commentreport/?open=yes")
    assert queue.status_code == 200 and b"spam spam" in queue.content


def test_anonymous_writes_refused_and_limits(db, api_client):
    video = VideoFactory()
    assert _post(api_client, video, "hi").status_code in (401, 403)
    _as(api_client, UserFactory())
    too_long = _post(api_client, video, "x" * 2001)
    assert too_long.status_code == 400 and "error" in too_long.json()
    assert _post(api_client, video, "   ").status_code == 400
    _as(api_client, UserFactory())
    codes = [_post(api_client, video, f"c{i}").status_code for i in range(31)]
    assert codes[:30] == [201] * 30  # at least 30 writes a minute are allowed
    assert codes[30] == 429
    limited = _post(api_client, video, "again")
    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0


def test_watch_page_renders_comments_escaped_links_only_for_established(db, client):
    video = VideoFactory()
    new = UserFactory()
    old = UserFactory()
    old.date_joined = timezone.now() - timedelta(days=30)
    old.save()
    Comment.objects.create(
        video=video, author=new, body="<img src=x onerror=alert(1)> https://new.example"
    )
    Comment.objects.create(video=video, author=old, body="see https://old.example")
    html = client.get(f"/watch/{video.id}/").content.decode()
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert 'href="https://new.example"' not in html
    assert 'href="https://old.example"' in html and 'rel="nofollow"' in html


def test_top_order_and_pages(db, client):
    video = VideoFactory()
    user = UserFactory()
    quiet = Comment.objects.create(video=video, author=user, body="quiet")
    busy = Comment.objects.create(video=video, author=user, body="busy", reply_count=3)
    Comment.objects.create(video=video, author=user, body="newest")
    top = client.get(f"/watch/{video.id}/comments/?sort=top").content.decode()
    assert top.index("busy") < top.index("newest") < top.index("quiet")
    for i in range(25):
        Comment.objects.create(video=video, author=user, body=f"filler {i}")
    first = client.get(f"/watch/{video.id}/").content.decode()
    assert "More comments" in first and "quiet" not in first
    second = client.get(f"/watch/{video.id}/comments/?page=2").content.decode()
    assert "quiet" in second and busy.pk and quiet.pk
