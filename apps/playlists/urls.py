from django.urls import path

from apps.playlists import views

urlpatterns = [
    path("playlists/", views.my_playlists, name="my-playlists"),
    path("playlist/<str:playlist_id>/", views.playlist_page, name="playlist"),
    path("playlist/<str:playlist_id>/delete/", views.playlist_delete, name="playlist-delete"),
    path(
        "playlist/<str:playlist_id>/items/<int:item_id>/move/",
        views.item_move,
        name="playlist-item-move",
    ),
    path(
        "playlist/<str:playlist_id>/items/<int:item_id>/remove/",
        views.item_remove,
        name="playlist-item-remove",
    ),
]
