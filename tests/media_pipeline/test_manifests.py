"""Playlists, MPD, WebVTT thumbnails and codec strings, as text."""

from __future__ import annotations

import struct
import xml.etree.ElementTree as ET
from fractions import Fraction

import pytest

from media_pipeline.manifests import (
    AudioTrack,
    DashTrack,
    MediaPlaylist,
    Tile,
    Variant,
    aac_codec_string,
    avc_codec_string,
    codec_string,
    dash_mpd,
    master_playlist,
    media_playlist,
    parse_media_playlist,
    segment_bitrates,
    thumbnails_vtt,
)
from media_pipeline.mp4box import Mp4ParseError

# Verbatim from ffmpeg 5.1's HLS muxer (fMP4, VOD).
FFMPEG_PLAYLIST = """#EXTM3U
#EXT-X-VERSION:7
#EXT-X-TARGETDURATION:4
#EXT-X-MEDIA-SEQUENCE:0
#EXT-X-PLAYLIST-TYPE:VOD
#EXT-X-INDEPENDENT-SEGMENTS
#EXT-X-MAP:URI="init.mp4"
#EXTINF:4.000000,
seg_00000.m4s
#EXTINF:4.000000,
seg_00001.m4s
#EXTINF:2.000000,
seg_00002.m4s
#EXT-X-ENDLIST
"""

NS = {"d": "urn:mpeg:dash:schema:mpd:2011"}


def test_parse_media_playlist() -> None:
    pl = parse_media_playlist(FFMPEG_PLAYLIST)
    assert pl.init_uri == "init.mp4"
    assert pl.segments == [("seg_00000.m4s", 4.0), ("seg_00001.m4s", 4.0), ("seg_00002.m4s", 2.0)]
    assert pl.target_duration == 4
    assert pl.duration == 10.0
    with pytest.raises(ValueError):
        parse_media_playlist("not a playlist")


def test_media_playlist_round_trip() -> None:
    pl = parse_media_playlist(FFMPEG_PLAYLIST)
    assert parse_media_playlist(media_playlist(pl)) == pl
    text = media_playlist(MediaPlaylist("init.mp4", [("a.m4s", 4.004)], 4))
    assert "#EXT-X-TARGETDURATION:5" in text
    assert text.rstrip().endswith("#EXT-X-ENDLIST")
    with pytest.raises(ValueError):
        media_playlist(MediaPlaylist('in"it.mp4', [("a.m4s", 1.0)], 1))


def test_segment_bitrates() -> None:
    peak, average = segment_bitrates([500_000, 1_000_000, 100_000], [4.0, 4.0, 1.0])
    assert peak == 2_000_000
    assert average == pytest.approx(1_600_000 * 8 / 9, abs=1)
    with pytest.raises(ValueError):
        segment_bitrates([1], [])


def _variants() -> list[Variant]:
    return [
        Variant(
            "720p",
            1280,
            720,
            Fraction(30000, 1001),
            "avc1.64001f",
            3_000_000,
            2_500_000,
            "v/720p/index.m3u8",
        ),
        Variant(
            "360p",
            640,
            360,
            Fraction(30000, 1001),
            "avc1.64001e",
            800_000,
            600_000,
            "v/360p/index.m3u8",
        ),
    ]


def test_master_playlist_with_audio() -> None:
    audio = AudioTrack("a/index.m3u8", "mp4a.40.2", 140_000, 130_000)
    text = master_playlist(_variants(), audio)
    lines = text.splitlines()
    assert lines[:3] == ["#EXTM3U", "#EXT-X-VERSION:7", "#EXT-X-INDEPENDENT-SEGMENTS"]
    assert lines[3] == (
        '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="default",DEFAULT=YES,AUTOSELECT=YES,'
        'LANGUAGE="und",CHANNELS="2",URI="a/index.m3u8"'
    )
    assert lines[4] == (
        "#EXT-X-STREAM-INF:BANDWIDTH=940000,AVERAGE-BANDWIDTH=730000,RESOLUTION=640x360,"
        'FRAME-RATE=29.970,CODECS="avc1.64001e,mp4a.40.2",AUDIO="aud"'
    )
    assert lines[5] == "v/360p/index.m3u8"
    assert lines[6].startswith("#EXT-X-STREAM-INF:BANDWIDTH=3140000,")
    assert lines[7] == "v/720p/index.m3u8"


