"""Ads over HTTP: the decision (JSON and VAST 4), beacons, the click redirect and banner
images. Thin: the services decide and count."""

from __future__ import annotations

import math
import re
import secrets

from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_safe
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from apps.ads import services
from apps.ads.models import CreativeKind, EventKind
from apps.ads.services import Decision, GoneCreative
from apps.ads.tokens import BadToken, read_token
from apps.videos.selectors import video_get_watchable
from streamsite.public_images import serve_public_image

VIEWER_COOKIE = "ads_viewer"
VIEWER_SALT = "apps.ads.viewer"
VIEWER_MAX_AGE = 365 * 24 * 3600


class DecisionThrottle(SimpleRateThrottle):
    """API_AD_DECISION_RATE per account, or per client address when signed out, over the JSON
    and the VAST decision together (each may reserve an impression: a write)."""

    scope = "ad_decisions"

    def get_cache_key(self, request, view) -> str:
        user = request.user
        ident = f"u{user.pk}" if user.is_authenticated else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class BadRequest(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _viewer_key(request: HttpRequest) -> tuple[str, str | None]:
    """Who the frequency cap counts: the account, or a signed cookie for anonymous viewers
    (a new one is returned to be set)."""
    if request.user.is_authenticated:
        return f"u{request.user.pk}", None
    value = request.get_signed_cookie(VIEWER_COOKIE, default=None, salt=VIEWER_SALT)
    if value:
        return f"a{value}", None
    fresh = secrets.token_hex(12)
    return f"a{fresh}", fresh


def _decide(request: HttpRequest) -> tuple[Decision | None, str | None]:
    video_id = request.GET.get("video", "").strip()
    if not video_id:
        raise BadRequest("video", "The video parameter is required.")
    kind = request.GET.get("kind") or None
    if kind is not None and kind not in CreativeKind.values:
        raise BadRequest("kind", f"kind must be one of: {', '.join(CreativeKind.values)}.")
    video = video_get_watchable(video_id=video_id, user=request.user)  # 404 if not watchable
    viewer, fresh = _viewer_key(request)
    return services.ad_decide(video=video, user=request.user, viewer=viewer, kind=kind), fresh


def _urls(request: HttpRequest, decision: Decision) -> dict[str, str]:
    def absolute(name: str) -> str:
        return request.build_absolute_uri(f"{reverse(name)}?t={decision.token}")

    return {
        "media": request.build_absolute_uri(decision.creative.media),
        "impression": absolute("ads-impression"),
        "complete": absolute("ads-complete"),
        "click": absolute("ads-click"),
    }


def _remember_viewer(request: HttpRequest, response: HttpResponse, fresh: str | None) -> None:
    if fresh:
        response.set_signed_cookie(
            VIEWER_COOKIE, fresh, salt=VIEWER_SALT, max_age=VIEWER_MAX_AGE, httponly=True,
            samesite="Lax", secure=request.is_secure(),
        )  # fmt: skip


class DecisionSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="This ad view's id (beacons count once per view).")
    kind = serializers.ChoiceField(choices=CreativeKind.choices)
    media_url = serializers.URLField(help_text="HLS master playlist (preroll) or image.")
    click_url = serializers.URLField(help_text="Records the click, then redirects.")
    impression_url = serializers.URLField()
    complete_url = serializers.URLField(help_text="Completion beacon (pre-rolls).")
    skip_after_s = serializers.IntegerField()
    duration = serializers.FloatField(allow_null=True)
    advertiser = serializers.CharField()


