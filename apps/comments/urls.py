from django.urls import path

from apps.comments import views

urlpatterns = [
    path("watch/<str:video_id>/comments/", views.comments_page, name="comments-page"),
    path("watch/<str:video_id>/comments/changes/", views.comments_changes, name="comments-changes"),
]
