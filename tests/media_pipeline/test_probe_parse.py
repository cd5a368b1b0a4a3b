"""Parsers for ffmpeg's input banner, ffprobe JSON and framecrc, on canned text."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest

from media_pipeline.probe_parse import (
    banner_rate,
    clockwise_rotation,
    parse_ffmpeg_banner,
    parse_ffprobe_json,
    parse_framecrc_end,
)
from media_pipeline.sniff import classify, looks_like_iso_bmff, sniff_bytes

PHONE_BANNER = """\
Input #0, mov,mp4,m4a,3gp,3g2,mj2, from '/tmp/probe-x/input':
  Metadata:
    major_brand     : qt
    creation_time   : 2023-05-01T10:00:00.000000Z
    com.apple.quicktime.location.ISO6709: +48.8584+002.2945+035.000/
  Duration: 00:01:02.53, start: 0.000000, bitrate: 17383 kb/s
  Stream #0:0[0x1](und): Video: hevc (Main) (hvc1 / 0x31637668), yuv420p(tv, bt709), \
1920x1080, 17130 kb/s, 29.97 fps, 29.97 tbr, 600 tbn (default)
    Metadata:
      handler_name    : Core Media Video
    Side data:
      displaymatrix: rotation of -90.00 degrees
  Stream #0:1[0x2](und): Audio: aac (LC) (mp4a / 0x6134706D), 44100 Hz, stereo, fltp, \
187 kb/s (default)
  Stream #0:2[0x3](und): Data: none (mebx / 0x7862656D), 0 kb/s (default)
At least one output file must be specified
"""

COVER_ART_BANNER = """\
Input #0, matroska,webm, from 'input':
  Duration: 00:00:10.00, start: -0.007000, bitrate: 500 kb/s
  Stream #0:0: Video: mjpeg (Baseline), yuvj420p(pc), 600x600 [SAR 1:1 DAR 1:1], 90k tbr, \
90k tbn (attached pic)
  Stream #0:1(eng): Audio: vorbis, 48000 Hz, stereo, fltp (default)
  Stream #0:2: Video: h264 (High), yuv420p(progressive), 720x576 [SAR 16:15 DAR 4:3], \
SAR 16:15 DAR 4:3, 25 fps, 25 tbr, 1k tbn (default)
Output #0, null, to 'pipe:':
  Stream #0:0: Video: wrapped_avframe, 123x45
