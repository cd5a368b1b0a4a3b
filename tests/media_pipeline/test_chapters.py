"""Chapters: description lines, the source's markers through the real probe, hostile titles."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from media_pipeline.chapters import (
    MAX_CHAPTERS,
    MAX_TITLE_CHARS,
    Chapter,
    clean_title,
    from_banner,
    from_description,
    from_ffprobe,
    normalise,
    parse_timestamp,
)
from media_pipeline.probe import ProbeLimits, probe

DESCRIPTION = """My trip to the mountains.

0:00 Intro
1:05 - The climb
(12:30) Summit view
1:02:03 | Going down
Thanks for watching! 99:99 is not a time.
"""


def _pairs(chapters: list[Chapter]) -> list[tuple[float, str]]:
    return [(c.start, c.title) for c in chapters]


def test_description_chapters_are_read_with_their_separators():
    assert _pairs(from_description(DESCRIPTION)) == [
        (0, "Intro"),
        (65, "The climb"),
        (750, "Summit view"),
        (3723, "Going down"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "1:00 Intro\n2:00 Middle\n3:00 End",  # the first does not start at 0:00
        "0:00 Intro\n2:00 Middle",  # fewer than three
        "0:00 Intro\n3:00 Middle\n2:00 End",  # not ascending
        "0:00 Intro\n2:00 Middle\n2:00 Again",  # two at the same time
        "0:00 Intro\n1:75 Middle\n3:00 End",  # 75 seconds is no timestamp
        "",
        "no chapters at all\njust text",
    ],
)
def test_invalid_description_lists_are_no_chapters(text):
    assert from_description(text) == []


def test_description_chapters_past_the_end_are_refused():
    text = "0:00 Intro\n0:05 Middle\n0:30 End"
    assert len(from_description(text, duration=60)) == 3
    assert from_description(text, duration=20) == []


def test_timestamps():
    assert parse_timestamp("0:00") == 0
    assert parse_timestamp("02:03") == 123
    assert parse_timestamp("1:02:03") == 3723
    assert parse_timestamp("120:00") == 7200  # long streams write minutes past 59
    for bad in ("1:2", "1:60", "1:60:00", "abc", "", "1:02:03:04", "-1:00"):
        assert parse_timestamp(bad) is None, bad


def test_hostile_titles_are_cleaned_text():
    hostile = '<script>alert(1)</script>\u202e\u0000\x1b[31m "onmouseover=x' + "A" * 500
    title = clean_title(hostile)
    # Kept as text (escaping is the renderer's job), but one line, no controls, no bidi tricks.
    assert title.startswith("<script>alert(1)</script>")
    assert "\u202e" not in title and "\x00" not in title and "\x1b" not in title
    assert "\n" not in clean_title("a\nb\rc\td") and clean_title("a\nb") == "a b"
    assert len(title) == MAX_TITLE_CHARS and title.endswith("…")
    text = "0:00 \u202eevil\n0:10 " + "x" * 1000 + "\n0:20 \u200b"
    chapters = from_description(text)
    assert [c.title for c in chapters][0] == "evil"
    assert len(chapters[1].title) == MAX_TITLE_CHARS
    # A title of nothing but invisible characters gets a name.
    assert chapters[2].title == "Chapter 3"


def test_normalise_sorts_dedupes_bounds_and_caps():
    raw = [
        Chapter(10, "b"),
        Chapter(0, "a"),
        Chapter(10, "dup"),
        Chapter(-3, "neg"),
        Chapter(99, "z"),
    ]
    assert _pairs(normalise(raw, duration=50)) == [(0, "a"), (10, "b")]
    assert normalise([Chapter(0, "only")], duration=50) == []
    many = [Chapter(float(i), str(i)) for i in range(1000)]
    assert len(normalise(many, duration=None)) == MAX_CHAPTERS


def test_ffprobe_and_banner_chapters():
    raw = [
        {"start_time": "0.000000", "tags": {"title": "One"}},
        {"start_time": "2.500000"},
        {"start_time": "nan"},
        "garbage",
    ]
    assert _pairs(from_ffprobe(raw)) == [(0.0, "One"), (2.5, "")]
    assert from_ffprobe(None) == []
    banner = (
        "  Chapters:\n"
        "    Chapter #0:0: start 0.000000, end 1.500000\n"
        "      Metadata:\n"
        "        title           : Opening\n"
        "    Chapter #0:1: start 1.500000, end 4.000000\n"
    )
    assert _pairs(from_banner(banner)) == [(0.0, "Opening"), (1.5, "")]


@pytest.fixture(scope="module")
def chaptered_clip(samples, ffmpeg_bin, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("chapters") / "chaptered.mp4"
    meta = out.with_suffix(".ffmetadata")
    meta.write_text(
        ";FFMETADATA1\n"
        "[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=1500\ntitle=Opening <b>bold</b>\n"
        "[CHAPTER]\nTIMEBASE=1/1000\nSTART=1500\nEND=3000\ntitle=Middle\u202e part\n"
        "[CHAPTER]\nTIMEBASE=1/1000\nSTART=3000\nEND=4000\ntitle=Credits\n"
    )
    subprocess.run(
        [ffmpeg_bin, "-v", "error", "-y", "-i", str(samples["tiny_360p_4s.mp4"]), "-i", str(meta),
         "-map_metadata", "1", "-map", "0", "-c", "copy", str(out)],
        check=True, timeout=60,
    )  # fmt: skip
    return out


@pytest.mark.parametrize("with_ffprobe", [True, False], ids=["ffprobe", "ffmpeg-only"])
def test_probe_keeps_the_source_chapters(chaptered_clip, ffmpeg_bin, request, with_ffprobe):
    ffprobe = request.getfixturevalue("ffprobe_bin") if with_ffprobe else None
    info = probe(chaptered_clip, ffmpeg=ffmpeg_bin, ffprobe=ffprobe, limits=ProbeLimits())
    assert _pairs(list(info.chapters)) == [
        (0.0, "Opening <b>bold</b>"),
        (1.5, "Middle part"),
        (3.0, "Credits"),
    ]


def test_probe_of_a_clip_without_chapters(samples, ffmpeg_bin, ffprobe_bin):
    info = probe(
        samples["tiny_360p_4s.mp4"], ffmpeg=ffmpeg_bin, ffprobe=ffprobe_bin, limits=ProbeLimits()
    )
    assert info.chapters == ()
