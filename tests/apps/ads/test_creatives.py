"""Creatives through the admin: pre-rolls become unlisted videos of the ads account (queued
for the pipeline, out of every listing), banners are re-encoded clean; click URLs are
http/https only; seed_demo's campaign is made once."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from apps.ads.creatives import banner_reencode
from apps.ads.models import Campaign, Creative, ads_system_username, validate_click_url
from tests.apps.ads.factories import CampaignFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (2000, 1000), (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x8825] = {2: (51.0, 30.0, 0.0)}  # a GPS IFD
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, comment=b"private note")
    return out.getvalue()


def test_banner_is_reencoded_without_metadata_and_scaled():
    data, width, height = banner_reencode(io.BytesIO(_jpeg_with_exif()))
    image = Image.open(io.BytesIO(data))
    assert image.format == "WEBP" and (width, height) == (1200, 600) == image.size
    assert not image.getexif() and "exif" not in image.info and "comment" not in image.info
    assert b"SecretCam" not in data and b"private note" not in data


@pytest.mark.parametrize(
    "payload",
    [b"", b"<svg xmlns='http://www.w3.org/2000/svg'/>", b"GIF89a not really", b"\x00" * 100],
)
def test_banner_refuses_what_is_not_an_image(payload):
    with pytest.raises(ValidationError):
        banner_reencode(io.BytesIO(payload))


def test_banner_refuses_too_many_pixels():
    out = io.BytesIO()
    Image.new("1", (5000, 5000)).save(out, format="PNG")  # tiny file, 25 Mpixels decoded
    with pytest.raises(ValidationError, match="pixels"):
        banner_reencode(io.BytesIO(out.getvalue()))


@pytest.mark.parametrize(
    "url, ok",
    [
        ("https://shop.example/a?b=c", True),
        ("http://shop.example/", True),
        ("javascript:alert(1)", False),
        ("data:text/html,hi", False),
        ("//evil.example/", False),
        ("ftp://files.example/", False),
        ("/relative/path", False),
    ],
)
def test_click_urls_are_http_or_https_only(url, ok):
    if ok:
        validate_click_url(url)
    else:
        with pytest.raises(ValidationError):
            validate_click_url(url)


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def _add_creative(client, campaign, kind, upload, click_url="https://shop.example/"):
    return client.post(
        "/admin/ads/creative/add/",
        {"campaign": campaign.pk, "kind": kind, "name": f"My {kind}", "click_url": click_url,
         "skip_after_s": 5, "active": "on", "upload": upload},
    )  # fmt: skip


def test_admin_banner_upload(staff_client):
    campaign = CampaignFactory()
    upload = SimpleUploadedFile("b.jpg", _jpeg_with_exif(), content_type="image/jpeg")
    response = _add_creative(staff_client, campaign, "banner", upload)
    assert response.status_code == 302, response.content.decode()[:2000]
    creative = Creative.objects.get(campaign=campaign)
    assert creative.image.endswith(".webp") and default_storage.exists(creative.image)
    served = staff_client.get(f"/media/{creative.image}")
    assert served.status_code == 200 and served["Content-Type"] == "image/webp"


def test_admin_refuses_bad_uploads_and_urls(staff_client):
    campaign = CampaignFactory()
    text = SimpleUploadedFile("b.png", b"hello, not an image")
    response = _add_creative(staff_client, campaign, "banner", text)
    assert response.status_code == 200 and b"not a decodable image" in response.content
    image = SimpleUploadedFile("b.jpg", _jpeg_with_exif())
    response = _add_creative(staff_client, campaign, "banner", image, "javascript:alert(1)")
    assert response.status_code == 200 and b"http" in response.content
    playlist = SimpleUploadedFile("p.mp4", b"#EXTM3U\n#EXTINF:1,\nfile:///etc/passwd\n")
    assert _add_creative(staff_client, campaign, "preroll", playlist).status_code == 200
    assert not Creative.objects.exists()


def test_admin_preroll_becomes_an_unlisted_ad_video(staff_client, samples, client):
    campaign = CampaignFactory()
    with open(samples["tiny_360p_4s.mp4"], "rb") as fh:
        upload = SimpleUploadedFile("ad.mp4", fh.read(), content_type="video/mp4")
    response = _add_creative(staff_client, campaign, "preroll", upload)
    assert response.status_code == 302
    creative = Creative.objects.get(campaign=campaign)
    video = creative.video
    assert video.owner.username == ads_system_username() == "streamsite-ads"
    assert not video.owner.is_active and not video.owner.has_usable_password()
    assert video.visibility == "unlisted" and video.status == "uploaded"
    # Out of every listing, even once processed.
    video.status = "ready"
    video.save()
    listed = client.get("/api/v1/videos/").json()["results"]
    assert video.id not in {v["id"] for v in listed}
    assert video.title not in client.get("/").content.decode()


@pytest.mark.pipeline
def test_seed_demo_campaign_is_made_once_and_shown_to_anonymous_viewers(
    pipeline_worker, api_client
):
    from apps.ads import demo
    from apps.ads.selectors import running_campaigns_forget
    from tests.factories import VideoFactory
    from tests.fixtures.pipeline import wait_for_video

    out = io.StringIO()
    demo.seed(stdout=out)
    demo.seed(stdout=out)
    campaign = Campaign.objects.get()
    assert campaign.status == "active" and campaign.audience == "anonymous"
    assert sorted(campaign.creatives.values_list("kind", flat=True)) == ["banner", "preroll"]
    preroll = campaign.creatives.get(kind="preroll")
    assert wait_for_video(preroll.video_id, timeout=180).status == "ready"
    running_campaigns_forget()
    video = VideoFactory()
    url = f"/api/v1/ads/decision/?video={video.id}"
    assert api_client.get(url + "&kind=preroll").json()["kind"] == "preroll"
    assert api_client.get(url + "&kind=banner").json()["kind"] == "banner"
    api_client.force_authenticate(UserFactory())
    assert api_client.get(url).status_code == 204


def test_admin_pages_render(staff_client):
    creative = CampaignFactory()
    for url in (
        "/admin/ads/advertiser/", "/admin/ads/campaign/", "/admin/ads/campaign/add/",
        f"/admin/ads/campaign/{creative.pk}/change/", "/admin/ads/creative/",
        "/admin/ads/creative/add/", "/admin/ads/adfreesubscription/add/",
    ):  # fmt: skip
        assert staff_client.get(url).status_code == 200, url


def test_admin_campaign_edit_is_live_at_once(staff_client, api_client):
    """Saving in the admin drops the decision's cached snapshot: a pause stops serving now."""
    from tests.apps.ads.factories import banner
    from tests.factories import VideoFactory

    creative = banner()
    campaign = creative.campaign
    video = VideoFactory()
    url = f"/api/v1/ads/decision/?video={video.id}"
    assert api_client.get(url).status_code == 200  # the snapshot is cached now
    page = staff_client.get(f"/admin/ads/campaign/{campaign.pk}/change/")
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "served"}
    data.update(
        status="paused", advertiser=campaign.advertiser_id,
        starts_at_0=campaign.starts_at.strftime("%Y-%m-%d"),
        starts_at_1=campaign.starts_at.strftime("%H:%M:%S"),
        target_channels=[], excluded_videos=[],
        **{"creatives-TOTAL_FORMS": 1, "creatives-INITIAL_FORMS": 1,
           "creatives-MIN_NUM_FORMS": 0, "creatives-MAX_NUM_FORMS": 1000,
           "creatives-0-id": creative.pk, "creatives-0-campaign": campaign.pk,
           "creatives-0-name": creative.name, "creatives-0-click_url": creative.click_url,
           "creatives-0-active": "on", "creatives-0-skip_after_s": 5},
    )  # fmt: skip
    data = {k: v for k, v in data.items() if k not in ("ends_at",)}
    response = staff_client.post(f"/admin/ads/campaign/{campaign.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert api_client.get(url).status_code == 204


def test_ad_managers_role_runs_the_ads_admin(client):
    from django.contrib.auth.models import Group

    from apps.users.services import roles_ensure

    roles_ensure()  # a transactional test's flush empties the groups the migration made
    manager = UserFactory(is_staff=True)
    manager.groups.add(Group.objects.get(name="Ad managers"))
    client.force_login(manager)
    assert client.get("/admin/ads/campaign/add/").status_code == 200
    assert client.get("/admin/ads/adfreesubscription/").status_code == 200
    assert client.get("/admin/ads/adfreesubscription/add/").status_code == 403
    assert client.get("/admin/videos/video/").status_code == 403
