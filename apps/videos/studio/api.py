"""`PUT`/`DELETE /api/v1/videos/{id}/thumbnail/`: the owner's own thumbnail, or back to the
automatic poster. Thin: apps.videos.studio.services decides."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from apps.videos import selectors
from apps.videos.serializers import VideoSerializer
from apps.videos.studio import services
from apps.videos.studio.forms import FORM_OVERHEAD
from media_pipeline.images import MAX_BYTES


class VideoThumbnailView(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "writes"

    @extend_schema(
        request=inline_serializer("ThumbnailUpload", {"file": serializers.FileField()}),
        responses=VideoSerializer,
    )
    def put(self, request, video_id: str):
        video = selectors.video_get_for_viewer(video_id=video_id, user=request.user)
        if not selectors.video_can_manage(video=video, user=request.user):
            # Refused before the body is parsed: nobody else's picture is spooled to disk.
            raise exceptions.PermissionDenied("Only the video's owner or staff may do this.")
        # Judged on the declared length before the body is read (and spooled to disk).
        if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BYTES + FORM_OVERHEAD:
            raise exceptions.ValidationError(
                {"file": f"The image is larger than {MAX_BYTES // 2**20} MB."}
            )
        upload = request.FILES.get("file")
        if upload is None:
            raise exceptions.ValidationError({"file": "Send the picture as multipart `file`."})
        if upload.size > MAX_BYTES:
            raise exceptions.ValidationError(
                {"file": f"The image is larger than {MAX_BYTES // 2**20} MB."}
            )
        video = services.video_thumbnail_set(
            video=video, by=request.user, data=upload.read(MAX_BYTES + 1)
        )
        return Response(VideoSerializer(video, context={"request": request}).data)

    @extend_schema(request=None, responses=VideoSerializer)
    def delete(self, request, video_id: str):
        video = selectors.video_get_for_viewer(video_id=video_id, user=request.user)
        video = services.video_thumbnail_clear(video=video, by=request.user)
        return Response(VideoSerializer(video, context={"request": request}).data)
