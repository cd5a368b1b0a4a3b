"""The decision: schedule, caps, weights, targeting, who never sees ads, and the API's shape."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from apps.ads import services
from apps.ads.models import AdFreeSubscription, Audience, CampaignStatus
from apps.ads.selectors import running_campaigns_forget
from tests.apps.ads.factories import CampaignFactory, banner, preroll
from tests.factories import UserFactory, VideoFactory

pytestmark = pytest.mark.django_db
ANON = AnonymousUser()


def decide(video, user=ANON, viewer="a1", kind=None, rng=None):
    return services.ad_decide(video=video, user=user, viewer=viewer, kind=kind, rng=rng)


def test_api_answers_the_contract_shape(api_client):
    creative = preroll(skip_after_s=3)
    video = VideoFactory()
    response = api_client.get(f"/api/v1/ads/decision/?video={video.id}")
    assert response.status_code == 200
    body = response.json()
    assert set(body) >= {"id", "kind", "media_url", "click_url", "impression_url", "skip_after_s"}
    assert body["kind"] == "preroll" and body["skip_after_s"] == 3
    assert body["media_url"].endswith(f"{creative.video.output_prefix}master.m3u8")
    assert f"/media/{creative.video.media_key}/" in body["media_url"]
    assert body["click_url"].startswith("http://testserver/api/v1/ads/click/?t=")
    assert response["Cache-Control"] == "no-store"


def test_no_eligible_campaign_is_204(api_client):
    video = VideoFactory()
    CampaignFactory(status=CampaignStatus.PAUSED)  # and no creative at all
    response = api_client.get(f"/api/v1/ads/decision/?video={video.id}")
    assert response.status_code == 204 and response.content == b""


def test_bad_requests_are_clear_errors(api_client):
    assert api_client.get("/api/v1/ads/decision/").json()["error"]
    assert api_client.get("/api/v1/ads/decision/").status_code == 400
    missing = api_client.get("/api/v1/ads/decision/?video=nope")
    assert missing.status_code == 404 and missing.json()["error"]
    private = VideoFactory(visibility="private")
    assert api_client.get(f"/api/v1/ads/decision/?video={private.id}").status_code == 404
    video = VideoFactory()
    bad_kind = api_client.get(f"/api/v1/ads/decision/?video={video.id}&kind=popup")
    assert bad_kind.status_code == 400 and "kind" in bad_kind.json()


def test_kind_filter():
    campaign = CampaignFactory()
    preroll(campaign)
    banner(campaign)
    video = VideoFactory()
    assert decide(video, kind="banner").creative.kind == "banner"
    assert decide(video, kind="preroll").creative.kind == "preroll"


@pytest.mark.parametrize(
    "starts, ends, status, shown",
    [
        (-2, None, CampaignStatus.ACTIVE, True),
        (+1, None, CampaignStatus.ACTIVE, False),  # not started
        (-2, -1, CampaignStatus.ACTIVE, False),  # over
        (-2, +1, CampaignStatus.ACTIVE, True),
        (-2, None, CampaignStatus.PAUSED, False),
        (-2, None, CampaignStatus.DRAFT, False),
    ],
)
def test_schedule_and_status(starts, ends, status, shown):
    now = timezone.now()
    campaign = CampaignFactory(
        starts_at=now + timedelta(hours=starts),
        ends_at=now + timedelta(hours=ends) if ends is not None else None,
        status=status,
    )
    banner(campaign)
    assert (decide(VideoFactory()) is not None) is shown


def test_total_cap_stops_serving():
    campaign = CampaignFactory(total_cap=3)
    banner(campaign)
    video = VideoFactory()
    served = [decide(video, viewer=f"a{i}") for i in range(5)]
    assert [d is not None for d in served] == [True, True, True, False, False]
    campaign.refresh_from_db()
    assert campaign.served == 3


def test_daily_cap_stops_serving_for_the_day_only():
    campaign = CampaignFactory(daily_cap=2)
    banner(campaign)
    video = VideoFactory()
    assert [decide(video, viewer=f"a{i}") is not None for i in range(3)] == [True, True, False]
    # Yesterday's count does not limit today: move today's row back a day.
    day = campaign.days.get()
    day.day -= timedelta(days=1)
    day.save()
    assert decide(video) is not None


def test_frequency_cap_is_per_viewer():
    campaign = CampaignFactory(frequency_cap=2)
    banner(campaign)
    video = VideoFactory()
    assert [decide(video, viewer="a-alice") is not None for _ in range(3)] == [True, True, False]
    assert decide(video, viewer="a-bob") is not None


def test_a_capped_campaign_gives_way_to_the_next():
    full = CampaignFactory(total_cap=1, weight=10_000)
    banner(full)
    other = CampaignFactory(weight=1)
    banner(other)
    video = VideoFactory()
    picks = [decide(video, viewer=f"v{i}").campaign.id for i in range(5)]
    assert picks.count(full.id) == 1 and picks.count(other.id) == 4


def test_frequency_cap_via_api_cookie(api_client):
    campaign = CampaignFactory(frequency_cap=1)
    banner(campaign)
    video = VideoFactory()
    first = api_client.get(f"/api/v1/ads/decision/?video={video.id}")
    assert first.status_code == 200 and "ads_viewer" in first.cookies
    # The same browser (the cookie kept) has had its one ad today.
    assert api_client.get(f"/api/v1/ads/decision/?video={video.id}").status_code == 204
    api_client.cookies.clear()
    assert api_client.get(f"/api/v1/ads/decision/?video={video.id}").status_code == 200


def test_weights_share_views_in_proportion():
    """Chi-square over 2,400 draws, weights 1:2:5: far beyond p=0.001 if draws ignored weight."""
    campaigns = [CampaignFactory(weight=w) for w in (1, 2, 5)]
    for c in campaigns:
        banner(c)
    video = VideoFactory()
    rng = random.Random(20261201)
    n = 2400
    counts = {c.id: 0 for c in campaigns}
    for i in range(n):
        counts[decide(video, viewer=f"v{i}", rng=rng).campaign.id] += 1
    expected = {c.id: n * c.weight / 8 for c in campaigns}
    chi2 = sum((counts[k] - expected[k]) ** 2 / expected[k] for k in counts)
    assert chi2 < 13.82, (counts, chi2)  # df=2, p=0.001
    # And not merely uniform: the heaviest gets most.
    assert counts[campaigns[2].id] > counts[campaigns[1].id] > counts[campaigns[0].id]


def test_targeting_audience():
    signed = CampaignFactory(audience=Audience.SIGNED_IN)
    banner(signed)
    video = VideoFactory()
    assert decide(video) is None
    assert decide(video, user=UserFactory()).campaign.id == signed.id
    anon = CampaignFactory(audience=Audience.ANONYMOUS)
    banner(anon)
    running_campaigns_forget()
    assert decide(video).campaign.id == anon.id
    assert decide(video, user=UserFactory()).campaign.id == signed.id


def test_targeting_tags():
    campaign = CampaignFactory(target_tags="Cooking, travel")
    banner(campaign)
    assert decide(VideoFactory(tags="music, live")) is None
    assert decide(VideoFactory(tags="travel,asia")) is not None
    assert decide(VideoFactory(tags="COOKING")) is not None


def test_targeting_channels_and_exclusions():
    video = VideoFactory()
    other = VideoFactory()
    only_channel = CampaignFactory()
    only_channel.target_channels.add(video.owner)
    banner(only_channel)
    assert decide(video) is not None
    assert decide(other) is None
    all_but = CampaignFactory()
    all_but.excluded_videos.add(video)
    banner(all_but)
    running_campaigns_forget()
    assert decide(other).campaign.id == all_but.id
    assert {decide(video, viewer=f"x{i}").campaign.id for i in range(10)} == {only_channel.id}


def test_premium_viewers_never_see_ads(api_client):
    banner(CampaignFactory())
    video = VideoFactory()
    flagged = UserFactory(ad_free=True)
    assert decide(video, user=flagged) is None
    subscriber = UserFactory()
    now = timezone.now()
    AdFreeSubscription.objects.create(
        user=subscriber, starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=30)
    )
    assert decide(video, user=subscriber) is None
    lapsed = UserFactory()
    AdFreeSubscription.objects.create(
        user=lapsed, starts_at=now - timedelta(days=60), ends_at=now - timedelta(days=1)
    )
    assert decide(video, user=lapsed) is not None
    api_client.force_authenticate(subscriber)
    assert api_client.get(f"/api/v1/ads/decision/?video={video.id}").status_code == 204


def test_creators_see_no_ads_on_their_own_videos():
    banner(CampaignFactory())
    video = VideoFactory()
    assert decide(video, user=video.owner) is None
    assert decide(VideoFactory(), user=video.owner) is not None


def test_no_ads_on_ad_videos():
    creative = preroll()
    banner(CampaignFactory())
    assert decide(creative.video) is None


def test_preroll_still_processing_is_not_served():
    creative = preroll()
    creative.video.status = "processing"
    creative.video.save()
    assert decide(VideoFactory()) is None
