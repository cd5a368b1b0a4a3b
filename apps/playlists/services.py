"""Writes of playlists. Every change to a playlist's items happens under its row lock, so
positions stay dense (0..n-1) and unique however many edits arrive at once."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, Count, F, IntegerField, Max, Value, When
from django.utils import timezone

from apps.playlists.models import Playlist, PlaylistItem, PlaylistKind
from apps.users.models import User
from apps.videos.models import Video, Visibility
from apps.videos.selectors import video_can_watch

MAX_ITEMS = 5000
WATCH_LATER_TITLE = "Watch later"


def _require_owner(playlist: Playlist, by: User) -> None:
    if not (by and by.is_authenticated and by.pk == playlist.owner_id):
        raise PermissionDenied("Only the owner may change this playlist.")


def _locked(playlist: Playlist) -> Playlist:
    """The playlist's row, locked until the end of the caller's transaction."""
    return Playlist.objects.select_for_update().get(pk=playlist.pk)


def _renumber(playlist: Playlist, ordered_ids: list[int]) -> None:
    """Give the items positions 0..n-1 in this order (every item of the playlist is listed).

    Two statements, because a unique (playlist, position) is checked row by row: first every
    row moves to a distinct negative place (-1 - wanted), then all flip back at once.
    """
    items = PlaylistItem.objects.filter(playlist=playlist)
    if not ordered_ids:
        return
    whens = [When(pk=pk, then=Value(-1 - i)) for i, pk in enumerate(ordered_ids)]
    items.update(position=Case(*whens, output_field=IntegerField()))
    items.update(position=-F("position") - 1)


def _ordered_ids(playlist: Playlist) -> list[int]:
    return list(
        PlaylistItem.objects.filter(playlist=playlist)
        .order_by("position", "pk")
        .values_list("pk", flat=True)
    )


def _compact(playlist: Playlist) -> int:
    """Close gaps left by deleted videos; the number of items. Caller holds the lock."""
    items = PlaylistItem.objects.filter(playlist=playlist)
    found = items.aggregate(n=Count("pk"), top=Max("position"))
    n = found["n"]
    if n and found["top"] != n - 1:
        _renumber(playlist, _ordered_ids(playlist))
    return n


def _check_fields(*, title: str | None, visibility: str | None) -> None:
    if title is not None and not title.strip():
        raise ValidationError("A playlist needs a title.")
    if visibility is not None and visibility not in Visibility.values:
        raise ValidationError(f"Visibility must be one of: {', '.join(Visibility.values)}.")


def playlist_create(
    *, owner: User, title: str, description: str = "", visibility: str = Visibility.PUBLIC
) -> Playlist:
    if not (owner and owner.is_authenticated):
        raise PermissionDenied("Sign in to make playlists.")
    _check_fields(title=title, visibility=visibility)
    playlist = Playlist(
        owner=owner, title=title.strip(), description=description.strip(), visibility=visibility
    )
    playlist.full_clean()
    playlist.save()
    return playlist


def playlist_update(
    *,
    playlist: Playlist,
    by: User,
    title: str | None = None,
    description: str | None = None,
    visibility: str | None = None,
) -> Playlist:
    """Rename, describe, change visibility. "Watch later" stays private and keeps its name."""
    _require_owner(playlist, by)
    _check_fields(title=title, visibility=visibility)
    if playlist.is_watch_later and (
        (title is not None and title.strip() != playlist.title)
        or (visibility is not None and visibility != Visibility.PRIVATE)
    ):
        raise ValidationError("“Watch later” is always private and keeps its name.")
    if title is not None:
        playlist.title = title.strip()
    if description is not None:
        playlist.description = description.strip()
    if visibility is not None:
        playlist.visibility = visibility
    playlist.full_clean()
    playlist.save()
    return playlist


def playlist_delete(*, playlist: Playlist, by: User) -> None:
    _require_owner(playlist, by)
    if playlist.is_watch_later:
        raise ValidationError("“Watch later” cannot be deleted; remove its videos instead.")
    playlist.delete()


def playlist_watch_later(*, user: User) -> Playlist:
    """The user's built-in private "Watch later" list, made on first use."""
    if not (user and user.is_authenticated):
        raise PermissionDenied("Sign in to keep videos for later.")
    # get_or_create retries the read when a concurrent first use wins the unique constraint.
    playlist, _ = Playlist.objects.get_or_create(
        owner=user,
        kind=PlaylistKind.WATCH_LATER,
        defaults={"title": WATCH_LATER_TITLE, "visibility": Visibility.PRIVATE},
    )
    return playlist


def playlist_add(*, playlist: Playlist, video: Video, by: User) -> tuple[PlaylistItem, bool]:
    """Append the video (position n); a video already in the list stays where it is.
    Returns the item and whether it is new."""
    _require_owner(playlist, by)
    if not video_can_watch(video=video, user=by):
        raise ValidationError("No such video.")
    with transaction.atomic():
        locked = _locked(playlist)
        existing = PlaylistItem.objects.filter(playlist=locked, video=video).first()
        if existing:
            return existing, False
        n = _compact(locked)
        if n >= MAX_ITEMS:
            raise ValidationError(f"A playlist holds at most {MAX_ITEMS} videos.")
        item = PlaylistItem.objects.create(playlist=locked, video=video, position=n)
        Playlist.objects.filter(pk=locked.pk).update(updated_at=item.added_at)
    return item, True


def _locked_item(playlist: Playlist, item_id: int) -> PlaylistItem:
    item = PlaylistItem.objects.filter(playlist=playlist, pk=item_id).first()
    if item is None:
        raise PlaylistItem.DoesNotExist("No such item in this playlist.")
    return item


def playlist_item_move(
    *, playlist: Playlist, item_id: int, position: int, by: User
) -> PlaylistItem:
    """Move an item to `position`, shifting the ones between. A position past the end is
    clamped to the last place; a negative one is refused."""
    _require_owner(playlist, by)
    if position < 0:
        raise ValidationError("Positions count from 0.")
    with transaction.atomic():
        locked = _locked(playlist)
        _locked_item(locked, item_id)
        ids = _ordered_ids(locked)
        ids.remove(item_id)
        ids.insert(min(position, len(ids)), item_id)
        _renumber(locked, ids)
        Playlist.objects.filter(pk=locked.pk).update(updated_at=timezone.now())
        return PlaylistItem.objects.get(pk=item_id)


def playlist_item_remove(*, playlist: Playlist, item_id: int, by: User) -> None:
    _require_owner(playlist, by)
    with transaction.atomic():
        locked = _locked(playlist)
        _locked_item(locked, item_id).delete()
        _renumber(locked, _ordered_ids(locked))
