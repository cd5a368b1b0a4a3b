"""A decision as a VAST 4.0 document (IAB), for standard players and ad tooling."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from apps.ads.models import CreativeKind

NS = "http://www.iab.com/VAST"


def _clock(seconds: float) -> str:
    ms = int(round(seconds * 1000))
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def _text(parent: ET.Element, tag: str, text: str, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: v for k, v in attrs.items() if v is not None})
    element.text = text
    return element


def vast_document(decision=None, *, urls: dict[str, str] | None = None) -> bytes:
    """The VAST XML; with no decision, the empty VAST that means "no ad" to every player.

    `urls`: absolute `media`, `impression`, `complete` and `click` URLs of the decision.
    """
    root = ET.Element("VAST", {"version": "4.0", "xmlns": NS})
    if decision is None:
        return ET.tostring(root, encoding="utf-8", xml_declaration=True)
    urls = urls or {}
    creative = decision.creative
    ad = ET.SubElement(root, "Ad", {"id": str(decision.campaign.id)})
    inline = ET.SubElement(ad, "InLine")
    _text(inline, "AdSystem", "Streamsite", version="1.0")
    _text(inline, "AdServingId", decision.view.view)
    _text(inline, "AdTitle", decision.campaign.name)
    _text(inline, "Advertiser", decision.campaign.advertiser)
    _text(inline, "Impression", urls["impression"], id=decision.view.view)
    creatives = ET.SubElement(inline, "Creatives")
    element = ET.SubElement(creatives, "Creative", {"id": str(creative.id), "sequence": "1"})
    # Required by VAST 4; with no registry the IAB asks for "unknown" in both places.
    _text(element, "UniversalAdId", "unknown", idRegistry="unknown")
    if creative.kind == CreativeKind.PREROLL:
        linear = ET.SubElement(element, "Linear", {"skipoffset": _clock(creative.skip_after_s)})
        _text(linear, "Duration", _clock(creative.duration or 0))
        tracking = ET.SubElement(linear, "TrackingEvents")
        _text(tracking, "Tracking", urls["complete"], event="complete")
        clicks = ET.SubElement(linear, "VideoClicks")
        _text(clicks, "ClickThrough", urls["click"], id=decision.view.view)
        files = ET.SubElement(linear, "MediaFiles")
        _text(
            files, "MediaFile", urls["media"], delivery="streaming",
            type="application/x-mpegURL", width=str(creative.width or 0),
            height=str(creative.height or 0), minBitrate=None,
        )  # fmt: skip
    else:
        ads = ET.SubElement(element, "NonLinearAds")
        nonlinear = ET.SubElement(
            ads, "NonLinear",
            {"width": str(creative.width or 0), "height": str(creative.height or 0)},
        )  # fmt: skip
        _text(nonlinear, "StaticResource", urls["media"], creativeType="image/webp")
        _text(nonlinear, "NonLinearClickThrough", urls["click"])
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
