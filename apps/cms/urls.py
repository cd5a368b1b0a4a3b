from django.urls import path

from apps.cms import views

urlpatterns = [
    path("", views.home, name="home"),
    path("categories/", views.categories, name="categories"),
    path("category/<slug:slug>/", views.category, name="category"),
    path("tag/<str:tag>/", views.tag, name="tag"),
    path("pages/<slug:slug>/", views.page, name="page"),
    path("watch/<str:video_id>/report/", views.report_video, name="report-video"),
    path("studio/<str:video_id>/topics/", views.video_topics, name="video-topics"),
]
