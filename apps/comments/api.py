"""Comments over the API. Thin: services do the work."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.dateparse import parse_datetime
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status
from rest_framework.generics import ListAPIView
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from apps.comments import selectors, services
from apps.comments.models import Comment
from apps.comments.serializers import CommentEdit, CommentIn, CommentOut, ReportIn
from apps.videos.selectors import video_can_watch, video_get_for_viewer, video_get_watchable


def _api_error(exc: Exception) -> exceptions.APIException:
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(str(exc) or "Not allowed.")
    if isinstance(exc, Comment.DoesNotExist):
        return exceptions.NotFound("No such comment.")
    return exceptions.ValidationError({"error": exc.messages[0]})


SERVICE_ERRORS = (DjangoPermissionDenied, DjangoValidationError, Comment.DoesNotExist)


class PerEndpointThrottle(ScopedRateThrottle):
    """The "comments" rate per user and endpoint: posting does not use up editing's allowance."""

    def get_cache_key(self, request, view):
        key = super().get_cache_key(request, view)
        return f"{key}:{type(view).__name__}:{request.method}" if key else None


class Throttled:
    def get_throttles(self):
        if self.request.method in ("POST", "PUT", "PATCH", "DELETE"):
            self.throttle_scope = "comments"
            return [PerEndpointThrottle()]
        return []


class VideoCommentsView(Throttled, ListAPIView):
    """Visible top-level comments (`?parent=` for a thread's replies), pinned first;
    `?changed_since=` lists every change after that instant instead, removals included."""

    permission_classes = [IsAuthenticatedOrReadOnly]
    serializer_class = CommentOut

    def get_queryset(self):
        video = video_get_for_viewer(video_id=self.kwargs["video_id"], user=self.request.user)
        params = self.request.query_params
        if params.get("changed_since"):
            since = parse_datetime(params["changed_since"])
            if since is None:
                raise exceptions.ValidationError({"error": "changed_since: not an ISO date."})
            return selectors.comment_changes(video=video, since=since)
        parent = params.get("parent")
        if parent is not None and not parent.isdigit():
            raise exceptions.ValidationError({"error": "parent: not a comment id."})
        return selectors.comment_list(
            video=video,
            sort=params.get("sort", "newest"),
            parent_id=int(parent) if parent else None,
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("sort", str, enum=["newest", "top"]),
            OpenApiParameter("parent", int),
            OpenApiParameter("changed_since", str),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=CommentIn, responses={201: CommentOut})
    def post(self, request, video_id: str):
        video = video_get_watchable(video_id=video_id, user=request.user)
        data = CommentIn(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            comment = services.comment_post(
                video=video,
                by=request.user,
                body=data.validated_data["body"],
                parent_id=data.validated_data.get("parent"),
            )
        except SERVICE_ERRORS as exc:
            raise _api_error(exc) from exc
        return Response(CommentOut(comment).data, status=status.HTTP_201_CREATED)


def _comment_for(request, comment_id: int) -> Comment:
    comment = selectors.comment_get(comment_id=comment_id)
    if comment is None or not video_can_watch(video=comment.video, user=request.user):
        raise Http404("No such comment.")
    return comment


class CommentView(Throttled, APIView):
    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(responses=CommentOut)
    def get(self, request, comment_id: int):
        return Response(CommentOut(_comment_for(request, comment_id)).data)

    @extend_schema(request=CommentEdit, responses=CommentOut)
    def patch(self, request, comment_id: int):
        _comment_for(request, comment_id)
        data = CommentEdit(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            comment = services.comment_edit(
                comment_id=comment_id, by=request.user, body=data.validated_data["body"]
            )
        except SERVICE_ERRORS as exc:
            raise _api_error(exc) from exc
        return Response(CommentOut(comment).data)

    @extend_schema(responses={204: None})
    def delete(self, request, comment_id: int):
        _comment_for(request, comment_id)
        try:
            services.comment_delete(comment_id=comment_id, by=request.user)
        except SERVICE_ERRORS as exc:
            raise _api_error(exc) from exc
        return Response(status=status.HTTP_204_NO_CONTENT)


class CommentHideView(Throttled, APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=CommentOut)
    def post(self, request, comment_id: int):
        _comment_for(request, comment_id)
        try:
            comment = services.comment_hide(comment_id=comment_id, by=request.user)
        except SERVICE_ERRORS as exc:
            raise _api_error(exc) from exc
        return Response(CommentOut(comment).data)


class CommentPinView(Throttled, APIView):
    permission_classes = [IsAuthenticated]

    def _pin(self, request, comment_id: int, pinned: bool) -> Response:
        _comment_for(request, comment_id)
        try:
            comment = services.comment_pin(comment_id=comment_id, by=request.user, pinned=pinned)
        except SERVICE_ERRORS as exc:
            raise _api_error(exc) from exc
        return Response(CommentOut(comment).data)

    @extend_schema(request=None, responses=CommentOut)
    def put(self, request, comment_id: int):
        return self._pin(request, comment_id, True)

    @extend_schema(request=None, responses=CommentOut)
    def delete(self, request, comment_id: int):
        return self._pin(request, comment_id, False)


class CommentReportView(Throttled, APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=ReportIn, responses={201: None})
    def post(self, request, comment_id: int):
        _comment_for(request, comment_id)
        data = ReportIn(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.comment_report(comment_id=comment_id, by=request.user, **data.validated_data)
        except SERVICE_ERRORS as exc:
            raise _api_error(exc) from exc
        return Response({"reported": True}, status=status.HTTP_201_CREATED)
