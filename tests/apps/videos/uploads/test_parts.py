"""How a tus upload's parts become S3 multipart parts (apps.videos.uploads.parts.plan_pieces):
S3 refuses a part under 5 MiB unless it is the last, so small parts are gathered and the rest
copied in the bucket. The joins themselves run on moto in test_tus_nodes.py."""

from __future__ import annotations

import random

from apps.videos.uploads.parts import plan_pieces

MIN = 5


def _check(parts: list[tuple[str, int]]) -> list[list[tuple[str, int, int]]]:
    pieces = plan_pieces(parts, min_part=MIN)
    # Every byte once, in order.
    covered = [
        (name, at) for piece in pieces for name, start, stop in piece for at in range(start, stop)
    ]
    assert covered == [(name, at) for name, size in parts for at in range(size)]
    sizes = [sum(stop - start for _, start, stop in piece) for piece in pieces]
    assert all(size >= MIN for size in sizes[:-1]), sizes
    return pieces


def test_big_parts_are_copied_whole_and_a_small_last_one_too():
    pieces = _check([("a", 8), ("b", 8), ("c", 2)])
    assert pieces == [[("a", 0, 8)], [("b", 0, 8)], [("c", 0, 2)]]


def test_small_parts_are_gathered_and_a_big_part_after_them_split():
    pieces = _check([("a", 1), ("b", 2), ("c", 9), ("d", 1)])
    assert pieces == [[("a", 0, 1), ("b", 0, 2), ("c", 0, 2)], [("c", 2, 9)], [("d", 0, 1)]]


def test_any_parts_make_valid_pieces():
    rng = random.Random(3)
    for _ in range(300):
        _check([(str(i), rng.choice([0, 1, 2, 4, 5, 6, 11])) for i in range(rng.randint(0, 9))])
