"""Ads on the watch page in a real Chromium: the pre-roll plays first in its own element,
Skip appears after skip_after_s, the content follows; beacons count once even across a
reload; a broken creative or decision never stops the video."""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path

import pytest
from django.core.files import File
from playwright.sync_api import Page, expect

from apps.ads import creatives
from apps.ads import services as services_ads
from apps.ads.models import CampaignDay, ViewerDay
from apps.ads.selectors import running_campaigns_forget
from apps.videos import services
from apps.videos.models import Video
from tests.apps.ads.factories import CampaignFactory, ad_video
from tests.browser.test_watch_browser import EVENT_LOG
from tests.factories import CreatorFactory
from tests.fixtures.pipeline import wait_for_video

pytestmark = [pytest.mark.browser, pytest.mark.pipeline]

AD = "[data-ad-preroll]"
AD_VIDEO = "document.querySelector('[data-ad-video]')"


def _content(path: Path, **fields) -> Video:
    with open(path, "rb") as fh:
        video = services.video_create(
            owner=CreatorFactory(), title="Content", upload=File(fh, name=path.name),
            filename=path.name, **fields,
        )  # fmt: skip
    video = wait_for_video(video.id, timeout=120)
    assert video.status == "ready", video.error
    return video


@pytest.fixture
def content(samples, pipeline_worker) -> Video:
    return _content(samples["tiny_360p_4s.mp4"])


def _campaign_with_preroll(samples, **campaign):
    """A 14 s pre-roll, Skip after 2 s, made by the real pipeline like an admin upload."""
    campaign = CampaignFactory(**campaign)
    path = samples["chunky_60fps_14s.mp4"]
    with open(path, "rb") as fh:
        creative = creatives.creative_create_preroll(
            campaign=campaign, name="Spring sale", click_url="https://shop.example/spring",
            upload=File(fh, name=path.name), filename=path.name, skip_after_s=2,
        )  # fmt: skip
    assert wait_for_video(creative.video_id, timeout=180).status == "ready"
    running_campaigns_forget()
    return campaign


def _counts(campaign) -> tuple[int, int]:
    day = CampaignDay.objects.filter(campaign=campaign).first()
    return (day.impressions, day.completions) if day else (0, 0)


def _content_playing(page: Page) -> None:
    page.wait_for_function("() => window.__media.playing", timeout=20_000)
    page.wait_for_function("() => document.getElementById('player').currentTime > 0.5")


def _wait_counts(campaign, expected: tuple[int, int], page: Page) -> None:
    for _ in range(100):
        if _counts(campaign) == expected:
            return
        page.wait_for_timeout(100)
    assert _counts(campaign) == expected


def test_preroll_first_skip_after_n_seconds_then_the_video(page: Page, content, samples):
    campaign = _campaign_with_preroll(samples)
    page.add_init_script(EVENT_LOG)
    page.goto(f"/watch/{content.id}/")
    ad = page.locator(AD)
    expect(ad).to_be_visible()
    expect(ad.get_by_text("Ad", exact=True)).to_be_visible()
    expect(ad).to_have_attribute("aria-label", "Advertisement")
    page.wait_for_function(f"() => {AD_VIDEO}.currentTime > 0.2")
    # The content waits: nothing plays in #player while the ad runs, and Skip is not offered.
    assert not page.evaluate("() => window.__media.playing")
    assert page.evaluate("() => !document.getElementById('player').currentSrc")
    skip = page.get_by_role("button", name="Skip ad")
    expect(skip).to_be_hidden()
    expect(ad.locator("[data-ad-skip-wait]")).to_contain_text("You can skip in")
    expect(skip).to_be_visible(timeout=15_000)
    assert page.evaluate(f"() => {AD_VIDEO}.currentTime") >= 2
    # The ad's playback is not a view of the content.
    assert Video.objects.get(pk=content.id).views == 0
    skip.click()
    expect(ad).to_have_count(0)
    _content_playing(page)
    # Skipped: an impression, no completion; the content's own playback counts its view.
    _wait_counts(campaign, (1, 0), page)
    for _ in range(100):
        if Video.objects.get(pk=content.id).views == 1:
            break
        page.wait_for_timeout(100)
    assert Video.objects.get(pk=content.id).views == 1


def _banner_decisions_answer_after_the_preroll(monkeypatch) -> None:
    """The live server (a thread of this process) answers a banner decision only after the
    pre-roll's, as a loaded server may: an order the page must not depend on."""
    decide = services_ads.ad_decide
    preroll_decided = threading.Event()

    def in_order(**kwargs):
        if kwargs.get("kind") == "banner":
            preroll_decided.wait(10)
            time.sleep(0.1)  # the pre-roll's answer is on its way first
        decision = decide(**kwargs)
        if kwargs.get("kind") == "preroll":
            preroll_decided.set()
        return decision

    monkeypatch.setattr(services_ads, "ad_decide", in_order)


