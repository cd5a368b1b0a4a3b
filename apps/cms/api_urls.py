from django.urls import path

from apps.cms import api

urlpatterns = [
    path("categories/", api.CategoryListView.as_view(), name="api-categories"),
    path(
        "videos/<str:video_id>/category/",
        api.VideoCategoryView.as_view(),
        name="api-video-category",
    ),
    path("videos/<str:video_id>/report/", api.VideoReportView.as_view(), name="api-video-report"),
]
