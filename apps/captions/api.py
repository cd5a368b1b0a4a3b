"""Captions over the API: thin, services do the work."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from apps.captions import selectors, services
from apps.captions.models import Caption
from apps.videos.delivery.links import media_url
from apps.videos.selectors import video_get_for_viewer


class CaptionOut(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Caption
        fields = ["id", "language", "label", "url", "automatic", "created_at"]

    def get_url(self, caption: Caption) -> str | None:
        return media_url(caption.vtt, caption.video.media_key)


CaptionIn = inline_serializer(
    "CaptionUpload",
    {
        "file": serializers.FileField(help_text="WebVTT or SRT, UTF-8."),
        "language": serializers.CharField(help_text="BCP 47, e.g. en or pt-BR."),
        "label": serializers.CharField(required=False, allow_blank=True),
    },
)


class WriteThrottled:
    def get_throttles(self):
        if self.request.method in ("POST", "PUT", "PATCH", "DELETE"):
            self.throttle_scope = "uploads"
            return [ScopedRateThrottle()]
        return []


class VideoCaptionsView(WriteThrottled, ListAPIView):
    """A video's captions, one per language; POST adds one or replaces that language's."""

    permission_classes = [IsAuthenticatedOrReadOnly]
    serializer_class = CaptionOut
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self):
        video = video_get_for_viewer(video_id=self.kwargs["video_id"], user=self.request.user)
        return selectors.captions_of(video=video).select_related("video")

    @extend_schema(request={"multipart/form-data": CaptionIn}, responses={201: CaptionOut})
    def post(self, request, video_id: str):
        video = video_get_for_viewer(video_id=video_id, user=request.user)
        caption = services.caption_upload(
            video=video,
            by=request.user,
            file=request.FILES.get("file"),
            language=request.data.get("language", ""),
            label=request.data.get("label", ""),
        )
        return Response(CaptionOut(caption).data, status=status.HTTP_201_CREATED)


class CaptionView(WriteThrottled, APIView):
    permission_classes = [IsAuthenticatedOrReadOnly]

    def _caption(self, request, video_id: str, caption_id: int) -> Caption:
        video = video_get_for_viewer(video_id=video_id, user=request.user)
        caption = selectors.captions_of(video=video).filter(pk=caption_id).first()
        if caption is None:
            raise Http404("No such caption.")
        return caption

    @extend_schema(responses=CaptionOut)
    def get(self, request, video_id: str, caption_id: int):
        return Response(CaptionOut(self._caption(request, video_id, caption_id)).data)

    @extend_schema(responses={204: None})
    def delete(self, request, video_id: str, caption_id: int):
        caption = self._caption(request, video_id, caption_id)
        services.caption_delete(caption=caption, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
