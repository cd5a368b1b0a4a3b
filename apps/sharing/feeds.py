"""Each channel's public ready videos as RSS (django.contrib.syndication)."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.urls import reverse

from apps.sharing import selectors
from apps.sharing.description import description_html
from apps.users.models import User
from apps.videos.models import Video

FEED_ITEMS = 30


class ChannelFeed(Feed):
    description_template = None

    def get_object(self, request, username: str) -> User:
        return selectors.channel_get(username=username)

    def title(self, obj: User) -> str:
        return obj.channel_name

    def link(self, obj: User) -> str:
        return reverse("channel", kwargs={"username": obj.username})

    def description(self, obj: User) -> str:
        return obj.bio or f"New videos from {obj.channel_name}."

    def items(self, obj: User):
        return selectors.channel_videos(owner=obj)[:FEED_ITEMS]

    def item_title(self, item: Video) -> str:
        return item.title

    def item_description(self, item: Video) -> str:
        # Feed readers render this as HTML: escaped text with its links, like the watch page.
        return description_html(item.description)

    def item_link(self, item: Video) -> str:
        return item.get_absolute_url()

    def item_pubdate(self, item: Video):
        return item.published_at or item.created_at

    def item_updateddate(self, item: Video):
        return item.updated_at
