"""A subscriber's open page shows the notification badge within a second of a followed
channel's video becoming ready: the ready transition commits, its hook queues the fan-out job,
a real Dramatiq worker inserts the row and pushes it over /ws/site/ to the page."""

from __future__ import annotations

import time

import pytest
from django.db import transaction
from playwright.sync_api import expect

from apps.subscriptions.models import Subscription
from apps.videos import services as video_services
from apps.videos.models import Video
from tests.browser.accounts import log_in
from tests.factories import CreatorFactory, UserFactory, VideoFactory

pytestmark = [pytest.mark.browser, pytest.mark.redis]


def test_badge_appears_within_a_second_of_the_video_becoming_ready(
    page, live_site, pipeline_worker
):
    channel, fan = CreatorFactory(display_name="Bakery"), UserFactory()
    Subscription.objects.create(user=fan, channel=channel)
    video = VideoFactory(owner=channel, title="Sourdough", status="processing", published_at=None)
    log_in(page, fan)
    page.goto("/feed/")
    page.wait_for_function("() => document.getElementById('banners').dataset.socket === 'open'")
    badge = page.get_by_role("banner").locator("[data-notify-badge]")
    expect(badge).to_be_hidden()

    with transaction.atomic():
        locked = Video.objects.select_for_update().get(pk=video.pk)
        locked.save(update_fields=video_services.video_mark_ready(locked))
    committed = time.monotonic()
    expect(badge).to_have_text("1", timeout=1_000)
    expect(badge).to_be_visible()
    assert time.monotonic() - committed < 1.0

    # Seeing the notifications page marks it read; the badge is gone on the next page.
    page.get_by_role("banner").get_by_role("link", name="Notifications").click()
    expect(page.get_by_role("link", name="Bakery published “Sourdough”")).to_be_visible()
    page.goto("/feed/")
    expect(page.get_by_role("banner").locator("[data-notify-badge]")).to_be_hidden()


def test_subscribe_button_updates_the_count_without_a_reload(page, live_site):
    channel, fan = CreatorFactory(display_name="Garden"), UserFactory()
    log_in(page, fan)
    page.goto(f"/c/{channel.username}/")
    page.evaluate("() => { window.__notReloaded = true; }")
    count = page.locator("[data-subscriber-count]")
    expect(count).to_have_text("0 subscribers")
    page.get_by_role("button", name="Subscribe").click()
    expect(count).to_have_text("1 subscriber")
    expect(page.get_by_role("button", name="Unsubscribe")).to_be_visible()
    assert page.evaluate("() => window.__notReloaded === true")
    assert Subscription.objects.filter(user=fan, channel=channel).count() == 1
    page.get_by_role("button", name="Unsubscribe").click()
    expect(count).to_have_text("0 subscribers")
    expect(page.get_by_role("button", name="Subscribe")).to_be_visible()
    assert not Subscription.objects.filter(user=fan, channel=channel).exists()
