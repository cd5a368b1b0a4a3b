"""CMS API: categories, a video's category (owner), reporting a video (signed in)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from apps.cms import moderation, services
from apps.cms.models import Category, ReportReason
from apps.videos.selectors import video_get_for_viewer


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["name", "slug", "icon", "colour", "order"]


class CategoryListView(ListAPIView):
    serializer_class = CategorySerializer
    pagination_class = None
    queryset = Category.objects.all()


class VideoCategoryIn(serializers.Serializer):
    category = serializers.CharField(allow_blank=True, max_length=100)


class VideoCategoryView(APIView):
    permission_classes = [IsAuthenticated]
    throttle_scope = "writes"
    throttle_classes = [ScopedRateThrottle]

    @extend_schema(
        request=VideoCategoryIn,
        responses=inline_serializer(
            "VideoCategoryOut", {"category": serializers.CharField(allow_null=True)}
        ),
    )
    def put(self, request, video_id: str):
        video = video_get_for_viewer(video_id=video_id, user=request.user)
        data = VideoCategoryIn(data=request.data)
        data.is_valid(raise_exception=True)
        slug = data.validated_data["category"]
        category = services.video_set_category(video=video, slug=slug, by=request.user)
        return Response({"category": category.slug if category else None})


class ReportSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=ReportReason.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)


class VideoReportView(APIView):
    permission_classes = [IsAuthenticated]
    throttle_scope = "writes"
    throttle_classes = [ScopedRateThrottle]

    @extend_schema(request=ReportSerializer, responses={201: None})
    def post(self, request, video_id: str):
        video = video_get_for_viewer(video_id=video_id, user=request.user)
        data = ReportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        moderation.report_video(video=video, by=request.user, **data.validated_data)
        return Response(status=status.HTTP_201_CREATED)