def test_counts_once_across_reloads_and_frequency_cap(page: Page, content, samples, monkeypatch):
    campaign = _campaign_with_preroll(samples, frequency_cap=1)
    # A first visit has no viewer cookie; the banner's decision answering after the
    # pre-roll's must not hand this browser a second viewer id (the cap's key): the cap would
    # then count it as two viewers and the last reload below would get, and bill, a second ad.
    _banner_decisions_answer_after_the_preroll(monkeypatch)
    page.add_init_script(EVENT_LOG)
    page.goto(f"/watch/{content.id}/")
    expect(page.locator(AD)).to_be_visible()
    _wait_counts(campaign, (1, 0), page)
    # Reload in the middle of the ad: the same ad view comes back (its impression is sent
    # again and ignored) instead of a second decision, which the frequency cap would refuse.
    page.reload()
    expect(page.locator(AD)).to_be_visible()
    page.wait_for_function(f"() => {AD_VIDEO} && {AD_VIDEO}.duration > 10")
    page.evaluate(f"() => {{ const v = {AD_VIDEO}; v.currentTime = v.duration - 0.7; }}")
    expect(page.locator(AD)).to_have_count(0, timeout=15_000)
    _content_playing(page)
    _wait_counts(campaign, (1, 1), page)
    # Watched to the end; a reload now gets no ad (cap 1 a day) and counts nothing more.
    page.reload()
    _content_playing(page)
    assert page.locator(AD).count() == 0
    assert _counts(campaign) == (1, 1)
    assert CampaignDay.objects.get(campaign=campaign).served == 1
    # One browser, one viewer for the cap.
    assert ViewerDay.objects.filter(campaign=campaign).count() == 1


def test_preroll_waits_for_the_content_warning(page: Page, samples, pipeline_worker):
    content = _content(samples["tiny_360p_4s.mp4"], content_warning="Flashing lights")
    campaign = _campaign_with_preroll(samples)
    decisions: list[str] = []
    page.on("request", lambda r: decisions.append(r.url) if "kind=preroll" in r.url else None)
    page.add_init_script(EVENT_LOG)
    page.goto(f"/watch/{content.id}/")
    watch_anyway = page.get_by_role("button", name="Watch anyway")
    expect(watch_anyway).to_be_visible()
    page.wait_for_timeout(500)
    # Nothing is decided (no impression reserved) for a view that may not happen.
    assert decisions == [] and page.locator(AD).count() == 0
    watch_anyway.click()
    expect(page.locator(AD)).to_be_visible()
    assert not page.evaluate("() => window.__media.playing")
    page.get_by_role("button", name="Skip ad").click(timeout=15_000)
    _content_playing(page)
    _wait_counts(campaign, (1, 0), page)


def test_banner_beside_the_player(page: Page, content):
    import io

    from PIL import Image

    image = io.BytesIO()
    Image.new("RGB", (300, 250), (30, 60, 200)).save(image, format="PNG")
    image.seek(0)
    campaign = CampaignFactory()
    creatives.creative_create_banner(
        campaign=campaign, name="Banner", click_url="https://shop.example/b", upload=image
    )
    running_campaigns_forget()
    page.add_init_script(EVENT_LOG)
    page.goto(f"/watch/{content.id}/")
    banner = page.get_by_role("complementary", name="Advertisement")
    expect(banner.get_by_role("img")).to_be_visible()
    assert page.evaluate("() => document.querySelector('[data-ad-banner] img').naturalWidth") == 300
    expect(banner.get_by_role("link")).to_have_attribute(
        "href", re.compile(r"/api/v1/ads/click/\?t=")
    )
    _content_playing(page)  # no pre-roll in this campaign: the content starts at once
    _wait_counts(campaign, (1, 0), page)


def test_broken_creative_does_not_stop_the_video(page: Page, content):
    campaign = CampaignFactory()
    # A "ready" pre-roll whose playlist does not exist: every media request 404s.
    video = ad_video()
    campaign.creatives.create(
        kind="preroll", name="Broken", click_url="https://shop.example/", video=video
    )
    running_campaigns_forget()
    page.add_init_script(EVENT_LOG)
    page.goto(f"/watch/{content.id}/")
    _content_playing(page)
    assert page.locator(AD).count() == 0


def test_failing_decision_does_not_stop_the_video(page: Page, content):
    page.route("**/api/v1/ads/decision/**", lambda route: route.fulfill(status=500, body="x"))
    page.add_init_script(EVENT_LOG)
    page.goto(f"/watch/{content.id}/")
    _content_playing(page)
