"""Subscriptions and the feed over the API. Thin: services and selectors do the work."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from apps.subscriptions import selectors, services
from apps.subscriptions.models import NotifyLevel
from apps.users.models import User
from apps.videos.serializers import VideoSerializer


class SubscriptionIn(serializers.Serializer):
    notify = serializers.ChoiceField(choices=NotifyLevel.choices, required=False)


SubscriptionOut = inline_serializer(
    "SubscriptionState",
    {
        "subscribed": serializers.BooleanField(),
        "subscribers": serializers.IntegerField(),
        "notify": serializers.CharField(allow_null=True),
    },
)


def _body(state: services.SubscriptionState) -> dict:
    return {
        "subscribed": state.subscribed,
        "subscribers": state.subscribers,
        "notify": state.notify,
    }


class SubscriptionView(APIView):
    permission_classes = [IsAuthenticated]
    throttle_scope = "writes"

    def get_throttles(self):
        return [ScopedRateThrottle()] if self.request.method in ("PUT", "DELETE") else []

    @extend_schema(responses=SubscriptionOut)
    def get(self, request, username: str):
        channel = get_object_or_404(User, username=username, is_active=True)
        subscription = selectors.subscription_of(user=request.user, channel=channel)
        state = services.SubscriptionState(
            subscription is not None,
            selectors.subscriber_count(channel=channel),
            subscription.notify if subscription else None,
        )
        return Response(_body(state))

    @extend_schema(request=SubscriptionIn, responses=SubscriptionOut)
    def put(self, request, username: str):
        channel = get_object_or_404(User, username=username, is_active=True)
        data = SubscriptionIn(data=request.data or {})
        data.is_valid(raise_exception=True)
        state = services.subscription_set(
            user=request.user, channel=channel, notify=data.validated_data.get("notify")
        )
        return Response(_body(state))

    @extend_schema(responses=SubscriptionOut)
    def delete(self, request, username: str):
        channel = get_object_or_404(User, username=username)
        return Response(_body(services.subscription_delete(user=request.user, channel=channel)))


class FeedView(ListAPIView):
    """Ready public videos of the channels the caller follows, newest first."""

    serializer_class = VideoSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return selectors.feed_videos(user=self.request.user).prefetch_related("renditions")
