"""Live API: live now and create (creators), detail (anyone; the key for the owner only)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from apps.live import selectors, services
from apps.live.serializers import LiveCreateSerializer, LiveStreamSerializer


class LiveCreateView(ListAPIView):
    """GET: the streams live now, newest first (paginated); POST: a new stream (creators)."""

    permission_classes = [IsAuthenticatedOrReadOnly]
    serializer_class = LiveStreamSerializer

    def get_throttles(self):
        if self.request.method == "POST":
            self.throttle_scope = "writes"
            return [ScopedRateThrottle()]
        return []

    def get_queryset(self):
        return selectors.live_list_now()

    def get_serializer_context(self) -> dict:
        # A list is public: no stream key in it, even for its owner.
        return {**super().get_serializer_context(), "with_key": False}

    @extend_schema(request=LiveCreateSerializer, responses={201: LiveStreamSerializer})
    def post(self, request):
        data = LiveCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # The service's Django errors become {"error": ...} in streamsite.api's handler.
        stream = services.live_create(owner=request.user, **data.validated_data)
        body = LiveStreamSerializer(stream, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)


class LiveDetailView(APIView):
    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(responses=LiveStreamSerializer)
    def get(self, request, stream_id: str):
        stream = selectors.live_get(stream_id=stream_id)
        return Response(LiveStreamSerializer(stream, context={"request": request}).data)
