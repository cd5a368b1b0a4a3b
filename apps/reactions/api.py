"""Votes and reactions over the API. Thin: services do the work."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from apps.reactions import selectors, services
from apps.videos.selectors import video_get_watchable


def _api_error(exc: Exception) -> exceptions.APIException:
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(str(exc) or "Not allowed.")
    return exceptions.ValidationError({"error": exc.messages[0]})


class WriteThrottled(APIView):
    permission_classes = [IsAuthenticatedOrReadOnly]
    write_scope = "writes"

    def get_throttles(self):
        if self.request.method in ("POST", "PUT", "PATCH", "DELETE"):
            self.throttle_scope = self.write_scope
            return [ScopedRateThrottle()]
        return []


class VoteIn(serializers.Serializer):
    liked = serializers.BooleanField()


VoteOut = inline_serializer(
    "VoteState",
    {
        "likes": serializers.IntegerField(),
        "dislikes": serializers.IntegerField(),
        "liked": serializers.BooleanField(allow_null=True),
    },
)


def _vote_body(state: services.VoteState) -> dict:
    return {"likes": state.likes, "dislikes": state.dislikes, "liked": state.liked}


class VoteView(WriteThrottled):
    write_scope = "likes"

    @extend_schema(responses=VoteOut)
    def get(self, request, video_id: str):
        video = video_get_watchable(video_id=video_id, user=request.user)
        likes, dislikes = selectors.vote_counts(video_id=video.id)
        liked = selectors.vote_of(video_id=video.id, user=request.user)
        return Response({"likes": likes, "dislikes": dislikes, "liked": liked})

    @extend_schema(request=VoteIn, responses=VoteOut)
    def put(self, request, video_id: str):
        video = video_get_watchable(video_id=video_id, user=request.user)
        data = VoteIn(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            state = services.vote_set(
                video=video, by=request.user, liked=data.validated_data["liked"]
            )
        except DjangoPermissionDenied as exc:
            raise _api_error(exc) from exc
        return Response(_vote_body(state))

    @extend_schema(responses=VoteOut)
    def delete(self, request, video_id: str):
        video = video_get_watchable(video_id=video_id, user=request.user)
        try:
            state = services.vote_clear(video=video, by=request.user)
        except DjangoPermissionDenied as exc:
            raise _api_error(exc) from exc
        return Response(_vote_body(state))


class ReactionIn(serializers.Serializer):
    emoji = serializers.CharField(max_length=16)
    t = serializers.FloatField(required=False, default=0, help_text="Video time, seconds.")


class ReactionsView(WriteThrottled):
    write_scope = "reactions"

    @extend_schema(
        responses=inline_serializer(
            "ReactionSummary",
            {
                "counts": serializers.DictField(child=serializers.IntegerField()),
                "heat": serializers.DictField(),
            },
        )
    )
    def get(self, request, video_id: str):
        video = video_get_watchable(video_id=video_id, user=request.user)
        return Response(
            {
                "counts": selectors.reaction_counts(video_id=video.id),
                "heat": selectors.reaction_heat(video=video),
            }
        )

    @extend_schema(
        request=ReactionIn,
        responses=inline_serializer(
            "ReactionCounts", {"counts": serializers.DictField(child=serializers.IntegerField())}
        ),
    )
    def post(self, request, video_id: str):
        video = video_get_watchable(video_id=video_id, user=request.user)
        data = ReactionIn(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            counts = services.reaction_add(
                video=video,
                by=request.user,
                emoji=data.validated_data["emoji"],
                video_time=data.validated_data["t"],
            )
        except (DjangoPermissionDenied, DjangoValidationError) as exc:
            raise _api_error(exc) from exc
        return Response({"counts": counts})
