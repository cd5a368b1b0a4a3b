from django.urls import path

from apps.history import api

urlpatterns = [
    path("me/history/", api.HistoryView.as_view(), name="api-history"),
    # Before the entry route: "settings" is not a video id (those are 11 characters).
    path("me/history/settings/", api.HistorySettingsView.as_view(), name="api-history-settings"),
    path("me/history/<str:video_id>/", api.HistoryEntryView.as_view(), name="api-history-entry"),
]
