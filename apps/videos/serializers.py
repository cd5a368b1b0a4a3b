from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from apps.videos import counts
from apps.videos.delivery import texttracks
from apps.videos.delivery.links import media_url
from apps.videos.models import Video, Visibility
from apps.videos.selectors import video_can_manage, video_chapters, video_renditions


class RenditionSerializer(serializers.Serializer):
    name = serializers.CharField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    bandwidth = serializers.IntegerField()


class VideoSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.username", read_only=True)
    renditions = serializers.SerializerMethodField()
    error = serializers.SerializerMethodField()
    hls_url = serializers.SerializerMethodField()
    dash_url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()
    watch_url = serializers.SerializerMethodField()
    captions = serializers.SerializerMethodField()
    likes = serializers.SerializerMethodField()
    dislikes = serializers.SerializerMethodField()
    comments = serializers.SerializerMethodField()
    chapters = serializers.SerializerMethodField()

    class Meta:
        model = Video
        fields = [
            "id",
            "title",
            "description",
            "tags",
            "owner",
            "visibility",
            "content_warning",
            "downloads_enabled",
            "status",
            "progress",
            "error",
            "duration",
            "width",
            "height",
            "renditions",
            "chapters",
            "hls_url",
            "dash_url",
            "thumbnail_url",
            "watch_url",
            "captions",
            "likes",
            "dislikes",
            "comments",
            "views",
            "created_at",
        ]
        read_only_fields = [
            f for f in fields if f not in {"title", "description", "tags", "downloads_enabled"}
        ]

    def get_renditions(self, video: Video) -> list[dict]:
        # As in the master playlist: a rung is always played with the audio track.
        audio_peak = (video.plan or {}).get("audio", {}).get("peak_bps", 0)
        rungs = RenditionSerializer(video_renditions(video=video), many=True).data
        return [{**r, "bandwidth": r["bandwidth"] + audio_peak} for r in rungs]

    def get_error(self, video: Video) -> str | None:
        # ffmpeg's last words name work paths: for the owner and staff only. Without a request
        # in the context nobody is known, so nobody sees it.
        request = self.context.get("request")
        user = getattr(request, "user", None)
        return video.error if video_can_manage(video=video, user=user) else None

    def get_chapters(self, video: Video) -> list[dict]:
        return video_chapters(video=video)

    def get_hls_url(self, video: Video) -> str | None:
        return media_url(video.master_playlist, video.media_key)

    def get_dash_url(self, video: Video) -> str | None:
        return media_url(video.dash_manifest, video.media_key)

    def get_thumbnail_url(self, video: Video) -> str | None:
        return video.thumbnail_url or None

    def get_watch_url(self, video: Video) -> str:
        return reverse("watch", kwargs={"video_id": video.id})

    def get_captions(self, video: Video) -> list[dict]:
        # Kept by apps.captions (delivery.texttracks); `automatic` marks speech recognition's.
        return [
            {
                "id": t.id,
                "language": t.language,
                "label": t.label,
                "url": media_url(t.vtt, video.media_key),
                "automatic": t.automatic,
            }
            for t in texttracks.text_tracks(video)
        ]

    # Counts kept by the social apps (apps.videos.counts): exact as soon as a write committed.
    def get_likes(self, video: Video) -> int:
        return counts.value(video, "likes_count")

    def get_dislikes(self, video: Video) -> int:
        return counts.value(video, "dislikes_count")

    def get_comments(self, video: Video) -> int:
        return counts.value(video, "comments_count")


class VideoUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, max_length=10_000)
    visibility = serializers.ChoiceField(choices=Visibility.choices, default=Visibility.PUBLIC)
    content_warning = serializers.CharField(required=False, allow_blank=True, max_length=200)
    tags = serializers.CharField(required=False, allow_blank=True, max_length=500)
    category = serializers.CharField(
        required=False, allow_blank=True, max_length=60, help_text="A category's slug."
    )


class VideoUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True, max_length=10_000)
    visibility = serializers.ChoiceField(choices=Visibility.choices, required=False)
    content_warning = serializers.CharField(required=False, allow_blank=True, max_length=200)
    tags = serializers.CharField(required=False, allow_blank=True, max_length=500)
    downloads_enabled = serializers.BooleanField(required=False)
