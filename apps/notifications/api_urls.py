from django.urls import path

from apps.notifications import api

urlpatterns = [
    path("me/notifications/", api.NotificationListView.as_view(), name="api-me-notifications"),
    path("me/notifications/read/", api.MarkReadView.as_view(), name="api-me-notifications-read"),
]
