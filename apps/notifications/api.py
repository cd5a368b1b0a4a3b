"""A user's own notifications over the API. Thin: services and selectors do the work."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from apps.notifications import selectors, services
from apps.notifications.models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    """`{id, kind, video, created_at, read}` (the contract), plus what a page needs to link it."""

    read = serializers.BooleanField(read_only=True)
    live_stream = serializers.CharField(source="live_stream_id", allow_null=True, read_only=True)
    comment = serializers.IntegerField(source="comment_id", allow_null=True, read_only=True)
    actor = serializers.CharField(source="actor.username", allow_null=True, read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "video", "created_at", "read", "live_stream", "comment", "actor"]
        read_only_fields = fields


class MarkReadIn(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        max_length=1000,
        help_text="Only these; without it, all.",
    )


class NotificationListView(ListAPIView):
    """The caller's notifications, newest first."""

    serializer_class = NotificationSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return selectors.notification_list(user=self.request.user)


class MarkReadView(APIView):
    permission_classes = [IsAuthenticated]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "writes"

    @extend_schema(
        request=MarkReadIn,
        responses=inline_serializer(
            "NotificationsRead",
            {"marked": serializers.IntegerField(), "unread": serializers.IntegerField()},
        ),
    )
    def post(self, request):
        data = MarkReadIn(data=request.data or {})
        data.is_valid(raise_exception=True)
        marked = services.notifications_mark_read(
            user=request.user, ids=data.validated_data.get("ids")
        )
        return Response({"marked": marked, "unread": selectors.unread_count(user=request.user)})
