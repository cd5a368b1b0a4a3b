from django.urls import path

from apps.broadcasts import api

urlpatterns = [
    path("broadcasts/", api.BroadcastListCreateView.as_view(), name="api-broadcasts"),
    path("broadcasts/active/", api.ActiveBroadcastsView.as_view(), name="api-broadcasts-active"),
    path(
        "broadcasts/<int:broadcast_id>/",
        api.BroadcastDetailView.as_view(),
        name="api-broadcast",
    ),
    path(
        "broadcasts/<int:broadcast_id>/dismiss/",
        api.DismissView.as_view(),
        name="api-broadcast-dismiss",
    ),
]
