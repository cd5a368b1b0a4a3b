"""Ladder, frame rate, segment and chunk planning."""

from __future__ import annotations

from fractions import Fraction

import pytest

from media_pipeline.ladder import (
    DEFAULT_LADDER,
    Chunk,
    Rung,
    RungSpec,
    ladder_from_settings,
    output_fps,
    plan_chunks,
    plan_ladder,
    plan_segmenting,
)


def _sizes(rungs: list[Rung]) -> list[tuple[str, int, int]]:
    return [(r.name, r.width, r.height) for r in rungs]


def test_default_ladder_shape() -> None:
    assert [s.height for s in DEFAULT_LADDER] == [144, 240, 360, 480, 720, 1080, 1440, 2160]
    by_name = {s.name: s for s in DEFAULT_LADDER}
    assert by_name["360p"].video_kbps == 700
    assert by_name["1080p"].maxrate_kbps == 7500
    assert by_name["1080p"].bufsize_kbits == 10000


def test_landscape_1080p() -> None:
    assert _sizes(plan_ladder((1920, 1080), DEFAULT_LADDER)) == [
        ("144p", 256, 144),
        ("240p", 426, 240),
        ("360p", 640, 360),
        ("480p", 854, 480),
        ("720p", 1280, 720),
        ("1080p", 1920, 1080),
    ]


def test_portrait_720x1280() -> None:
    assert _sizes(plan_ladder((720, 1280), DEFAULT_LADDER)) == [
        ("144p", 144, 256),
        ("240p", 240, 426),
        ("360p", 360, 640),
        ("480p", 480, 854),
        ("720p", 720, 1280),
    ]


def test_accepts_media_info_like_objects() -> None:
    class Info:
        width, height = 360, 640

    assert plan_ladder(Info(), DEFAULT_LADDER)[-1].name == "360p"


def test_no_upscaling_between_steps() -> None:
    rungs = plan_ladder((1000, 1000), DEFAULT_LADDER)
    assert rungs[-1].name == "720p"
    assert all(r.width <= 1000 and r.height <= 1000 for r in rungs)


def test_tiny_source_gets_one_rung_at_its_size() -> None:
    (rung,) = plan_ladder((160, 90), DEFAULT_LADDER)
    assert (rung.name, rung.width, rung.height) == ("90p", 160, 90)
    assert rung.video_kbps < DEFAULT_LADDER[0].video_kbps
    (odd,) = plan_ladder((161, 91), DEFAULT_LADDER)
    assert (odd.width, odd.height) == (160, 90)


@pytest.mark.parametrize(
    "size", [(1920, 1080), (1080, 1920), (1440, 1080), (853, 480), (2560, 1097)]
)
def test_dimensions_even_and_aspect_kept(size: tuple[int, int]) -> None:
    width, height = size
    rungs = plan_ladder(size, DEFAULT_LADDER)
    assert rungs == sorted(rungs, key=lambda r: r.width * r.height)
    for rung in rungs:
        assert rung.width % 2 == 0 and rung.height % 2 == 0
        assert rung.width / rung.height == pytest.approx(width / height, rel=0.02)
        assert rung.width <= width + 1 and rung.height <= height + 1


def test_ladder_from_settings() -> None:
    specs = ladder_from_settings(
        [{"height": 720, "video_kbps": 3000}, {"height": 360, "video_kbps": 800, "name": "sd"}]
    )
    assert specs == (
        RungSpec("sd", 360, 800, 1200, 1600),
        RungSpec("720p", 720, 3000, 4500, 6000),
    )
    with pytest.raises(ValueError):
        ladder_from_settings([{"height": 361, "video_kbps": 100}])
    with pytest.raises(ValueError):
        ladder_from_settings([])


