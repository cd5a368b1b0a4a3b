from django.urls import re_path

from apps.ads import views

urlpatterns = [
    re_path(r"^media/(?P<name>ads/banners/[^/]+)$", views.serve_banner, name="ads-media"),
]
