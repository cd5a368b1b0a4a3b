"""Reading the stored plan: which chunk shows a given instant."""

from apps.videos import plan as planning


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
