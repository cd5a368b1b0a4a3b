"""LL-HLS playlists as data: grouping ffmpeg's parts into segments, the RFC 8216bis rules."""

from __future__ import annotations

import re

from media_pipeline import live, llhls

FFMPEG_PARTS = """#EXTM3U
#EXT-X-VERSION:3
#EXT-X-TARGETDURATION:0
#EXT-X-MEDIA-SEQUENCE:4
#EXTINF:0.333333,
#EXT-X-PROGRAM-DATE-TIME:2026-12-01T09:56:01.009+0000
part_000004.ts
#EXT-X-DISCONTINUITY
#EXTINF:0.366667,
#EXT-X-PROGRAM-DATE-TIME:2026-12-01T09:56:01.342+0000
part_000005.ts
#EXTINF:0.3,
../escape/part_000006.ts
"""


def _ts_packet(*, video: bool, keyframe: bool, start: bool = True) -> bytes:
    """One 188-byte TS packet opening a PES, with an adaptation field as ffmpeg writes it."""
    flags = 0x40 if keyframe else 0x00
    header = bytes([0x47, 0x40 if start else 0x00, 0x100 & 0xFF, 0x30])
    adaptation = bytes([1, flags])
    pes = b"\x00\x00\x01" + bytes([0xE0 if video else 0xC0])
    return (header + adaptation + pes).ljust(188, b"\xff")


def _parts(flags: str, *, start: int = 0, duration: float = 1 / 3) -> list[llhls.Part]:
    """'K..K..' -> parts, K independent (starting with a keyframe)."""
    return [
        llhls.Part(start + i, duration, c == "K", f"2026-12-01T10:00:{i:02d}.000+0000")
        for i, c in enumerate(flags)
    ]


def _group(parts: list[llhls.Part], target_s: int = 1) -> list[llhls.Segment]:
    segments: list[llhls.Segment] = []
    for part in parts:
        current = segments[-1] if segments else None
        if llhls.starts_segment(current, part, target_s=target_s):
            if current is not None:
                current.complete = True
            segments.append(llhls.Segment([part]))
        else:
            assert current is not None
            current.parts.append(part)
    return segments


def _playlist(parts: list[llhls.Part], **kwargs) -> str:
    options = dict(media_sequence=7, discontinuity_sequence=0, target_s=1, part_target_s=0.334)
    options.update(kwargs)
    segments = _group(parts)
    return llhls.media_playlist(segments, next_part=parts[-1].number + 1, **options)


def test_ffmpegs_part_list_is_read_with_dates_and_discontinuities_and_no_foreign_paths():
    parts = llhls.parse_parts(FFMPEG_PARTS)
    assert [(p.number, p.duration, p.discontinuity) for p in parts] == [
        (4, 0.333333, False),
        (5, 0.366667, True),
    ]
    assert parts[1].date == "2026-12-01T09:56:01.342+0000"


def test_a_part_is_independent_when_its_first_video_pes_is_a_keyframe():
    audio_key = _ts_packet(video=False, keyframe=True)
    assert llhls.starts_with_keyframe(audio_key + _ts_packet(video=True, keyframe=True))
    assert not llhls.starts_with_keyframe(audio_key + _ts_packet(video=True, keyframe=False))
    assert not llhls.starts_with_keyframe(audio_key)
    assert not llhls.starts_with_keyframe(b"")


def test_segments_start_at_keyframes_and_never_outgrow_the_target_duration():
    segments = _group(_parts("K..K..K.."))
    assert [len(s.parts) for s in segments] == [3, 3, 3]
    # A publisher with sparse keyframes: cut anyway before a segment would round to 2 s.
    sparse = _group(_parts("K........"))
    assert all(round(s.duration) <= 1 for s in sparse)
    assert [s.parts[0].independent for s in sparse] == [True, False, False]