def test_master_playlist_with_alternate_languages() -> None:
    audio = AudioTrack("a/index.m3u8", "mp4a.40.2", 140_000, 130_000, language="fra")
    eng = AudioTrack("a/eng/index.m3u8", "mp4a.40.2", 150_000, 120_000, language="eng", name="eng")
    lines = master_playlist(_variants(), audio, [eng]).splitlines()
    assert 'DEFAULT=YES,AUTOSELECT=YES,LANGUAGE="fra"' in lines[3]
    assert lines[4] == (
        '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="eng",DEFAULT=NO,AUTOSELECT=YES,'
        'LANGUAGE="eng",CHANNELS="2",URI="a/eng/index.m3u8"'
    )
    # A variant is played with either language: the costlier one counts.
    assert lines[5].startswith("#EXT-X-STREAM-INF:BANDWIDTH=950000,AVERAGE-BANDWIDTH=730000,")
    durations = [4.0, 1.0]
    video = [DashTrack("360p", "avc1.64001e", 800_000, "v/360p", durations, 640, 360)]
    alternate = DashTrack("audio-eng", "mp4a.40.2", 1, "a/eng", durations, language="eng")
    main = DashTrack("audio", "mp4a.40.2", 1, "a", durations, language="fra")
    root = ET.fromstring(dash_mpd(duration_s=5, video=video, audio=main, alternates=[alternate]))
    _, fra, eng_set = root.findall("d:Period/d:AdaptationSet", NS)
    assert (fra.get("lang"), eng_set.get("lang")) == ("fra", "eng")
    roles = [s.find("d:Role", NS).get("value") for s in (fra, eng_set)]
    assert roles == ["main", "alternate"]
    assert eng_set.find("d:Representation/d:SegmentTemplate", NS).get("media").startswith("a/eng/")


def test_master_playlist_without_audio() -> None:
    text = master_playlist(_variants()[:1], None)
    assert "EXT-X-MEDIA" not in text and "AUDIO=" not in text
    assert 'CODECS="avc1.64001f"' in text
    assert "BANDWIDTH=3000000,AVERAGE-BANDWIDTH=2500000" in text
    with pytest.raises(ValueError):
        master_playlist([], None)


def test_dash_mpd() -> None:
    durations = [4.004, 4.004, 4.004, 1.335]
    video = [
        DashTrack(
            "720p", "avc1.64001f", 3_000_000, "v/720p", durations, 1280, 720, Fraction(30000, 1001)
        ),
        DashTrack(
            "360p", "avc1.64001e", 800_000, "v/360p/", durations, 640, 360, Fraction(30000, 1001)
        ),
    ]
    audio = DashTrack("audio", "mp4a.40.2", 140_000, "a", [4.01, 3.99, 4.01, 1.33])
    text = dash_mpd(duration_s=sum(durations), video=video, audio=audio)
    root = ET.fromstring(text.encode())
    assert root.get("type") == "static"
    assert root.get("profiles") == "urn:mpeg:dash:profile:isoff-live:2011"
    assert root.get("mediaPresentationDuration") == "PT13.347S"
    vset, aset = root.findall("d:Period/d:AdaptationSet", NS)
    assert vset.get("segmentAlignment") == "true" and vset.get("mimeType") == "video/mp4"
    reps = vset.findall("d:Representation", NS)
    assert [r.get("id") for r in reps] == ["360p", "720p"]
    assert reps[0].get("frameRate") == "30000/1001"
    template = reps[0].find("d:SegmentTemplate", NS)
    assert template is not None
    assert template.get("initialization") == "v/360p/init.mp4"
    assert template.get("media") == "v/360p/seg_$Number%05d$.m4s"
    assert template.get("startNumber") == "0"
    entries = template.findall("d:SegmentTimeline/d:S", NS)
    assert [(s.get("t"), s.get("d"), s.get("r")) for s in entries] == [
        ("0", "4004", "2"),
        (None, "1335", None),
    ]
    expected = [(rep, 13347) for rep in reps] + [(aset.find("d:Representation", NS), 13340)]
    for rep, total_ms in expected:
        total = sum(
            int(s.get("d")) * (1 + int(s.get("r") or 0))
            for s in rep.findall("d:SegmentTemplate/d:SegmentTimeline/d:S", NS)
        )
        assert total == total_ms
    assert aset.find("d:AudioChannelConfiguration", NS).get("value") == "2"
    assert aset.find("d:Representation", NS).get("audioSamplingRate") == "48000"


