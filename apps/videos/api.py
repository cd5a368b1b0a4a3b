"""Video API: list/search, upload (multipart), detail, edit, delete. Thin: services do the work;
their Django exceptions become API errors in streamsite.api.exception_handler."""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from apps.users.selectors import user_is_creator
from apps.videos import selectors, services
from apps.videos.delivery import texttracks
from apps.videos.serializers import VideoSerializer, VideoUpdateSerializer, VideoUploadSerializer
from streamsite.client_address import client_address


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The upload is too large."


class VideoListCreateView(ListAPIView):
    serializer_class = VideoSerializer
    permission_classes = [IsAuthenticatedOrReadOnly]
    parser_classes = [MultiPartParser, FormParser]

    def get_throttles(self):
        if self.request.method == "POST":
            self.throttle_scope = "uploads"
            return [ScopedRateThrottle()]
        return []

    def get_queryset(self):
        params = self.request.query_params
        videos = selectors.video_search(
            query=params.get("search", ""),
            category=params.get("category", ""),
            tag=params.get("tag", ""),
        )
        return texttracks.prefetch(videos.prefetch_related("renditions"))

    @extend_schema(
        parameters=[
            OpenApiParameter("search", str, description="Full-text search."),
            OpenApiParameter("category", str, description="A category's slug."),
            OpenApiParameter("tag", str, description="One tag."),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=VideoUploadSerializer, responses={201: VideoSerializer})
    def post(self, request):
        limit = settings.MAX_UPLOAD_MB * 1024 * 1024
        # Judge the declared size before the body is read: a 50 GB upload is refused at once.
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
        if declared > limit + 64 * 1024:
            raise PayloadTooLarge(
                f"The upload is {declared / 2**20:.0f} MB; "
                f"the limit is {settings.MAX_UPLOAD_MB} MB."
            )
        if not user_is_creator(request.user):
            # Refused before the body is parsed: a viewer's upload never reaches the disk.
            raise exceptions.PermissionDenied("Only creators may upload. Start a channel first.")
        # Per-account limits (413/429), judged before the body is read.
        services.upload_check(owner=request.user, size=declared)
        data = VideoUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data.pop("file")
        category = data.validated_data.pop("category", "")
        if upload.size > limit:
            raise PayloadTooLarge(f"The file is larger than {settings.MAX_UPLOAD_MB} MB.")
        video = services.video_create(
            owner=request.user,
            upload=upload,
            filename=upload.name,
            extra={"category": category},
            **data.validated_data,
        )
        return Response(
            VideoSerializer(video, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class VideoDetailView(APIView):
    permission_classes = [IsAuthenticatedOrReadOnly]

    def get_throttles(self):
        if self.request.method in ("PATCH", "DELETE"):
            self.throttle_scope = "writes"
            return [ScopedRateThrottle()]
        return []

    @extend_schema(responses=VideoSerializer)
    def get(self, request, video_id: str):
        video = selectors.video_get_for_viewer(video_id=video_id, user=request.user)
        return Response(VideoSerializer(video, context={"request": request}).data)

    @extend_schema(request=VideoUpdateSerializer, responses=VideoSerializer)
    def patch(self, request, video_id: str):
        video = selectors.video_get_for_viewer(video_id=video_id, user=request.user)
        data = VideoUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        video = services.video_update(video=video, by=request.user, **data.validated_data)
        return Response(VideoSerializer(video, context={"request": request}).data)

    @extend_schema(responses={204: None})
    def delete(self, request, video_id: str):
        video = selectors.video_get_for_viewer(video_id=video_id, user=request.user)
        services.video_delete(video=video, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class VideoViewBeaconView(APIView):
    """The player's beacon when playback starts: counts one view per viewer and video within
    VIEW_WINDOW_S (the account, or the client address when signed out)."""

    permission_classes: list = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "views"

    @extend_schema(
        request=None,
        responses={200: inline_serializer("ViewCounted", {"counted": serializers.BooleanField()})},
    )
    def post(self, request, video_id: str):
        video = selectors.video_get_watchable(video_id=video_id, user=request.user)
        user = request.user
        viewer = f"user:{user.pk}" if user.is_authenticated else f"addr:{client_address(request)}"
        counted = services.video_count_view(video=video, viewer=viewer)
        return Response({"counted": counted})
