"""Playlist pages: the user's playlists, one playlist (and its owner's edits). Thin: the
forms post here, the services write, and every refusal comes back as a message."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from apps.playlists import selectors, services
from apps.playlists.forms import PlaylistForm
from apps.playlists.models import Playlist, PlaylistItem


@login_required
def my_playlists(request: HttpRequest) -> HttpResponse:
    form = PlaylistForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        playlist = services.playlist_create(owner=request.user, **form.cleaned_data)
        return redirect(playlist)
    playlists = selectors.playlists_of_user(user=request.user)
    return render(request, "playlists/mine.html", {"playlists": playlists, "form": form})


def _owned(request: HttpRequest, playlist_id: str) -> Playlist:
    playlist = selectors.playlist_get_for_viewer(playlist_id=playlist_id, user=request.user)
    if playlist.owner_id != request.user.pk:
        raise PermissionDenied("Only the owner may change this playlist.")
    return playlist


def playlist_page(request: HttpRequest, playlist_id: str) -> HttpResponse:
    playlist = selectors.playlist_get_for_viewer(playlist_id=playlist_id, user=request.user)
    is_owner = request.user.is_authenticated and playlist.owner_id == request.user.pk
    form = None
    if is_owner:
        form = PlaylistForm(request.POST or None, instance=Playlist.objects.get(pk=playlist.pk))
        if request.method == "POST" and form.is_valid():
            try:
                services.playlist_update(playlist=playlist, by=request.user, **form.cleaned_data)
                messages.success(request, "Playlist saved.")
                return redirect(playlist)
            except ValidationError as refused:
                form.add_error(None, refused)
    elif request.method == "POST":
        raise PermissionDenied("Only the owner may change this playlist.")
    items = list(selectors.playlist_items_for_viewer(playlist=playlist, user=request.user))
    return render(
        request,
        "playlists/playlist.html",
        {"playlist": playlist, "items": items, "is_owner": is_owner, "form": form},
    )


@login_required
@require_POST
def playlist_delete(request: HttpRequest, playlist_id: str) -> HttpResponse:
    playlist = _owned(request, playlist_id)
    try:
        services.playlist_delete(playlist=playlist, by=request.user)
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
        return redirect(playlist)
    messages.success(request, f"“{playlist.title}” was deleted.")
    return redirect("my-playlists")


def _item_id(item_id: int, playlist: Playlist) -> int:
    if not PlaylistItem.objects.filter(playlist=playlist, pk=item_id).exists():
        raise Http404("No such item in this playlist.")
    return item_id


@login_required
@require_POST
def item_move(request: HttpRequest, playlist_id: str, item_id: int) -> HttpResponse:
    """The no-script (and keyboard) way to reorder: "Move up" / "Move down" post a position."""
    playlist = _owned(request, playlist_id)
    try:
        position = int(request.POST.get("position", ""))
        item_id = _item_id(item_id, playlist)
        services.playlist_item_move(
            playlist=playlist, item_id=item_id, position=position, by=request.user
        )
    except (ValueError, ValidationError):
        messages.error(request, "That is not a place in this playlist.")
    return redirect(f"{playlist.get_absolute_url()}#item-{item_id}")


@login_required
@require_POST
def item_remove(request: HttpRequest, playlist_id: str, item_id: int) -> HttpResponse:
    playlist = _owned(request, playlist_id)
    services.playlist_item_remove(
        playlist=playlist, item_id=_item_id(item_id, playlist), by=request.user
    )
    messages.success(request, "Removed from the playlist.")
    return redirect(playlist)