class DecisionView(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [DecisionThrottle]

    @extend_schema(
        parameters=[
            OpenApiParameter("video", str, required=True),
            OpenApiParameter("kind", str, enum=CreativeKind.values, description="Only this kind."),
        ],
        responses={
            200: DecisionSerializer,
            204: OpenApiResponse(description="No ad for this view."),
            400: OpenApiResponse(description="Missing or bad parameter."),
            404: OpenApiResponse(description="No such video."),
            429: OpenApiResponse(description="Too many decisions; retry after Retry-After."),
        },
    )
    def get(self, request):
        try:
            decision, fresh = _decide(request)
        except BadRequest as exc:
            raise exceptions.ValidationError({exc.field: str(exc)}) from exc
        except Http404 as exc:
            raise exceptions.NotFound("No such video.") from exc
        if decision is None:
            response = Response(status=204)
        else:
            urls = _urls(request, decision)
            response = Response(
                {
                    "id": decision.view.view,
                    "kind": decision.creative.kind,
                    "media_url": urls["media"],
                    "click_url": urls["click"],
                    "impression_url": urls["impression"],
                    "complete_url": urls["complete"],
                    "skip_after_s": decision.creative.skip_after_s,
                    "duration": decision.creative.duration,
                    "advertiser": decision.campaign.advertiser,
                }
            )
        response["Cache-Control"] = "no-store"
        _remember_viewer(request, response, fresh)
        return response


@require_GET
def vast(request: HttpRequest) -> HttpResponse:
    from apps.ads.vast import vast_document

    throttle = DecisionThrottle()
    if not throttle.allow_request(request, None):
        wait = math.ceil(throttle.wait() or 1)
        refused = JsonResponse(
            {"error": "Too many ad requests; retry later.", "retry_after": wait}, status=429
        )
        refused["Retry-After"] = str(wait)
        refused["Access-Control-Allow-Origin"] = "*"
        return refused
    try:
        decision, fresh = _decide(request)
    except BadRequest as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    except Http404:
        return JsonResponse({"error": "No such video."}, status=404)
    urls = _urls(request, decision) if decision else None
    response = HttpResponse(vast_document(decision, urls=urls), content_type="application/xml")
    response["Cache-Control"] = "no-store"
    # VAST is fetched by players on other origins (IAB: VAST responses need CORS). Without
    # credentials: another site's player gets the anonymous decision, never a viewer's own.
    response["Access-Control-Allow-Origin"] = "*"
    _remember_viewer(request, response, fresh)
    return response


def _beacon(request: HttpRequest, kind: str) -> HttpResponse:
    try:
        view = read_token(request.GET.get("t", ""))
    except BadToken as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    try:
        services.ad_event_record(view=view, kind=kind)
    except GoneCreative as exc:
        return JsonResponse({"error": str(exc)}, status=410)
    response = HttpResponse(status=204)
    response["Cache-Control"] = "no-store"
    response["Access-Control-Allow-Origin"] = "*"
    return response


# Beacons carry no session state and change nothing a cookie could be abused for: the signed
# token is the authority, so no CSRF token (players send them as plain GET pings or POSTs).
@csrf_exempt
@require_http_methods(["GET", "POST"])
def impression(request: HttpRequest) -> HttpResponse:
    return _beacon(request, EventKind.IMPRESSION)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def complete(request: HttpRequest) -> HttpResponse:
    return _beacon(request, EventKind.COMPLETION)


@require_GET
def click(request: HttpRequest) -> HttpResponse:
    """Count the click and go to the creative's stored URL: never one taken from the request."""
    from apps.ads.models import Creative

    try:
        view = read_token(request.GET.get("t", ""))
    except BadToken as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    creative = Creative.objects.filter(pk=view.creative, campaign_id=view.campaign).first()
    if creative is None:
        return JsonResponse({"error": "This ad no longer exists."}, status=410)
    services.ad_event_record(view=view, kind=EventKind.CLICK)
    response = HttpResponseRedirect(creative.click_url)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


# Banner images from storage (a page URL under /media/, not the API): streamed locally, a
# redirect to the storage's (signed) URL on S3.
_BANNER_NAME = re.compile(r"^ads/banners/[0-9a-f]{24}\.webp$")


@require_safe
def serve_banner(request: HttpRequest, name: str) -> HttpResponse:
    return serve_public_image(name, _BANNER_NAME)