@pytest.mark.parametrize(
    ("fps", "expected"),
    [
        (Fraction(30), Fraction(30)),
        (Fraction(30000, 1001), Fraction(30000, 1001)),
        (Fraction(2997, 100), Fraction(30000, 1001)),
        (Fraction(2983, 100), Fraction(30000, 1001)),
        (Fraction(302, 10), Fraction(30)),
        (Fraction(245, 10), Fraction(245, 10)),
        (Fraction(5994, 100), Fraction(60000, 1001)),
        (Fraction(24000, 1001), Fraction(24000, 1001)),
        (Fraction(25), Fraction(25)),
        (Fraction(60), Fraction(60)),
        (Fraction(120), Fraction(60)),
        (Fraction(100), Fraction(50)),
        (Fraction(90), Fraction(45)),
        (Fraction(120000, 1001), Fraction(60000, 1001)),
        (Fraction(240), Fraction(60)),
        (Fraction(15), Fraction(15)),
    ],
)
def test_output_fps(fps: Fraction, expected: Fraction) -> None:
    assert output_fps(fps) == expected


def test_output_fps_cap_and_odd_rates() -> None:
    assert output_fps(Fraction(60), cap=30) == 30
    assert output_fps(Fraction(1234, 100)).denominator <= 1001
    with pytest.raises(ValueError):
        output_fps(Fraction(0))


@pytest.mark.parametrize(
    ("fps", "gop", "segment"),
    [
        (Fraction(30), 60, 120),
        (Fraction(30000, 1001), 60, 120),
        (Fraction(25), 50, 100),
        (Fraction(60), 120, 240),
        (Fraction(24000, 1001), 48, 96),
    ],
)
def test_plan_segmenting(fps: Fraction, gop: int, segment: int) -> None:
    seg = plan_segmenting(fps)
    assert (seg.gop_frames, seg.segment_frames) == (gop, segment)
    assert seg.segment_frames % seg.gop_frames == 0
    assert seg.segment_s == pytest.approx(4.0, abs=0.01)
    # Rounded down so that N x hls_time never passes the Nth segment's first keyframe.
    assert seg.segment_us / 1e6 <= seg.segment_s


def test_plan_chunks_covers_every_frame_once() -> None:
    seg = plan_segmenting(Fraction(30))
    chunks = plan_chunks(100.0, seg)
    assert chunks[0].start_frame == 0
    for a, b in zip(chunks, chunks[1:], strict=False):
        assert a.end_frame == b.start_frame
        assert a.frames == 3 * seg.segment_frames
        assert b.start_frame % seg.segment_frames == 0
    assert chunks[-1].end_frame == 3000
    assert [c.index for c in chunks] == list(range(len(chunks)))


def test_plan_chunks_merges_a_small_tail() -> None:
    seg = plan_segmenting(Fraction(30))  # 120-frame segments, 360-frame chunks
    chunks = plan_chunks(12.0 + 3.9, seg)
    assert [c.frames for c in chunks] == [360 + 117]
    chunks = plan_chunks(12.0 + 4.0, seg)
    assert [c.frames for c in chunks] == [360, 120]


def test_plan_chunks_edges() -> None:
    seg = plan_segmenting(Fraction(30000, 1001))
    # Float noise must not lose the last frame: 4.004 s at 29.97 fps is exactly 120 frames.
    assert plan_chunks(120 * 1001 / 30000, seg)[-1].end_frame == 120
    assert plan_chunks(0.001, seg) == [Chunk(0, 0, 1, Fraction(30000, 1001))]
    chunk = plan_chunks(20.0, seg, segments_per_chunk=1)[1]
    assert chunk.start_s == pytest.approx(4.004)
    assert chunk.duration_s == pytest.approx(4.004)
    with pytest.raises(ValueError):
        plan_chunks(10.0, seg, segments_per_chunk=0)


