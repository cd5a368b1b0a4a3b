"""The ad decision is rate-limited like the API's other endpoints (API_AD_DECISION_RATE): per
account, or per client address when signed out, JSON and VAST counted together; a refused
request answers 429 with Retry-After and reserves nothing."""

from __future__ import annotations

import pytest
from rest_framework.throttling import SimpleRateThrottle

from apps.ads.models import CampaignDay
from tests.apps.ads.factories import CampaignFactory, banner
from tests.factories import UserFactory, VideoFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_a_minute(monkeypatch, fresh_cache):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "ad_decisions", "3/min")


def _served() -> int:
    return sum(CampaignDay.objects.values_list("served", flat=True))


def test_decisions_past_the_rate_are_refused_before_anything_is_reserved(
    api_client, three_a_minute
):
    banner(CampaignFactory())
    video = VideoFactory()
    decision = f"/api/v1/ads/decision/?video={video.id}"
    assert api_client.get(decision).status_code == 200
    assert api_client.get(f"/api/v1/ads/vast/?video={video.id}").status_code == 200
    assert api_client.get(decision).status_code == 200
    assert _served() == 3

    refused = api_client.get(decision)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0 and refused.json()["error"]
    vast = api_client.get(f"/api/v1/ads/vast/?video={video.id}")
    assert vast.status_code == 429 and int(vast["Retry-After"]) > 0
    assert vast["Access-Control-Allow-Origin"] == "*"
    assert _served() == 3

    # Another address, and an account (on the same address), each have their own allowance.
    assert api_client.get(decision, REMOTE_ADDR="192.0.2.7").status_code == 200
    api_client.force_authenticate(UserFactory())
    assert api_client.get(decision).status_code == 200
    assert _served() == 5
