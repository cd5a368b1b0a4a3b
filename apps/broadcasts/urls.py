from django.urls import path

from apps.broadcasts import views

urlpatterns = [
    path("moderation/broadcasts/", views.moderation, name="moderation-broadcasts"),
    path(
        "moderation/broadcasts/<int:broadcast_id>/end/",
        views.end,
        name="moderation-broadcast-end",
    ),
    path(
        "moderation/content-warning/",
        views.content_warning,
        name="moderation-content-warning",
    ),
]
