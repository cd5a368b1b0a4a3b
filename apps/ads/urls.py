from django.urls import re_path

from apps.ads import api

urlpatterns = [
    re_path(r"^media/(?P<name>ads/banners/[^/]+)$", api.serve_banner, name="ads-media"),
]