def test_chunk_boundaries_move_next_to_source_keyframes():
    from media_pipeline.ladder import _decode_waste, plan_chunks, plan_segmenting

    seg = plan_segmenting(Fraction(30))  # 4 s segments of two 2 s GOPs
    keys = [i * 250 / 30 for i in range(8)]  # x264's default GOP: a keyframe every 8.33 s
    plain = plan_chunks(60, seg, 3)
    aligned = plan_chunks(60, seg, 3, keyframes=keys)
    waste = lambda chunks: sum(_decode_waste(c.start_s, keys, 0.25) for c in chunks)  # noqa: E731
    assert waste(plain) == pytest.approx(20.0)
    assert waste(aligned) == pytest.approx(5.0)  # 10 s after 8.33, 26 after 25, 42 after 41.67…
    # Whole GOPs, covering every frame exactly once, no chunk over one segment off.
    assert all(c.start_frame % seg.gop_frames == 0 for c in aligned)
    assert sum(c.frames for c in aligned) == 1800
    assert all(abs(c.frames - 3 * seg.segment_frames) <= seg.segment_frames for c in aligned[:-1])


def test_without_keyframes_chunks_are_regular():
    from media_pipeline.ladder import plan_chunks, plan_segmenting

    seg = plan_segmenting(Fraction(30))
    assert [c.start_frame for c in plan_chunks(60, seg, 3)] == [0, 360, 720, 1080, 1440]


def test_taper_shrinks_the_last_chunks_so_workers_finish_together():
    from media_pipeline.ladder import plan_chunks, plan_segmenting

    seg = plan_segmenting(Fraction(30))  # 4 s segments of two 2 s GOPs
    chunks = plan_chunks(60, seg, 3, taper=3)
    assert [c.frames / 30 for c in chunks] == [12, 12, 12, 8, 6, 4, 6]
    assert all(a.end_frame == b.start_frame for a, b in zip(chunks, chunks[1:], strict=False))
    # Short titles still split, so two workers share even a 12 s clip.
    assert [c.frames for c in plan_chunks(12, seg, 3, taper=3)] == [120, 120, 120]
    # With source keyframes, tail chunks stay short while boundaries move next to keyframes.
    keys = [i * 250 / 30 for i in range(8)]
    aligned = plan_chunks(60, seg, 3, keyframes=keys, taper=3)
    assert sum(c.frames for c in aligned) == 1800
    assert [c.frames for c in aligned[-2:]] == [seg.segment_frames] * 2
    assert min(c.frames for c in aligned) >= seg.segment_frames


def test_chunks_carry_their_pre_roll_and_it_counts_in_their_cost():
    from media_pipeline.ladder import chunk_cost, plan_chunks, plan_segmenting

    seg = plan_segmenting(Fraction(30))
    keys = [i * 250 / 30 for i in range(8)]  # a keyframe every 8.33 s
    chunks = plan_chunks(60, seg, 3, keyframes=keys, taper=3)
    # Each job decodes from the last source keyframe at least a quarter second before it.
    for chunk in chunks:
        seek = chunk.start_s - 0.25
        keyframe = max((k for k in keys if k <= seek + 1e-6), default=0.0)
        expected = round((chunk.start_s - keyframe) * 30) if chunk.start_frame else 0
        assert chunk.preroll_frames == expected
    assert chunks[0].preroll_frames == 0
    *_, fourth, last = chunks  # 52-56 s and 56-60 s: keyframe at 50 s for both
    assert (fourth.preroll_frames, last.preroll_frames) == (60, 180)
    # Same frames, more pre-roll: the last chunk costs more and is queued first.
    top = [Rung("1080p", 1920, 1080, 5000, 7500, 10000)]
    small = [Rung("144p", 256, 144, 150, 225, 300)]
    assert chunk_cost(last, top, 1920 * 1080) > chunk_cost(fourth, top, 1920 * 1080)
    # Small rungs from a large source: decoding is a real share of the job, not nothing.
    ratio = chunk_cost(fourth, top, 1920 * 1080) / chunk_cost(fourth, small, 1920 * 1080)
    assert 3 < ratio < 10
    # Without keyframe times there is no pre-roll to count.
    assert all(c.preroll_frames == 0 for c in plan_chunks(60, seg, 3, taper=3))