"""


def test_banner_phone_clip() -> None:
    info = parse_ffmpeg_banner(PHONE_BANNER)
    assert info is not None
    assert info.format_name == "mov,mp4,m4a,3gp,3g2,mj2"
    assert info.duration == pytest.approx(62.53)
    assert info.bit_rate == 17_383_000
    video, audio, data = info.streams
    assert (video.kind, video.codec, video.width, video.height) == ("video", "hevc", 1920, 1080)
    assert video.avg_fps == Fraction(30000, 1001)
    assert video.rotation == 90
    assert (audio.kind, audio.codec) == ("audio", "aac")
    assert data.kind == "data"


def test_banner_cover_art_and_anamorphic() -> None:
    info = parse_ffmpeg_banner(COVER_ART_BANNER)
    assert info is not None
    assert info.format_name == "matroska,webm"
    assert info.start_time == pytest.approx(-0.007)
    # Output sections are not part of the input description.
    assert len(info.streams) == 3
    cover, _, video = info.streams
    assert cover.attached_pic and not video.attached_pic
    assert (video.width, video.height, video.sar) == (720, 576, Fraction(16, 15))
    assert video.avg_fps == 25
    assert cover.r_fps == 90000


def test_banner_new_ffmpeg_spelling_and_missing_duration() -> None:
    text = (
        "Input #0, mpegts, from 'input':\n"
        "  Duration: N/A, start: 1.400000, bitrate: N/A\n"
        "  Stream #0:0[0x100]: Video: h264 (High) ([27][0][0][0] / 0x001B), yuv420p, 640x360, "
        "23.98 fps, 23.98 tbr, 90k tbn\n"
        "    Side data:\n"
        "      Display Matrix: rotation of 180.00 degrees\n"
    )
    info = parse_ffmpeg_banner(text)
    assert info is not None
    assert info.duration is None
    assert info.start_time == pytest.approx(1.4)
    (video,) = info.streams
    assert video.rotation == 180
    assert video.avg_fps == Fraction(24000, 1001)
    # "[0x100]" and "0x001B" must not be mistaken for a frame size.
    assert (video.width, video.height) == (640, 360)


def test_banner_field_order_colour_and_languages() -> None:
    text = (
        "Input #0, matroska,webm, from 'input':\n"
        "  Duration: 00:00:02.00, start: 0.000000, bitrate: 900 kb/s\n"
        "  Stream #0:0: Video: h264 (High 10), yuv420p10le(tv, bt2020nc/bt2020/smpte2084, "
        "top coded first (swapped)), 1920x1080 [SAR 1:1 DAR 16:9], 25 fps, 25 tbr, 1k tbn\n"
        "  Stream #0:1(eng): Audio: aac (LC), 48000 Hz, stereo, fltp\n"
        "  Stream #0:2[0x3](fra): Audio: aac (LC), 48000 Hz, stereo, fltp (default)\n"
    )
    info = parse_ffmpeg_banner(text)
    assert info is not None
    video, eng, fra = info.streams
    assert (video.width, video.height) == (1920, 1080)
    assert video.field_order == "tb"
    assert (video.color_space, video.color_primaries) == ("bt2020nc", "bt2020")
    assert video.color_transfer == "smpte2084"
    assert (eng.language, eng.default, fra.language, fra.default) == ("eng", False, "fra", True)
    phone_video, phone_audio, _ = parse_ffmpeg_banner(PHONE_BANNER).streams
    # One name when all three agree; "und" is no language.
    assert (phone_video.color_transfer, phone_video.field_order) == ("bt709", None)
    assert phone_audio.language is None and phone_audio.default
    (top,) = parse_ffmpeg_banner(
        "Input #0, mpegts, from 'x':\n  Stream #0:0[0x100]: Video: mpeg2video (Main), "
        "yuv420p(tv, top first), 720x576 [SAR 16:15 DAR 4:3], 25 fps, 25 tbr, 90k tbn\n"
    ).streams
    assert (top.field_order, top.color_transfer, top.width) == ("tt", None, 720)


def test_banner_absent() -> None:
    assert parse_ffmpeg_banner("input: Invalid data found when processing input\n") is None


def test_banner_rates() -> None:
    assert banner_rate("30") == 30
    assert banner_rate("29.97") == Fraction(30000, 1001)
    assert banner_rate("59.94") == Fraction(60000, 1001)
    assert banner_rate("12.50") == Fraction(25, 2)
    assert banner_rate("1", "k") == 1000
    assert banner_rate("0") is None


def test_rotation_convention() -> None:
    # ffmpeg reports the display matrix angle counter-clockwise; we store clockwise degrees.
    assert clockwise_rotation(-90.0) == 90
    assert clockwise_rotation(90.0) == 270
    assert clockwise_rotation(180.0) == 180
    assert clockwise_rotation(-0.0) == 0


def test_ffprobe_json() -> None:
    text = json.dumps(
        {
            "streams": [
                {
                    "index": 0,
                    "codec_type": "video",
                    "codec_name": "h264",
                    "width": 1920,
                    "height": 1080,
                    "sample_aspect_ratio": "1:1",
                    "avg_frame_rate": "30000/1001",
                    "r_frame_rate": "0/0",
                    "disposition": {"attached_pic": 0},
                    "side_data_list": [{"side_data_type": "Display Matrix", "rotation": -90}],
                },
                {
                    "index": 1,
                    "codec_type": "video",
                    "codec_name": "png",
                    "disposition": {"attached_pic": 1},
                    "tags": {"rotate": "abc"},
                },
            ],
            "format": {"format_name": "mov,mp4,m4a,3gp,3g2,mj2", "duration": "N/A"},
        }
    )
    info = parse_ffprobe_json(text)
    assert info.duration is None
    first, second = info.streams
    assert first.rotation == 90 and first.avg_fps == Fraction(30000, 1001)
    assert first.r_fps is None
    assert second.attached_pic and second.rotation == 0


def test_framecrc_end() -> None:
    head = "#tb 0: 1/15360\n#media_type 0: video\n"
    tail = (
        "0,      60416,      60928,      512,     9467, 0x6ad4ec32, F=0x0\n"
        "0,      60928,      60416,      512,     9467, 0x6ad4ec32\n"
        "0,      61"  # a line cut by the tail window is ignored
    )
    assert parse_framecrc_end(head, tail) == pytest.approx((60928 + 512) / 15360)
    assert parse_framecrc_end("", tail) is None
    assert parse_framecrc_end(head, "") is None


@pytest.mark.parametrize(
    ("head", "code"),
    [
        (b"", "empty"),
        (b"\xef\xbb\xbf  #EXTM3U\n#EXTINF:1,\nx.ts\n", "hls"),
        (b"ffconcat version 1.0\nfile 'a.mp4'\n", "concat"),
        (b"# comment\n\nfile '/etc/passwd'\n", "concat"),
        (b"<!DOCTYPE html><html>", "text"),
        (b'<?xml version="1.0"?><svg/>', "text"),
        (b"just words\n" * 10, "text"),
        ("caf\u00e9 ".encode() * 3 + "\u00e9".encode()[:1], "text"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "image"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 20, "image"),
        (b"GIF89a" + b"\x00" * 20, "image"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image"),
        (b"BM" + b"\x00" * 12 + (40).to_bytes(4, "little"), "image"),
        (b"II*\x00" + b"\x00" * 8, "image"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00", "image"),
        (b"RIFF\x24\x00\x00\x00WAVEfmt ", "audio_only"),
        (b"ID3\x04\x00\x00\x00\x00\x00\x00", "audio_only"),
        (b"\xff\xf1\x50\x80\x02\x1f\xfc", "audio_only"),
        (b"fLaC\x00\x00\x00\x22", "audio_only"),
        (b"\x00\x00\x00\x01\x67\x64\x00\x1f", "raw_stream"),
        (b"\x00\x00\x00\x01\x09\xf0\x00\x00", "raw_stream"),
        (b"\x00\x00\x00\x01\x40\x01\x0c\x01", "raw_stream"),
    ],
)
def test_sniff_refuses(head: bytes, code: str) -> None:
    found = classify(head)
    assert found is not None and found[1] == code
    assert sniff_bytes(head) == found[0]


@pytest.mark.parametrize(
    "head",
    [
        b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41",
        b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01",
        b"RIFF\x10\x00\x00\x00AVI LIST",
        b"\x47\x40\x00\x10\x00" * 8,
        b"BMW-like junk that is not a bitmap" + b"\x00",
        b"\x00\x00\x01\xba\x44\x00\x04\x00",  # MPEG program stream pack header
        b"\x00\x00\x00\x01ftyp\x00\x00\x00\x00\x00\x00\x00\x20",  # 64-bit box size
        b"OggS\x00\x02",  # may well hold Theora video: the probe decides
    ],
)
def test_sniff_passes_containers(head: bytes) -> None:
    assert classify(head) is None


def test_iso_bmff_detection() -> None:
    assert looks_like_iso_bmff(b"\x00\x00\x00\x20ftypisom")
    assert not looks_like_iso_bmff(b"\x1a\x45\xdf\xa3")
