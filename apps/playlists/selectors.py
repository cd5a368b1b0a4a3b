"""Reads of playlists: who may see one, and what each reader sees of it."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from apps.playlists.models import Playlist, PlaylistItem, PlaylistKind
from apps.videos.models import Video, Visibility
from apps.videos.selectors import video_watchable_q


def playlist_can_read(*, playlist: Playlist, user) -> bool:
    """Public and unlisted: anyone with the link. Private: the owner (and staff)."""
    if playlist.visibility != Visibility.PRIVATE:
        return True
    return bool(user and user.is_authenticated and (user.is_staff or user.pk == playlist.owner_id))


def playlist_get_for_viewer(*, playlist_id: str, user) -> Playlist:
    """The playlist if this user may read it, else 404: a private one's existence is private."""
    playlist = Playlist.objects.select_related("owner").filter(pk=playlist_id).first()
    if playlist is None or not playlist_can_read(playlist=playlist, user=user):
        raise Http404("No such playlist.")
    return playlist


def playlist_items_for_viewer(*, playlist: Playlist, user) -> QuerySet[PlaylistItem]:
    """The items in order, without the videos this reader may not watch (private, hidden,
    not ready)."""
    return (
        PlaylistItem.objects.filter(playlist=playlist)
        .filter(video_watchable_q(user=user, prefix="video__"))
        .select_related("video", "video__owner")
        .order_by("position")
    )


def playlists_of_user(*, user) -> QuerySet[Playlist]:
    """All of a user's own playlists, "Watch later" first, then the latest changed."""
    return (
        Playlist.objects.filter(owner=user)
        .annotate(item_count=Count("items"))
        .order_by("-kind", "-updated_at")  # "watch_later" sorts after "regular": reversed
    )


def playlists_of_channel(*, channel, viewer) -> QuerySet[Playlist]:
    """The playlists a channel page shows: its public ones, or all of them to the owner."""
    playlists = Playlist.objects.filter(owner=channel).select_related("owner")
    if not (viewer and viewer.is_authenticated and viewer.pk == channel.pk):
        playlists = playlists.filter(visibility=Visibility.PUBLIC)
    return playlists.annotate(
        item_count=Count("items", filter=Q(items__video__status="ready"))
    ).order_by("-updated_at")


def playlist_menu(*, user, video: Video) -> list[dict]:
    """The watch page's "Save" menu: the user's playlists, each with this video's item id
    (None when the video is not in it). "Watch later" is listed even before it exists."""
    if not (user and user.is_authenticated):
        return []
    playlists = list(playlists_of_user(user=user))
    in_list = dict(
        PlaylistItem.objects.filter(playlist__owner=user, video=video).values_list(
            "playlist_id", "pk"
        )
    )
    menu = [{"playlist": p, "item_id": in_list.get(p.pk)} for p in playlists]
    if not any(p.kind == PlaylistKind.WATCH_LATER for p in playlists):
        menu.insert(0, {"playlist": None, "item_id": None})
    return menu
