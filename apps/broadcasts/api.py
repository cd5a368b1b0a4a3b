"""Broadcast API: the active list (anyone), issue/edit/end (moderators and staff), dismiss."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from apps.broadcasts import selectors, services
from apps.broadcasts.models import Broadcast
from apps.broadcasts.push.events import to_message
from apps.broadcasts.serializers import (
    ActiveBroadcastsSerializer,
    BroadcastCreateSerializer,
    BroadcastSerializer,
    BroadcastUpdateSerializer,
)
from apps.videos.models import Video


class CanIssue(BasePermission):
    message = "Only moderators and staff may issue broadcasts."

    def has_permission(self, request, view) -> bool:
        return selectors.broadcast_can_issue(request.user)


class ActiveBroadcastsView(APIView):
    """Broadcasts in force now for a page: site-wide, plus `video`'s or `live`'s. Leaves out
    the ones this viewer dismissed. `now` is the server's clock, for expiry timers."""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[
            OpenApiParameter("video", str, description="The page's video id."),
            OpenApiParameter("live", str, description="The page's live stream id."),
        ],
        responses=ActiveBroadcastsSerializer,
    )
    def get(self, request):
        video_id = selectors.broadcast_video_scope(
            video_id=request.query_params.get("video"), user=request.user
        )
        items = selectors.broadcast_for_page(
            user=request.user,
            session=request.session,
            video_id=video_id,
            live_stream_id=request.query_params.get("live") or None,
        )
        results = [{k: v for k, v in to_message(b).items() if k != "type"} for b in items]
        return Response(
            {
                "count": len(results),
                "next": None,
                "previous": None,
                "results": results,
                "now": timezone.now().isoformat(),
            }
        )


def _out(broadcast: Broadcast) -> dict:
    data = {k: v for k, v in to_message(broadcast).items() if k != "type"}
    data["ended_at"] = broadcast.ended_at.isoformat() if broadcast.ended_at else None
    data["active"] = broadcast.is_active()
    return data


class BroadcastListCreateView(ListAPIView):
    """Recent broadcasts (issuers), and issuing one."""

    permission_classes = [IsAuthenticated, CanIssue]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "writes"
    serializer_class = BroadcastSerializer

    def get_throttles(self):
        return super().get_throttles() if self.request.method == "POST" else []

    def get_queryset(self):
        return Broadcast.objects.all()

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response([_out(b) for b in page])

    @extend_schema(request=BroadcastCreateSerializer, responses={201: BroadcastSerializer})
    def post(self, request):
        data = BroadcastCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        video, video_id = None, fields.pop("video")
        if video_id:
            video = Video.objects.filter(pk=video_id).first()
            if video is None:
                raise exceptions.ValidationError({"video": "No such video."})
        # Django's PermissionDenied and ValidationError become 403/400 in streamsite.api.
        broadcast = services.broadcast_issue(
            by=request.user, video=video, live_stream_id=fields.pop("live_stream"), **fields
        )
        return Response(_out(broadcast), status=status.HTTP_201_CREATED)


class BroadcastDetailView(APIView):
    permission_classes = [IsAuthenticated, CanIssue]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "writes"

    def _get(self, broadcast_id: int) -> Broadcast:
        broadcast = Broadcast.objects.filter(pk=broadcast_id).first()
        if broadcast is None:
            raise exceptions.NotFound("No such broadcast.")
        return broadcast

    @extend_schema(responses=BroadcastSerializer)
    def get(self, request, broadcast_id: int):
        return Response(_out(self._get(broadcast_id)))

    @extend_schema(request=BroadcastUpdateSerializer, responses=BroadcastSerializer)
    def patch(self, request, broadcast_id: int):
        self._get(broadcast_id)
        data = BroadcastUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        broadcast = services.broadcast_edit(
            broadcast_id=broadcast_id, by=request.user, **data.validated_data
        )
        return Response(_out(broadcast))

    @extend_schema(responses={204: None})
    def delete(self, request, broadcast_id: int):
        self._get(broadcast_id)
        services.broadcast_end(broadcast_id=broadcast_id, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class DismissView(APIView):
    """Hide an info or warning broadcast for this account (or, signed out, this session)."""

    permission_classes = [AllowAny]

    @extend_schema(request=None, responses={204: None})
    def post(self, request, broadcast_id: int):
        try:
            services.broadcast_dismiss(
                broadcast_id=broadcast_id, user=request.user, session=request.session
            )
        except Broadcast.DoesNotExist as exc:
            raise exceptions.NotFound("No such broadcast.") from exc
        return Response(status=status.HTTP_204_NO_CONTENT)
