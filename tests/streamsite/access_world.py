"""The people and things the access-control matrix is checked against: one of each role, and
one of each kind of object, owned by `owner`."""

import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission

from apps.users.roles import MODERATORS, ensure_roles
from apps.users.services import user_grant_staff_role
from tests.factories import CreatorFactory, UserFactory, VideoFactory

ROLES = ("anon", "viewer", "owner", "other", "moderator", "staff")


@dataclass
class World:
    users: dict
    public: object
    unlisted: object
    private: object
    failed: object
    comment: object
    stream: object
    broadcast: object
    playlist: object
    private_playlist: object
    item: object
    caption: object

    def ids(self) -> dict:
        return {
            "public": self.public.id,
            "public_key": self.public.media_key,
            "unlisted": self.unlisted.id,
            "private": self.private.id,
            "failed": self.failed.id,
            "comment": self.comment.id,
            "stream": self.stream.id,
            "broadcast": self.broadcast.id,
            "playlist": self.playlist.id,
            "private_playlist": self.private_playlist.id,
            "item": self.item.id,
            "caption": self.caption.id,
            "owner": self.users["owner"].username,
        }


def build_world() -> World:
    from apps.broadcasts.services import broadcast_issue
    from apps.captions.services import caption_upload
    from apps.comments.services import comment_post
    from apps.live.services import live_create
    from apps.playlists.services import playlist_add, playlist_create

    ensure_roles(Group, Permission)
    owner = CreatorFactory(username="owner")
    moderator = user_grant_staff_role(user=UserFactory(username="moderator"), role=MODERATORS)
    users = {
        "anon": None,
        "viewer": UserFactory(username="viewer"),
        "owner": owner,
        "other": CreatorFactory(username="other"),
        "moderator": moderator,
        "staff": UserFactory(username="staff", is_staff=True, is_superuser=True),
    }
    public = VideoFactory(owner=owner, title="Public one")
    playlist = playlist_create(owner=owner, title="Owner's mix")
    item, _ = playlist_add(playlist=playlist, video=public, by=owner)
    return World(
        users=users,
        public=public,
        unlisted=VideoFactory(owner=owner, visibility="unlisted"),
        private=VideoFactory(owner=owner, visibility="private"),
        failed=VideoFactory(owner=owner, status="failed", progress=0, error="probe failed"),
        comment=comment_post(video=public, by=users["viewer"], body="Nice one"),
        stream=live_create(owner=owner, title="Going live"),
        broadcast=broadcast_issue(by=moderator, message="Maintenance tonight"),
        playlist=playlist,
        private_playlist=playlist_create(owner=owner, title="Only mine", visibility="private"),
        item=item,
        caption=caption_upload(
            video=public,
            by=owner,
            file=io.BytesIO(b"WEBVTT\n\n00:01.000 --> 00:02.000\nHi\n"),
            language="en",
        ),
    )


@contextmanager
def world_kept_for_a_module(django_db_blocker) -> Iterator[World]:
    """One world for a whole module, made in a transaction rolled back at the module's end.
    Each test runs in a savepoint inside it (pytest-django's `db`), so its writes are undone
    before the next test, which finds the world as it was made."""
    from django.db import transaction

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
