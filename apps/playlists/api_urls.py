from django.urls import path

from apps.playlists import api

urlpatterns = [
    path("playlists/", api.PlaylistsView.as_view(), name="api-playlists"),
    path("playlists/<str:playlist_id>/", api.PlaylistView.as_view(), name="api-playlist"),
    path(
        "playlists/<str:playlist_id>/items/",
        api.PlaylistItemsView.as_view(),
        name="api-playlist-items",
    ),
    path(
        "playlists/<str:playlist_id>/items/<int:item_id>/",
        api.PlaylistItemView.as_view(),
        name="api-playlist-item",
    ),
    path("me/watch-later/items/", api.WatchLaterItemsView.as_view(), name="api-watch-later-items"),
]
