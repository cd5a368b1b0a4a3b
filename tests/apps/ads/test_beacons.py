"""Beacons count once per ad view and cannot be forged; clicks go only to the stored URL;
VAST 4 parses; the admin report shows the counts as a chart, a table and CSV."""

from __future__ import annotations

import csv
import io
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree as ET

import pytest
from django.core import signing

from apps.ads.models import CampaignDay
from apps.ads.tokens import SALT
from tests.apps.ads.factories import CampaignFactory, banner, preroll
from tests.factories import UserFactory, VideoFactory

pytestmark = pytest.mark.django_db
VAST = "{http://www.iab.com/VAST}"


def _decision(api_client, video=None, **query):
    video = video or VideoFactory()
    params = "&".join(f"{k}={v}" for k, v in {"video": video.id, **query}.items())
    response = api_client.get(f"/api/v1/ads/decision/?{params}")
    assert response.status_code == 200, response.content
    return response.json()


def _path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def _day(campaign) -> CampaignDay:
    return CampaignDay.objects.get(campaign=campaign)


def test_impression_and_completion_count_once_per_view(api_client, client):
    creative = preroll()
    ad = _decision(api_client)
    for _ in range(3):
        assert client.post(_path(ad["impression_url"])).status_code == 204
        assert client.get(_path(ad["complete_url"])).status_code == 204
    day = _day(creative.campaign)
    assert (day.served, day.impressions, day.preroll_impressions, day.completions) == (1, 1, 1, 1)
    # A second view of the same ad is a second impression.
    again = _decision(api_client)
    client.post(_path(again["impression_url"]))
    assert _day(creative.campaign).impressions == 2


def test_completion_implies_the_impression(api_client, client):
    creative = preroll()
    ad = _decision(api_client)
    client.post(_path(ad["complete_url"]))
    client.post(_path(ad["impression_url"]))
    day = _day(creative.campaign)
    assert (day.impressions, day.completions) == (1, 1)


def test_banners_have_no_completion(api_client, client):
    creative = banner()
    ad = _decision(api_client)
    assert ad["kind"] == "banner" and ad["skip_after_s"] == 0
    client.post(_path(ad["complete_url"]))
    assert _day(creative.campaign).completions == 0


def test_forged_and_tampered_tokens_are_refused(api_client, client):
    creative = preroll()
    other = banner(CampaignFactory())
    ad = _decision(api_client, kind="preroll")
    token = parse_qs(urlsplit(ad["impression_url"]).query)["t"][0]
    # Re-signing the view for another campaign needs the secret key.
    forged = signing.dumps(
        {"i": "x" * 24, "c": other.campaign_id, "k": other.id, "v": "v", "t": "banner"},
        salt=SALT, key="not-the-secret-key",
    )  # fmt: skip
    for bad in (forged, token[:-2] + "xx", "", "garbage"):
        response = client.post(f"/api/v1/ads/impression/?t={bad}")
        assert response.status_code == 400 and response.json()["error"]
    assert not CampaignDay.objects.filter(campaign=other.campaign).exists()
    assert _day(creative.campaign).impressions == 0


def test_click_redirects_only_to_the_stored_url_and_counts_once(api_client, client):
    creative = banner(click_url="https://shop.example/spring?ref=streamsite")
    ad = _decision(api_client)
    url = _path(ad["click_url"]) + "&next=https://evil.example/"
    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == "https://shop.example/spring?ref=streamsite"
    assert _day(creative.campaign).clicks == 1
    assert client.get("/api/v1/ads/click/?t=forged").status_code == 400


def test_vast_document_parses_and_carries_the_decision(api_client, client):
    creative = preroll(skip_after_s=4)
    video = VideoFactory()
    response = api_client.get(f"/api/v1/ads/vast/?video={video.id}")
    assert response.status_code == 200 and response["Content-Type"] == "application/xml"
    root = ET.fromstring(response.content)
    assert root.tag == f"{VAST}VAST" and root.get("version") == "4.0"
    inline = root.find(f"{VAST}Ad/{VAST}InLine")
    assert inline.findtext(f"{VAST}AdSystem") == "Streamsite"
    assert inline.findtext(f"{VAST}Advertiser") == creative.campaign.advertiser.name
    creative_el = inline.find(f"{VAST}Creatives/{VAST}Creative")
    assert creative_el.find(f"{VAST}UniversalAdId").get("idRegistry") == "unknown"
    linear = creative_el.find(f"{VAST}Linear")
    assert linear.get("skipoffset") == "00:00:04.000"
    assert linear.findtext(f"{VAST}Duration") == "00:00:06.000"
    media = linear.find(f"{VAST}MediaFiles/{VAST}MediaFile")
    assert media.get("type") == "application/x-mpegURL" and media.get("delivery") == "streaming"
    assert media.text.endswith("master.m3u8")
    # Its impression and completion URLs are the same idempotent beacons.
    impression = inline.findtext(f"{VAST}Impression")
    complete = linear.find(f"{VAST}TrackingEvents/{VAST}Tracking[@event='complete']").text
    click = linear.findtext(f"{VAST}VideoClicks/{VAST}ClickThrough")
    client.get(_path(impression))
    client.get(_path(impression))
    client.get(_path(complete))
    assert client.get(_path(click))["Location"] == creative.click_url
    day = _day(creative.campaign)
    assert (day.impressions, day.completions, day.clicks) == (1, 1, 1)


def test_vast_without_an_ad_is_the_empty_vast(api_client):
    response = api_client.get(f"/api/v1/ads/vast/?video={VideoFactory().id}")
    root = ET.fromstring(response.content)
    assert root.get("version") == "4.0" and list(root) == []
    assert api_client.get("/api/v1/ads/vast/").status_code == 400


def test_admin_report_chart_table_and_csv(api_client, client):
    creative = preroll()
    for i in range(4):
        ad = _decision(api_client)
        client.post(_path(ad["impression_url"]))
        if i < 2:
            client.post(_path(ad["complete_url"]))
        if i == 0:
            client.get(_path(ad["click_url"]))
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    campaign = creative.campaign
    page = client.get(f"/admin/ads/campaign/{campaign.pk}/report/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "<polyline" in html and "<script" not in html.split("<svg")[1]
    assert "25.0 %" in html and "50.0 %" in html  # CTR 1/4, completion 2/4
    rows = list(csv.reader(io.StringIO(client.get(
        f"/admin/ads/campaign/{campaign.pk}/report.csv").content.decode())))  # fmt: skip
    assert rows[0] == ["day", "served", "impressions", "clicks", "completed_prerolls", "ctr",
                       "completion_rate"]  # fmt: skip
    assert rows[1][1:] == ["4", "4", "1", "2", "0.2500", "0.5000"]
    assert client.get(f"/admin/ads/campaign/{campaign.pk}/change/").status_code == 200


def test_report_is_staff_only(client):
    campaign = preroll().campaign
    client.force_login(UserFactory())
    response = client.get(f"/admin/ads/campaign/{campaign.pk}/report.csv")
    assert response.status_code == 302  # to the admin login
