from django.urls import path

from apps.history import views

urlpatterns = [
    path("history/", views.history_page, name="history"),
    path("history/clear/", views.history_clear, name="history-clear"),
    path("history/pause/", views.history_pause, name="history-pause"),
    path("history/<str:video_id>/remove/", views.history_remove, name="history-remove"),
]
