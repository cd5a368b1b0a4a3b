"""Poster choice, poster sizes and sprite sheets (Pillow only)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from media_pipeline import thumbnails
from media_pipeline.thumbnails import (
    ImageRefused,
    frame_score,
    make_poster_sizes,
    make_sprite,
    pick_poster,
)


def _flat(path: Path, color: tuple[int, int, int], size: tuple[int, int] = (320, 180)) -> Path:
    Image.new("RGB", size, color).save(path)
    return path


def _busy(path: Path, size: tuple[int, int] = (320, 180), step: int = 8) -> Path:
    img = Image.new("RGB", size, (90, 110, 130))
    draw = ImageDraw.Draw(img)
    for x in range(0, size[0], step):
        draw.line([(x, 0), (x, size[1])], fill=(240, 220, 30), width=step // 2)
    for y in range(0, size[1], step * 2):
        draw.rectangle([0, y, size[0], y + step // 2], fill=(20, 30, 200))
    img.save(path)
    return path


def test_frame_score_prefers_detail_over_flat_and_black(tmp_path: Path) -> None:
    black = frame_score(_flat(tmp_path / "black.png", (0, 0, 0)))
    white = frame_score(_flat(tmp_path / "white.png", (255, 255, 255)))
    grey = frame_score(_flat(tmp_path / "grey.png", (128, 128, 128)))
    busy = frame_score(_busy(tmp_path / "busy.png"))
    assert busy > 20
    assert max(black, white, grey) < 1


def test_pick_poster_skips_the_first_frame(tmp_path: Path) -> None:
    first = _busy(tmp_path / "0.png", step=4)
    frames = [
        first,
        _flat(tmp_path / "1.png", (0, 0, 0)),
        _busy(tmp_path / "2.png", step=16),
        _flat(tmp_path / "3.png", (5, 5, 5)),
    ]
    assert pick_poster(frames) == frames[2]
    assert pick_poster([first]) == first
    with pytest.raises(ValueError):
        pick_poster([])


def test_pick_poster_all_black_picks_the_middle(tmp_path: Path) -> None:
    frames = [_flat(tmp_path / f"{i}.png", (0, 0, 0)) for i in range(5)]
    assert pick_poster(frames) == frames[1:][2]


def test_poster_sizes_never_upscale(tmp_path: Path) -> None:
    src = _busy(tmp_path / "src.png", size=(700, 394))
    sizes = make_poster_sizes(src, tmp_path / "out")
    assert sorted(sizes) == [320, 640]
    with Image.open(sizes[640]) as img:
        assert img.format == "JPEG" and img.size == (640, 360)
        assert img.info.get("progressive") or img.info.get("progression")
    capped = make_poster_sizes(src, tmp_path / "capped", max_width=400)
    assert sorted(capped) == [320]


def test_poster_from_tiny_source_keeps_its_width(tmp_path: Path) -> None:
    src = _busy(tmp_path / "tiny.png", size=(160, 90))
    assert sorted(make_poster_sizes(src, tmp_path / "out")) == [160]


def test_sprite(tmp_path: Path) -> None:
    frames = [_busy(tmp_path / f"f{i}.png", size=(320, 180)) for i in range(23)]
    info = make_sprite(frames, tmp_path / "sprite.jpg", tile_width=160, columns=10)
    assert (info.tile_w, info.tile_h, info.columns, info.rows) == (160, 90, 10, 3)
    assert info.position(12) == (320, 90)
    with Image.open(tmp_path / "sprite.jpg") as sheet:
        assert sheet.size == (1600, 270)
    few = make_sprite(frames[:3], tmp_path / "few.jpg", columns=10)
    assert (few.columns, few.rows) == (3, 1)


def test_oversized_images_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _busy(tmp_path / "big.png", size=(400, 300))
    monkeypatch.setattr(thumbnails, "MAX_PIXELS", 100_000)
    with pytest.raises(ImageRefused):
        frame_score(path)


def test_decompression_bomb_guard_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _busy(tmp_path / "bomb.png", size=(400, 300))
    # Pillow warns above MAX_IMAGE_PIXELS and raises above twice that; both must refuse.
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100_000)
    with pytest.raises(ImageRefused):
        frame_score(path)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 10_000)
    with pytest.raises(ImageRefused):
        frame_score(path)


def test_non_image_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.jpg"
    path.write_bytes(b"not an image")
    with pytest.raises(ImageRefused):
        frame_score(path)
