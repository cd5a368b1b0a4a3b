"""Reading the stored plan: which chunk shows a given instant."""

from apps.videos.pipeline import plan as planning


def test_chunk_at_finds_the_chunk_showing_an_instant():
    plan = {
        "fps": "30",
        "chunks": [
            {"index": 0, "start_frame": 0, "frames": 300},
            {"index": 1, "start_frame": 300, "frames": 480},
            {"index": 2, "start_frame": 780, "frames": 120},
        ],
    }
    assert [planning.chunk_at(plan, t).index for t in (0.0, 9.99, 10.0, 25.9, 26.0, 29.9)] == [
        0, 0, 1, 1, 2, 2,
    ]  # fmt: skip
    assert [c.start_s for c in planning.chunks(plan)] == [0.0, 10.0, 26.0]


def _info(width: int, height: int, seconds: float):
    from fractions import Fraction

    from media_pipeline.probe import MediaInfo

    return MediaInfo(
        demuxer="mov", format_name="mov,mp4,m4a,3gp,3g2,mj2", duration=seconds,
        width=width, height=height, coded_width=width, coded_height=height, rotation=0,
        fps=Fraction(30), video_codec="h264", has_audio=True, audio_codec="aac",
        bit_rate=6_000_000, video_stream=0, start_time=0.0,
    )  # fmt: skip


def test_the_first_group_has_longer_chunks_of_its_own_when_larger_rungs_follow(settings):
    settings.PIPELINE_SEGMENTS_PER_CHUNK = 3
    settings.PIPELINE_FIRST_GROUP_SEGMENTS_PER_CHUNK = 9
    keys = [i * 250 / 30 for i in range(8)]  # a keyframe every 8.33 s
    plan = planning.make_plan(_info(1920, 1080, 60.0), keyframes=keys)
    first, later = planning.chunks(plan, 0), planning.chunks(plan, 1)
    assert [r["group"] for r in plan["rungs"]] == [0, 0, 1, 1, 1, 1]
    assert len(first) == 2 and len(later) == 6
    for group in (first, later):  # every frame exactly once, in whole GOPs
        assert sum(c.frames for c in group) == 1800
        assert all(c.start_frame % plan["gop_frames"] == 0 for c in group)
    # Fewer, longer first-group jobs decode less before their chunks start.
    assert sum(c.preroll_frames for c in first) < sum(c.preroll_frames for c in later)
    # The poster is looked up in the top rung's chunks, which are the later group's.
    assert planning.chunk_at(plan, 40.0, 1).index != planning.chunk_at(plan, 40.0, 0).index
    assert planning.group_of(plan, "144p") == 0 and planning.group_of(plan, "1080p") == 1


def test_a_single_group_keeps_the_common_tapered_chunks(settings):
    settings.PIPELINE_FIRST_GROUP_SEGMENTS_PER_CHUNK = 9
    plan = planning.make_plan(_info(426, 240, 60.0))
    assert {r["group"] for r in plan["rungs"]} == {0}
    assert "group_chunks" not in plan
    assert planning.chunks(plan, 0) == planning.chunks(plan)
    settings.PIPELINE_FIRST_GROUP_SEGMENTS_PER_CHUNK = 0  # turned off: one plan for all
    assert "group_chunks" not in planning.make_plan(_info(1920, 1080, 60.0))
