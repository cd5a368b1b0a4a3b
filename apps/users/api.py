from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from apps.users import services
from apps.users.lockout import lockout_response
from apps.users.selectors import user_is_creator, user_is_moderator


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False)


class TokenView(APIView):
    """Exchange a username and password for an API token (`Authorization: Token KEY`)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: inline_serializer("TokenResponse", {"token": serializers.CharField()})},
    )
    def post(self, request):
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # The plain HttpRequest carries the client address axes keys lockouts on.
        user = authenticate(request._request, **data.validated_data)
        if getattr(request._request, "axes_locked_out", False):
            return lockout_response(request._request)
        if user is None or not user.is_active:
            return Response(
                {"error": "Unable to sign in with that username and password."},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response({"token": services.token_get_or_create(user=user)})


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    display_name = serializers.CharField()
    is_creator = serializers.BooleanField()
    is_moderator = serializers.BooleanField()
    is_staff = serializers.BooleanField()
    ad_free = serializers.BooleanField()


class MeView(APIView):
    """The signed-in account and its roles."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        user = request.user
        return Response(
            MeSerializer(
                {
                    "id": user.id,
                    "username": user.username,
                    "display_name": user.channel_name,
                    "is_creator": user_is_creator(user),
                    "is_moderator": user_is_moderator(user),
                    "is_staff": user.is_staff,
                    "ad_free": user.ad_free,
                }
            ).data
        )
