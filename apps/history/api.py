"""Watch history over the API: the signed-in user's own, never anyone else's."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import UserRateThrottle
from rest_framework.views import APIView

from apps.history import selectors, services
from apps.history.models import WatchEntry
from apps.videos.selectors import video_get_watchable


class HistoryWriteThrottle(UserRateThrottle):
    """Positions arrive every ~10 s per playing tab; the rate is per user (HISTORY_WRITE_RATE)."""

    scope = "history"


class EntryOut(serializers.ModelSerializer):
    video = serializers.CharField(source="video_id")
    title = serializers.CharField(source="video.title")
    duration = serializers.FloatField(source="video.duration", allow_null=True)
    watch_url = serializers.CharField(source="video.get_absolute_url")

    class Meta:
        model = WatchEntry
        fields = ["video", "position_s", "updated_at", "done", "title", "duration", "watch_url"]


class PositionIn(serializers.Serializer):
    position_s = serializers.FloatField(min_value=0)


class HistoryView(ListAPIView):
    """GET: the user's history, most recent first (`?search=` matches titles); DELETE: clear."""

    permission_classes = [IsAuthenticated]
    serializer_class = EntryOut

    def get_throttles(self):
        return [HistoryWriteThrottle()] if self.request.method == "DELETE" else []

    def get_queryset(self):
        return selectors.history_list(
            user=self.request.user, query=self.request.query_params.get("search", "")
        )

    @extend_schema(operation_id="me_history_clear", responses={204: None})
    def delete(self, request):
        services.history_clear(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


PositionOut = inline_serializer(
    "HistoryPosition",
    {
        "video": serializers.CharField(),
        "position_s": serializers.FloatField(),
        "done": serializers.BooleanField(),
        "recorded": serializers.BooleanField(help_text="False while history is paused."),
    },
)


class HistoryEntryView(APIView):
    permission_classes = [IsAuthenticated]
    throttle_classes = [HistoryWriteThrottle]

    @extend_schema(request=PositionIn, responses=PositionOut)
    def put(self, request, video_id: str):
        video = video_get_watchable(video_id=video_id, user=request.user)
        data = PositionIn(data=request.data)
        data.is_valid(raise_exception=True)
        position = data.validated_data["position_s"]
        entry = services.history_record(user=request.user, video=video, position_s=position)
        return Response(
            {
                "video": video.id,
                "position_s": entry.position_s if entry else position,
                "done": entry.done if entry else False,
                "recorded": entry is not None,
            }
        )

    @extend_schema(operation_id="me_history_entry_delete", responses={204: None})
    def delete(self, request, video_id: str):
        services.history_remove(user=request.user, video_id=video_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PausedIn(serializers.Serializer):
    paused = serializers.BooleanField()


class HistorySettingsView(APIView):
    permission_classes = [IsAuthenticated]
    throttle_classes = [HistoryWriteThrottle]

    @extend_schema(responses=PausedIn)
    def get(self, request):
        return Response({"paused": services.history_is_paused(user=request.user)})

    @extend_schema(request=PausedIn, responses=PausedIn)
    def put(self, request):
        data = PausedIn(data=request.data)
        data.is_valid(raise_exception=True)
        saved = services.history_set_paused(user=request.user, paused=data.validated_data["paused"])
        return Response({"paused": saved.paused})
