from django.urls import path

from apps.captions import views

urlpatterns = [
    path("studio/videos/<str:video_id>/captions/", views.captions_page, name="studio-captions"),
    path(
        "studio/videos/<str:video_id>/captions/<int:caption_id>/delete/",
        views.caption_delete,
        name="studio-caption-delete",
    ),
]
