from __future__ import annotations

from django import template
from django.http import Http404

from apps.playlists import selectors
from apps.videos.models import Visibility

register = template.Library()


@register.inclusion_tag("playlists/save_menu.html", takes_context=True)
def playlist_save_menu(context, video) -> dict:
    """The watch page's "Save" menu: the user's playlists with checkboxes, and a new one."""
    request = context["request"]
    return {
        "video": video,
        "menu": selectors.playlist_menu(user=request.user, video=video),
        "visibilities": Visibility.choices,
        "csrf_token": context.get("csrf_token"),
        "user": request.user,
    }


@register.inclusion_tag("playlists/panel.html", takes_context=True)
def playlist_panel(context, video) -> dict:
    """Beside the player when the watch page was reached from a playlist (`?list=&index=`):
    the list as this viewer may see it, with the current video marked."""
    request = context["request"]
    playlist_id = request.GET.get("list", "")
    if not playlist_id:
        return {"playlist": None}
    try:
        playlist = selectors.playlist_get_for_viewer(playlist_id=playlist_id, user=request.user)
    except Http404:
        return {"playlist": None}
    items = list(selectors.playlist_items_for_viewer(playlist=playlist, user=request.user))
    try:
        index = int(request.GET.get("index", ""))
    except ValueError:
        index = -1
    if not (0 <= index < len(items) and items[index].video_id == video.id):
        index = next((i for i, item in enumerate(items) if item.video_id == video.id), -1)
    if index < 0:
        return {"playlist": None}
    return {"playlist": playlist, "items": items, "index": index}
