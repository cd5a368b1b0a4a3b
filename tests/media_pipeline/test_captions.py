"""Caption files as data: WebVTT and SRT parsed, cleaned and rendered back as WebVTT."""

import pytest

from media_pipeline.captions import (
    CaptionError,
    parse_caption_file,
    render_webvtt,
    sanitize_cue_text,
)


def _vtt(data: bytes) -> str:
    return render_webvtt(parse_caption_file(data, max_bytes=100_000, max_cues=100))


def test_srt_with_bom_crlf_and_ass_overrides_becomes_webvtt():
    srt = "\ufeff1\r\n0:00:01,5 --> 0:00:02,250\r\n{\\an8}Über <font color=red>alles</font>\r\n"
    assert _vtt(srt.encode()) == "WEBVTT\n\n00:00:01.500 --> 00:00:02.250\nÜber alles\n"


def test_webvtt_keeps_valid_settings_and_drops_style_note_and_bad_settings():
    vtt = (
        b"WEBVTT\n\nSTYLE\n::cue { background: url(x) }\n\nNOTE a note\n\n"
        b"cue-1\n01:02.003 --> 01:04.000 line:10% align:start vertical:xx\n<c.loud>Hey</c>\n"
    )
    assert (
        _vtt(vtt)
        == "WEBVTT\n\n00:01:02.003 --> 00:01:04.000 line:10% align:start\n<c.loud>Hey</c>\n"
    )


@pytest.mark.parametrize(
    ("text", "clean"),
    [
        ("<i>it</i> & <b>bold</b>", "<i>it</i> &amp; <b>bold</b>"),
        ("<v Roger Bingham>Hi</v>", "<v Roger Bingham>Hi</v>"),
        ('<v a" onmouseover="x>Hi</v>', "<v>Hi</v>"),
        (
            "<lang fr>oui</lang> <ruby>漢<rt>kan</rt></ruby>",
            "<lang fr>oui</lang> <ruby>漢<rt>kan</rt></ruby>",
        ),
        ("karaoke <00:00:01.500>now", "karaoke <00:00:01.500>now"),
        ("<SCRIPT src=x></SCRIPT>ok", "ok"),
        ("<svg onload=alert(1)>x</svg>", "x"),
        ("a --> b", "a --&gt; b"),
        ("&lt;already&gt; &amp; &#169; &bogus;", "&lt;already&gt; &amp; &#169; &amp;bogus;"),
    ],
)
def test_cue_text_keeps_only_the_webvtt_subset(text, clean):
    assert sanitize_cue_text(text) == clean


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"WEBVTT\n\n00:01.000 --> 00:02.000\nok\x07\n", "Line 4: binary data"),
        (b"\xff\xfe1\x00\n", "Line 1"),
        (b"WEBVTTX\n\n00:01.000 --> 00:02.000\nok\n", "Line 1"),
        (b"1\n00:00:01,000 --> 00:00:02,000\n\n\n2\n", "Line 5: a cue number"),
        (b"WEBVTT\n\nNOTE only notes\n", "no cues"),
    ],
)
def test_refusals_say_why_and_where(data, message):
    with pytest.raises(CaptionError) as err:
        parse_caption_file(data, max_bytes=100_000, max_cues=100)
    assert message in str(err.value)


def test_limits():
    with pytest.raises(CaptionError, match="larger than"):
        parse_caption_file(b"x" * 2048, max_bytes=1024, max_cues=10)
    many = b"".join(f"{i + 1}\n00:00:0{i},000 --> 00:00:0{i},500\nc\n\n".encode() for i in range(4))
    with pytest.raises(CaptionError, match="more than 3 cues"):
        parse_caption_file(many, max_bytes=100_000, max_cues=3)