def test_dash_timeline_rounding_is_cumulative() -> None:
    durations = [1 / 3] * 9
    track = DashTrack("v", "avc1.640015", 1, "v", durations, 2, 2, Fraction(30))
    root = ET.fromstring(dash_mpd(duration_s=3, video=[track], audio=None).encode())
    entries = root.findall(".//d:S", NS)
    total = sum(int(s.get("d")) * (1 + int(s.get("r") or 0)) for s in entries)
    assert total == 3000


def test_thumbnails_vtt() -> None:
    text = thumbnails_vtt(
        tiles=[(0, 5, "sprite.jpg", 0, 0, 160, 90), Tile(5, 3725.5, "sprite.jpg", 160, 0, 160, 90)]
    )
    assert text == (
        "WEBVTT\n\n"
        "00:00:00.000 --> 00:00:05.000\nsprite.jpg#xywh=0,0,160,90\n\n"
        "00:00:05.000 --> 01:02:05.500\nsprite.jpg#xywh=160,0,160,90\n"
    )


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def _init(entry: bytes) -> bytes:
    stsd = _box(b"stsd", b"\x00" * 4 + struct.pack(">I", 1) + entry)
    stbl = _box(b"stbl", stsd)
    moov = _box(b"moov", _box(b"trak", _box(b"mdia", _box(b"minf", stbl))))
    return _box(b"ftyp", b"iso6\x00\x00\x02\x00") + moov


def test_avc_codec_string() -> None:
    avcc = _box(b"avcC", bytes([1, 0x64, 0x00, 0x1F, 0xFF]))
    init = _init(_box(b"avc1", b"\x00" * 78 + avcc))
    assert avc_codec_string(init) == "avc1.64001f"
    assert codec_string(init) == "avc1.64001f"


def test_aac_codec_string() -> None:
    asc = bytes([0x11, 0x90])  # audio object type 2 (AAC-LC), 48 kHz, stereo
    dsi = bytes([0x05, len(asc)]) + asc
    dcd_body = bytes([0x40, 0x15]) + b"\x00" * 11 + dsi
    dcd = bytes([0x04, len(dcd_body)]) + dcd_body
    es_body = b"\x00\x01\x00" + dcd
    # Sizes written in the 4-byte form some muxers use.
    es = bytes([0x03, 0x80, 0x80, 0x80, len(es_body)]) + es_body
    esds = _box(b"esds", b"\x00" * 4 + es)
    init = _init(_box(b"mp4a", b"\x00" * 28 + esds))
    assert aac_codec_string(init) == "mp4a.40.2"
    assert codec_string(init) == "mp4a.40.2"


def test_codec_string_refuses_garbage() -> None:
    with pytest.raises(Mp4ParseError):
        avc_codec_string(_box(b"ftyp", b"isom"))
    with pytest.raises(Mp4ParseError):
        avc_codec_string(struct.pack(">I4s", 100, b"moov"))
