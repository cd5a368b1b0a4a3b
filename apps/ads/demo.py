"""`seed_demo`'s ads: one active campaign shown to anonymous viewers of every public video,
with a pre-roll made by ffmpeg's test sources (sent through the real pipeline) and a banner
drawn with Pillow. Idempotent: what exists is left alone."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.utils import timezone
from PIL import Image, ImageDraw

from apps.ads import creatives, selectors
from apps.ads.models import Advertiser, Audience, Campaign, CampaignStatus, Creative, CreativeKind
from media_pipeline.run import find_ffmpeg, run_tool

ADVERTISER = "Streamsite demo advertiser"
CAMPAIGN = "Demo campaign"
CLICK_URL = "https://example.com/"


def _preroll(out: Path) -> None:
    run_tool(
        [
            find_ffmpeg(settings.FFMPEG_BINARY), "-hide_banner", "-nostdin", "-v", "error", "-y",
            "-f", "lavfi", "-i", "smptebars=size=640x360:rate=25:duration=8",
            "-f", "lavfi", "-i", "sine=frequency=880:duration=8:sample_rate=48000",
            "-vf", "drawbox=x=0:y=300:w=640:h=60:color=black@0.6:t=fill",
            "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
            "-c:a", "aac", "-shortest", str(out),
        ],
        timeout=120,
    )  # fmt: skip


def _banner() -> io.BytesIO:
    image = Image.new("RGB", (300, 250), "#1e3a8a")
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 10, 289, 239), outline="#fbbf24", width=4)
    draw.text((30, 100), "Your ad here", fill="#ffffff")
    draw.text((30, 130), "Streamsite demo campaign", fill="#fbbf24")
    out = io.BytesIO()
    image.save(out, format="PNG")
    out.seek(0)
    return out


def seed(*, stdout) -> None:
    advertiser, _ = Advertiser.objects.get_or_create(name=ADVERTISER)
    campaign, created = Campaign.objects.get_or_create(
        advertiser=advertiser,
        name=CAMPAIGN,
        defaults={
            "status": CampaignStatus.ACTIVE,
            "starts_at": timezone.now(),
            "audience": Audience.ANONYMOUS,
            "weight": 100,
        },
    )
    have = set(campaign.creatives.values_list("kind", flat=True))
    if CreativeKind.BANNER not in have:
        creatives.creative_create_banner(
            campaign=campaign, name="Demo banner", click_url=CLICK_URL, upload=_banner()
        )
    if CreativeKind.PREROLL not in have:
        with tempfile.TemporaryDirectory(prefix="streamsite-ad-") as tmp:
            path = Path(tmp) / "preroll.mp4"
            _preroll(path)
            with open(path, "rb") as fh:
                creatives.creative_create_preroll(
                    campaign=campaign, name="Demo pre-roll", click_url=CLICK_URL,
                    upload=File(fh, name="preroll.mp4"), filename="preroll.mp4", skip_after_s=5,
                )  # fmt: skip
    selectors.running_campaigns_forget()
    count = Creative.objects.filter(campaign=campaign).count()
    stdout.write(f"ad campaign {campaign.id} ready ({count} creatives)")
