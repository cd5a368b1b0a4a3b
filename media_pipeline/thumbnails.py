"""Posters and scrubbing sprites from frames ffmpeg extracted (Pillow only, no ffmpeg here).

Frames come from our own renditions, but images are still opened with Pillow's decompression
bomb guard turned into a hard error and our own pixel cap, so a bug upstream cannot make a
worker allocate gigabytes.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageStat

# 8K UHD is the largest frame the pipeline produces; anything bigger is not ours.
MAX_PIXELS = 7680 * 4320 * 2
JPEG_QUALITY = 82


class ImageRefused(ValueError):
    """An image is too large or not decodable."""


@contextmanager
def open_image(path: str | Path) -> Iterator[Image.Image]:
    """Open with size checks done on the header, before any pixel is decoded."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(path)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageRefused(f"{path}: image too large") from exc
    except OSError as exc:
        raise ImageRefused(f"{path}: not a readable image ({exc})") from exc
    with img:
        width, height = img.size
        if width * height > MAX_PIXELS:
            raise ImageRefused(f"{path}: {width}x{height} exceeds the pixel limit")
        yield img


def frame_score(path: str | Path) -> float:
    """How good a poster this frame makes: detailed beats flat, and black or white frames
    (fades, title cards) score near zero whatever their noise."""
    with open_image(path) as img:
        gray = img.convert("L")
        gray.thumbnail((256, 256))
        stat = ImageStat.Stat(gray)
    mean, stddev = stat.mean[0], stat.stddev[0]
    exposure = 1.0 if 24 <= mean <= 232 else 0.05
    return stddev * exposure


def pick_poster(paths: Sequence[Path]) -> Path:
    """The best-scoring frame, skipping the first (often black or a logo) when we can."""
    if not paths:
        raise ValueError("No candidate frames")
    candidates = list(paths[1:]) if len(paths) > 1 else list(paths)
    scored = [(frame_score(p), -i, p) for i, p in enumerate(candidates)]
    best_score, _, best = max(scored)
    if best_score <= 0:
        # All flat: a middle frame is at least representative.
        return candidates[len(candidates) // 2]
    return best


def make_poster_sizes(
    src: Path,
    out_dir: Path,
    widths: Sequence[int] = (320, 640, 1280),
    max_width: int | None = None,
) -> dict[int, Path]:
    """Progressive JPEGs at each width not larger than the source (or ``max_width``).

    A source narrower than every width still yields one poster at its own width.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    results: dict[int, Path] = {}
    with open_image(src) as img:
        rgb = img.convert("RGB")
    limit = min(rgb.width, max_width) if max_width else rgb.width
    chosen = sorted({w for w in widths if w <= limit}) or [limit]
    for width in chosen:
        height = max(2, round(rgb.height * width / rgb.width / 2) * 2)
        resized = rgb if width == rgb.width else rgb.resize((width, height), Image.LANCZOS)
        out = out_dir / f"poster_{width}.jpg"
        resized.save(out, "JPEG", quality=JPEG_QUALITY, progressive=True, optimize=True)
        results[width] = out
    return results


@dataclass(frozen=True)
class SpriteInfo:
    tile_w: int
    tile_h: int
    columns: int
    rows: int

    def position(self, index: int) -> tuple[int, int]:
        """Top-left pixel of tile ``index`` in the sheet."""
        row, col = divmod(index, self.columns)
        return col * self.tile_w, row * self.tile_h


def make_sprite(
    frames: Sequence[Path], out_path: Path, *, tile_width: int = 160, columns: int = 10
) -> SpriteInfo:
    """Tile frames left-to-right, top-to-bottom into one JPEG sheet of equal tiles."""
    if not frames:
        raise ValueError("No frames for the sprite")
    if tile_width < 2 or columns < 1:
        raise ValueError("tile_width must be at least 2 and columns at least 1")
    with open_image(frames[0]) as first:
        aspect = first.height / first.width
    tile_h = max(2, round(tile_width * aspect / 2) * 2)
    columns = min(columns, len(frames))
    rows = math.ceil(len(frames) / columns)
    info = SpriteInfo(tile_width, tile_h, columns, rows)
    sheet = Image.new("RGB", (tile_width * columns, tile_h * rows))
    for index, frame in enumerate(frames):
        with open_image(frame) as img:
            tile = img.convert("RGB").resize((tile_width, tile_h), Image.BILINEAR)
        sheet.paste(tile, info.position(index))
    out_path.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(out_path, "JPEG", quality=70, optimize=True)
    return info
