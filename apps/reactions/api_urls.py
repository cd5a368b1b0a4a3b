from django.urls import path

from apps.reactions import api

urlpatterns = [
    path("videos/<str:video_id>/like/", api.VoteView.as_view(), name="api-video-like"),
    path(
        "videos/<str:video_id>/reactions/", api.ReactionsView.as_view(), name="api-video-reactions"
    ),
]
