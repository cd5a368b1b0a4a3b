from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from streamsite import health

api_v1 = [
    path("", include("apps.users.api_urls")),
    path("", include("apps.videos.api_urls")),
    path("", include("apps.reactions.api_urls")),
    path("", include("apps.comments.api_urls")),
    path("", include("apps.live.api_urls")),
    path("", include("apps.broadcasts.api_urls")),
    path("", include("apps.ads.api_urls")),
    path("", include("apps.cms.api_urls")),
    path("", include("apps.playlists.api_urls")),
    path("", include("apps.history.api_urls")),
    path("", include("apps.captions.api_urls")),
    path("", include("apps.subscriptions.api_urls")),
    path("", include("apps.notifications.api_urls")),
]

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", health.metrics, name="prometheus-django-metrics"),
    path("admin/", admin.site.urls),
    path("accounts/", include("apps.users.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("apps.sharing.urls")),
    path("", include("apps.comments.urls")),
    path("", include("apps.live.urls")),
    path("", include("apps.broadcasts.urls")),
    path("", include("apps.ads.urls")),
    path("", include("apps.playlists.urls")),
    path("", include("apps.history.urls")),
    path("", include("apps.captions.urls")),
    path("", include("apps.subscriptions.urls")),
    path("", include("apps.notifications.urls")),
    path("", include("apps.cms.urls")),  # before videos: its home falls back to the feed
    path("", include("apps.videos.urls")),
]
