"""Playlists over the API. Thin: services write, selectors decide what a reader sees."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from apps.playlists import selectors, services
from apps.playlists.models import Playlist, PlaylistItem
from apps.videos.models import Visibility
from apps.videos.selectors import video_get_for_viewer


class PerEndpointThrottle(ScopedRateThrottle):
    """The "writes" rate per user and endpoint: reordering does not use up adding's allowance."""

    def get_cache_key(self, request, view):
        key = super().get_cache_key(request, view)
        return f"{key}:{type(view).__name__}:{request.method}" if key else None


class WriteThrottled:
    def get_throttles(self):
        if self.request.method in ("POST", "PUT", "PATCH", "DELETE"):
            self.throttle_scope = "writes"
            return [PerEndpointThrottle()]
        return []


class VideoSummary(serializers.Serializer):
    id = serializers.CharField()
    title = serializers.CharField()
    owner = serializers.CharField(source="owner.username")
    duration = serializers.FloatField(allow_null=True)
    thumbnail_url = serializers.CharField()
    watch_url = serializers.CharField(source="get_absolute_url")


class ItemOut(serializers.ModelSerializer):
    video = serializers.CharField(source="video_id", read_only=True)
    playlist = serializers.CharField(source="playlist_id", read_only=True)
    video_detail = VideoSummary(source="video", read_only=True)

    class Meta:
        model = PlaylistItem
        fields = ["id", "position", "video", "playlist", "video_detail"]


class PlaylistOut(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.username", read_only=True)
    items = serializers.SerializerMethodField()
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Playlist
        fields = ["id", "title", "description", "owner", "visibility", "kind", "url", "items"]

    @extend_schema(responses=ItemOut(many=True))
    def get_items(self, playlist: Playlist) -> list[dict]:
        user = self.context["request"].user
        items = selectors.playlist_items_for_viewer(playlist=playlist, user=user)
        return ItemOut(items, many=True).data


class PlaylistIn(serializers.Serializer):
    title = serializers.CharField(max_length=150)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    visibility = serializers.ChoiceField(choices=Visibility.choices, default=Visibility.PUBLIC)


class PlaylistPatch(PlaylistIn):
    title = serializers.CharField(max_length=150, required=False)
    visibility = serializers.ChoiceField(choices=Visibility.choices, required=False)


class ItemIn(serializers.Serializer):
    video = serializers.CharField(max_length=16)


class ItemMove(serializers.Serializer):
    position = serializers.IntegerField(
        min_value=0, help_text="From 0; past the end means the last place."
    )


def _valid(serializer_class, request, **kwargs) -> dict:
    data = serializer_class(data=request.data, **kwargs)
    data.is_valid(raise_exception=True)
    return data.validated_data


def _out(request, playlist: Playlist) -> dict:
    return PlaylistOut(playlist, context={"request": request}).data


class PlaylistsView(WriteThrottled, ListAPIView):
    """GET: the signed-in user's own playlists; POST: a new one."""

    permission_classes = [IsAuthenticated]
    serializer_class = PlaylistOut

    def get_queryset(self):
        return selectors.playlists_of_user(user=self.request.user).select_related("owner")

    @extend_schema(request=PlaylistIn, responses={201: PlaylistOut})
    def post(self, request):
        playlist = services.playlist_create(owner=request.user, **_valid(PlaylistIn, request))
        return Response(_out(request, playlist), status=status.HTTP_201_CREATED)


def _readable(request, playlist_id: str) -> Playlist:
    return selectors.playlist_get_for_viewer(playlist_id=playlist_id, user=request.user)


class PlaylistView(WriteThrottled, APIView):
    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(responses=PlaylistOut)
    def get(self, request, playlist_id: str):
        return Response(_out(request, _readable(request, playlist_id)))

    @extend_schema(request=PlaylistPatch, responses=PlaylistOut)
    def patch(self, request, playlist_id: str):
        playlist = _readable(request, playlist_id)
        fields = _valid(PlaylistPatch, request, partial=True)
        playlist = services.playlist_update(playlist=playlist, by=request.user, **fields)
        return Response(_out(request, playlist))

    @extend_schema(responses={204: None})
    def delete(self, request, playlist_id: str):
        services.playlist_delete(playlist=_readable(request, playlist_id), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _added(request, playlist: Playlist) -> Response:
    video = video_get_for_viewer(video_id=_valid(ItemIn, request)["video"], user=request.user)
    item, created = services.playlist_add(playlist=playlist, video=video, by=request.user)
    code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    return Response(ItemOut(item).data, status=code)


class PlaylistItemsView(WriteThrottled, APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=ItemIn,
        responses={201: ItemOut, 200: ItemOut},
        description="Appends the video; one already in the list answers 200 with its item.",
    )
    def post(self, request, playlist_id: str):
        return _added(request, _readable(request, playlist_id))


class PlaylistItemView(WriteThrottled, APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=ItemMove, responses=ItemOut)
    def patch(self, request, playlist_id: str, item_id: int):
        playlist = _readable(request, playlist_id)
        position = _valid(ItemMove, request)["position"]
        try:
            item = services.playlist_item_move(
                playlist=playlist, item_id=item_id, position=position, by=request.user
            )
        except PlaylistItem.DoesNotExist as exc:
            raise exceptions.NotFound(str(exc)) from exc
        return Response(ItemOut(item).data)

    @extend_schema(responses={204: None})
    def delete(self, request, playlist_id: str, item_id: int):
        playlist = _readable(request, playlist_id)
        try:
            services.playlist_item_remove(playlist=playlist, item_id=item_id, by=request.user)
        except PlaylistItem.DoesNotExist as exc:
            raise exceptions.NotFound(str(exc)) from exc
        return Response(status=status.HTTP_204_NO_CONTENT)


class WatchLaterItemsView(WriteThrottled, APIView):
    """Add to "Watch later", making the list on first use."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=ItemIn, responses={201: ItemOut, 200: ItemOut})
    def post(self, request):
        return _added(request, services.playlist_watch_later(user=request.user))
