from django.urls import path

from apps.live import api

urlpatterns = [
    path("live/", api.LiveCreateView.as_view(), name="api-live"),
    path("live/<str:stream_id>/", api.LiveDetailView.as_view(), name="api-live-detail"),
]
