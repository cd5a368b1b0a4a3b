from django.urls import path

from apps.comments import api

urlpatterns = [
    path("videos/<str:video_id>/comments/", api.VideoCommentsView.as_view(), name="api-comments"),
    path("comments/<int:comment_id>/", api.CommentView.as_view(), name="api-comment"),
    path("comments/<int:comment_id>/hide/", api.CommentHideView.as_view(), name="api-comment-hide"),
    path("comments/<int:comment_id>/pin/", api.CommentPinView.as_view(), name="api-comment-pin"),
    path(
        "comments/<int:comment_id>/reports/",
        api.CommentReportView.as_view(),
        name="api-comment-report",
    ),
]
