from __future__ import annotations

from rest_framework import serializers

from apps.live import selectors
from apps.live.models import LiveStream


class LiveCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, max_length=10_000)
    scheduled_for = serializers.DateTimeField(required=False, allow_null=True)


class LiveStreamSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.username", read_only=True)
    ingest_url = serializers.SerializerMethodField()
    hls_url = serializers.SerializerMethodField()
    watch_url = serializers.SerializerMethodField()
    recording = serializers.SerializerMethodField()

    class Meta:
        model = LiveStream
        fields = [
            "id", "title", "description", "owner", "status", "scheduled_for", "ingest_url",
            "hls_url", "watch_url", "started_at", "ended_at", "end_reason", "recording",
            "publisher_connected", "created_at", "video",
        ]  # fmt: skip

    def get_ingest_url(self, obj: LiveStream) -> str:
        return selectors.live_ingest_url(self.context.get("request"))

    def get_hls_url(self, obj: LiveStream) -> str:
        return selectors.live_hls_url(obj)

    def get_watch_url(self, obj: LiveStream) -> str:
        return obj.get_absolute_url()

    def get_recording(self, obj: LiveStream) -> str | None:
        return obj.recording_video_id

    def to_representation(self, obj: LiveStream) -> dict:
        data = super().to_representation(obj)
        user = getattr(self.context.get("request"), "user", None)
        owner = user is not None and user.is_authenticated and user.pk == obj.owner_id
        if owner and self.context.get("with_key", True):
            data["stream_key"] = obj.stream_key
            data["health"] = obj.health
            data["source"] = {"width": obj.width, "height": obj.height, "rungs": obj.rungs}
        return data
