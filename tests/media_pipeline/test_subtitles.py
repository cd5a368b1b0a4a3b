"""Captions in the manifests, as data: the master playlist's SUBTITLES group, the subtitles
media playlist, the MPD's text AdaptationSet."""

from fractions import Fraction
from xml.etree import ElementTree as ET

import pytest

from media_pipeline import manifests
from media_pipeline.subtitles import SubtitleTrack, subtitle_playlist

NS = {"d": "urn:mpeg:dash:schema:mpd:2011"}
SUBS = [
    SubtitleTrack("English", "en", "../cc/en-1.m3u8", "../cc/en-1.vtt"),
    SubtitleTrack("Deutsch (auto)", "de", "../cc/de-2.m3u8", "../cc/de-2.vtt"),
]


def _variant(name: str, height: int, bps: int) -> manifests.Variant:
    return manifests.Variant(name, height * 16 // 9, height, Fraction(30), "avc1.64001e", bps,
                             bps, f"v/{name}/index.m3u8")  # fmt: skip


def _audio() -> manifests.AudioTrack:
    return manifests.AudioTrack("a/index.m3u8", "mp4a.40.2", 130_000, 128_000)


def test_master_lists_subtitles_and_every_variant_refers_to_them():
    text = manifests.master_playlist(
        [_variant("360p", 360, 800_000), _variant("240p", 240, 400_000)], _audio(), (), SUBS
    )
    lines = text.splitlines()
    media = [line for line in lines if line.startswith("#EXT-X-MEDIA:TYPE=SUBTITLES")]
    assert media == [
        '#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="English",LANGUAGE="en",'
        'DEFAULT=NO,AUTOSELECT=YES,URI="../cc/en-1.m3u8"',
        '#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="Deutsch (auto)",LANGUAGE="de",'
        'DEFAULT=NO,AUTOSELECT=YES,URI="../cc/de-2.m3u8"',
    ]
    variants = [line for line in lines if line.startswith("#EXT-X-STREAM-INF:")]
    assert len(variants) == 2
    assert all('SUBTITLES="subs"' in v and 'AUDIO="aud"' in v for v in variants)
    # Media lines come before the variants that name their group.
    assert lines.index(media[-1]) < lines.index(variants[0])


def test_master_without_captions_has_no_subtitles_group():
    text = manifests.master_playlist([_variant("360p", 360, 800_000)], _audio())
    assert "SUBTITLES" not in text


def test_a_label_that_would_break_the_playlist_is_refused():
    bad = SubtitleTrack('Eng"lish', "en", "../cc/en.m3u8", "../cc/en.vtt")
    with pytest.raises(ValueError):
        manifests.master_playlist([_variant("360p", 360, 800_000)], _audio(), (), [bad])


def test_subtitle_playlist_is_one_webvtt_segment_covering_the_title():
    text = subtitle_playlist("en-1.vtt", 12.4)
    assert text.splitlines() == [
        "#EXTM3U",
        "#EXT-X-VERSION:3",
        "#EXT-X-TARGETDURATION:13",
        "#EXT-X-MEDIA-SEQUENCE:0",
        "#EXT-X-PLAYLIST-TYPE:VOD",
        "#EXTINF:12.400000,",
        "en-1.vtt",
        "#EXT-X-ENDLIST",
    ]


def test_mpd_has_a_text_adaptation_set_per_caption():
    video = manifests.DashTrack("360p", "avc1.64001e", 800_000, "v/360p", [4.0], 640, 360,
                                Fraction(30))  # fmt: skip
    audio = manifests.DashTrack("audio", "mp4a.40.2", 130_000, "a", [4.0])
    mpd = ET.fromstring(
        manifests.dash_mpd(duration_s=4.0, video=[video], audio=audio, subtitles=SUBS)
    )
    sets = mpd.findall("d:Period/d:AdaptationSet", NS)
    assert [s.get("contentType") for s in sets] == ["video", "audio", "text", "text"]
    assert len({s.get("id") for s in sets}) == 4
    text = [s for s in sets if s.get("contentType") == "text"]
    assert [(s.get("mimeType"), s.get("lang")) for s in text] == [
        ("text/vtt", "en"),
        ("text/vtt", "de"),
    ]
    assert [s.find("d:Label", NS).text for s in text] == ["English", "Deutsch (auto)"]
    urls = [s.find("d:Representation/d:BaseURL", NS).text for s in text]
    assert urls == ["../cc/en-1.vtt", "../cc/de-2.vtt"]
