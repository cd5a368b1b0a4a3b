from django.contrib.sitemaps.views import sitemap
from django.urls import path

from apps.sharing import views
from apps.sharing.feeds import ChannelFeed
from apps.sharing.sitemaps import SITEMAPS

urlpatterns = [
    path("embed/<str:video_id>/", views.embed, name="embed"),
    path("oembed/", views.oembed_view, name="oembed"),
    path("c/<str:username>/feed/", ChannelFeed(), name="channel-feed"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots"),
]
