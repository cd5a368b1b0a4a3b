"""Caps hold when many requests race for the last impressions, on PostgreSQL: no overspend."""

from __future__ import annotations

import threading

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection, connections

from apps.ads import services
from apps.ads.models import CampaignDay, ViewerDay
from tests.apps.ads.factories import CampaignFactory, banner
from tests.conftest import require
from tests.factories import VideoFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 16
EACH = 12


def _race(video, viewer_of) -> list[int]:
    """THREADS threads released together, each asking EACH times; the campaigns they got."""
    barrier = threading.Barrier(THREADS)
    got: list[int] = []
    lock = threading.Lock()
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            barrier.wait()
            for i in range(EACH):
                d = services.ad_decide(video=video, user=AnonymousUser(), viewer=viewer_of(n, i))
                if d is not None:
                    with lock:
                        got.append(d.campaign.id)
        except BaseException as exc:  # noqa: BLE001 - re-raised on the test thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    return got


@pytest.fixture
def postgres():
    require(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")


def test_total_cap_is_never_overspent(postgres):
    campaign = CampaignFactory(total_cap=25)
    banner(campaign)
    video = VideoFactory()
    got = _race(video, lambda n, i: f"a{n}-{i}")
    campaign.refresh_from_db()
    assert len(got) == 25 and campaign.served == 25
    assert CampaignDay.objects.get(campaign=campaign).served == 25


def test_daily_cap_is_never_overspent(postgres):
    campaign = CampaignFactory(daily_cap=17)
    banner(campaign)
    got = _race(VideoFactory(), lambda n, i: f"a{n}-{i}")
    campaign.refresh_from_db()
    assert len(got) == 17 and campaign.served == 17


def test_frequency_cap_holds_for_one_viewer_racing(postgres):
    campaign = CampaignFactory(frequency_cap=3)
    banner(campaign)
    got = _race(VideoFactory(), lambda n, i: "a-same-viewer")
    assert len(got) == 3
    assert ViewerDay.objects.get(campaign=campaign).served == 3


def test_a_full_campaign_never_blocks_the_others(postgres):
    small = CampaignFactory(total_cap=5, weight=50)
    banner(small)
    big = CampaignFactory(weight=50)
    banner(big)
    got = _race(VideoFactory(), lambda n, i: f"a{n}-{i}")
    assert got.count(small.id) == 5
    assert got.count(big.id) == THREADS * EACH - 5
