"""sitemap.xml: the home page, public ready videos and the channels that have some."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from apps.sharing import selectors
from apps.users.models import User
from apps.videos import selectors as videos
from apps.videos.models import Video


class HomeSitemap(Sitemap):
    changefreq = "hourly"
    priority = 1.0

    def items(self) -> list[str]:
        return ["home"]

    def location(self, item: str) -> str:
        return reverse(item)


class VideoSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8
    limit = 5000

    def items(self):
        return videos.video_list_public().order_by("-published_at", "id")

    def lastmod(self, item: Video):
        return item.updated_at


class ChannelSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.5

    def items(self):
        return selectors.channels_with_public_videos()

    def location(self, item: User) -> str:
        return reverse("channel", kwargs={"username": item.username})


SITEMAPS = {"home": HomeSitemap, "videos": VideoSitemap, "channels": ChannelSitemap}
