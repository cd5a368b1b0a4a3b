"""A reply to someone else's comment calls the reply listeners once it has committed (the
followers app turns that into a notification); a reply to oneself does not."""

from __future__ import annotations

from apps.comments import hooks, services
from tests.factories import UserFactory, VideoFactory


def test_reply_listeners_hear_replies_to_others_only(db, django_capture_on_commit_callbacks):
    heard: list[int] = []
    hooks.on_reply_posted(heard.append)
    try:
        video, alice, bob = VideoFactory(), UserFactory(), UserFactory()
        with django_capture_on_commit_callbacks(execute=True):
            top = services.comment_post(video=video, by=alice, body="question")
            own = services.comment_post(video=video, by=alice, body="and more", parent_id=top.pk)
        assert heard == [] and own.parent_id == top.pk
        with django_capture_on_commit_callbacks(execute=True):
            reply = services.comment_post(video=video, by=bob, body="answer", parent_id=top.pk)
        assert heard == [reply.pk]
    finally:
        hooks._reply_listeners.remove(heard.append)