def test_the_playlist_follows_rfc_8216bis_for_parts():
    text = _playlist(_parts("K..K..K..K..K..K.", start=30))
    lines = text.splitlines()
    assert lines[:2] == ["#EXTM3U", "#EXT-X-VERSION:9"]
    target = float(re.search(r"PART-TARGET=([\d.]+)", text)[1])
    hold_back = float(re.search(r"PART-HOLD-BACK=([\d.]+)", text)[1])
    assert "CAN-BLOCK-RELOAD=YES" in text and hold_back >= 3 * target
    durations = [float(d) for d in re.findall(r"#EXT-X-PART:DURATION=([\d.]+)", text)]
    assert durations and all(d <= target for d in durations)
    extinf = [float(d) for d in re.findall(r"#EXTINF:([\d.]+),", text)]
    assert all(round(d) <= 1 for d in extinf) and len(extinf) == 5
    # Parts only for the last three whole segments and the open one; older ones whole.
    assert text.index("#EXT-X-PART:") > text.index("seg_000033.ts")
    assert 'URI="part_000030.ts"' not in text and 'URI="part_000036.ts"' in text
    assert text.count("INDEPENDENT=YES") == 4
    # The open segment: parts without an EXTINF, then the hint for ffmpeg's next part.
    assert lines[-1] == '#EXT-X-PRELOAD-HINT:TYPE=PART,URI="part_000047.ts"'
    assert lines[-3].startswith("#EXT-X-PART:") and lines[-4].startswith("#EXT-X-PROGRAM-DATE")
    assert lines[-5] == "seg_000042.ts"


def test_the_position_of_a_playlist_answers_blocking_reloads():
    text = _playlist(_parts("K..K..K..K..K..K.", start=30))
    position = llhls.playlist_position(text)
    # Media sequence 7: segments 7..11 whole, 12 open with two parts (0 and 1).
    assert position == llhls.Position(msn=12, part=1, complete=False, ended=False)
    assert llhls.satisfies(position, 12, 1) and llhls.satisfies(position, 11, None)
    assert llhls.satisfies(position, 11, 5)
    assert not llhls.satisfies(position, 12, 2) and not llhls.satisfies(position, 12, None)
    assert not llhls.satisfies(position, 13, 0)
    assert llhls.too_far(position, 15) and not llhls.too_far(position, 14)
    ended = live.end_playlist(text)
    assert "PRELOAD-HINT" not in ended and ended.endswith("#EXT-X-ENDLIST\n")
    assert llhls.satisfies(llhls.playlist_position(ended), 20, 0)


def test_a_discontinuity_starts_a_segment_and_is_marked():
    parts = _parts("K..K..") + [
        llhls.Part(6, 1 / 3, True, "2026-12-01T10:01:00.000+0000", discontinuity=True)
    ]
    text = _playlist(parts)
    assert text.index("#EXT-X-DISCONTINUITY\n") < text.index('URI="part_000006.ts"')
    assert "#EXT-X-DISCONTINUITY-SEQUENCE:0" in text


def test_parts_are_cut_on_the_keyframe_grid_and_their_target_holds_every_frame_rate():
    part_s = live.part_length(1.0, 3)
    assert part_s == 0.333333 and 3 * part_s <= 1.0
    assert llhls.part_target(part_s, 30) == 0.334
    assert llhls.part_target(part_s, 25) == 0.36  # parts of 8 or 9 frames
    source = live.LiveSource(640, 360, 30.0, "h264", True)
    args = live.transcode_args(
        "ffmpeg", source=source, rungs=live.live_ladder(source, max_rungs=1),
        out_dir=__import__("pathlib").Path("/tmp/x"), segment_s=1.0, list_size=12, part_s=part_s,
    )  # fmt: skip
    assert args[args.index("-hls_time") + 1] == "0.333333"
    assert "split_by_time" in args[args.index("-hls_flags") + 1]
    assert args[args.index("-hls_segment_filename") + 1].endswith("part_%06d.ts")
    assert args[args.index("-force_key_frames") + 1] == "expr:gte(t,n_forced*1)"
    assert "-start_number" not in args
    again = live.transcode_args(
        "ffmpeg", source=source, rungs=live.live_ladder(source, max_rungs=1),
        out_dir=__import__("pathlib").Path("/tmp/x"), segment_s=1.0, list_size=12, part_s=part_s,
        start_number=42,
    )  # fmt: skip
    assert again[again.index("-start_number") + 1] == "42"
