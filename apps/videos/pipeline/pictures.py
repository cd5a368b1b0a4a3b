"""Pictures of a video: the poster (in every size the rung allows) and the seek-preview sprite,
taken from a rung already on the worker's disk or from one stored chunk of the top rung."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from apps.videos.pipeline import layout, storage
from apps.videos.pipeline.encoding import RungFiles, ffmpeg, run_tool, work_dir
from media_pipeline import commands, manifests, thumbnails


@dataclass(frozen=True)
class Pictures:
    poster: str
    sizes: dict[str, str]
    sprite_vtt: str
    poster_at: float


def make_pictures(*, rung: RungFiles, duration_s: float, output_prefix: str) -> Pictures:
    """Poster, its sizes, and the seek-preview sprite, all from a low rung (cheap to decode)."""
    base = rung.joined.parent / "pictures"
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir(parents=True)
    every_s = max(1.0, duration_s / 100)
    frames_dir = base / "frames"
    frames_dir.mkdir()
    run_tool(
        commands.frames_args(
            ffmpeg=ffmpeg(),
            source=str(rung.joined),
            out_pattern=str(frames_dir / "f_%05d.jpg"),
            every_s=every_s,
            width=160,
        ),
        timeout=120 + duration_s,
        step="sprite frames",
        cwd=base,
    )
    frames = sorted(frames_dir.glob("f_*.jpg")) or _first_frame(rung, frames_dir)
    prefix = layout.images_prefix(output_prefix)
    poster_at = frames.index(thumbnails.pick_poster(frames)) * every_s
    poster, stored_sizes = make_poster(rung=rung, at_s=poster_at, output_prefix=output_prefix)
    sheet = base / "sprite.jpg"
    info = thumbnails.make_sprite(frames, sheet, tile_width=160, columns=10)
    storage.upload(sheet, f"{prefix}sprite.jpg")
    tiles = []
    for i in range(len(frames)):
        x, y = (i % info.columns) * info.tile_w, (i // info.columns) * info.tile_h
        start = i * every_s
        tiles.append(
            (start, min(start + every_s, duration_s), "sprite.jpg", x, y, info.tile_w, info.tile_h)
        )
    vtt = storage.upload_text(manifests.thumbnails_vtt(tiles=tiles), f"{prefix}thumbnails.vtt")
    return Pictures(poster=poster, sizes=stored_sizes, sprite_vtt=vtt, poster_at=poster_at)


def _first_frame(rung: RungFiles, frames_dir: Path) -> list[Path]:
    """A clip of one frame, or shorter than the sampling step, leaves the sampler nothing:
    take its first frame, so it still gets a poster and a one-tile sprite."""
    out = frames_dir / "f_00000.png"
    run_tool(
        commands.poster_args(
            ffmpeg=ffmpeg(), source=str(rung.chunks[0]), at_s=0.0, out_path=str(out)
        ),
        timeout=60,
        step="first frame",
        cwd=frames_dir,
    )
    return [out]


def make_poster(*, rung: RungFiles, at_s: float, output_prefix: str) -> tuple[str, dict[str, str]]:
    """The poster at `at_s` of a rung on this worker's disk, in every size the rung allows."""
    # From the one chunk that holds the instant: ffmpeg 5.1's concat demuxer decodes nothing
    # after an input seek.
    chunk, offset = rung.at(at_s)
    return _poster(chunk, offset, rung.joined.parent / "poster", output_prefix)


def make_poster_from_stored_chunk(
    *, video_id: str, generation: int, output_prefix: str, stored_chunk: str, at_s: float
) -> tuple[str, dict[str, str]]:
    """The poster at `at_s` into one stored chunk (of the top rung: sharp on large screens);
    it replaces the one made from the lowest rung."""
    base = Path(tempfile.mkdtemp(prefix="poster-", dir=work_dir(video_id, generation)))
    try:
        chunk = storage.download(stored_chunk, base / "chunk.mp4")
        return _poster(chunk, at_s, base / "poster", output_prefix)
    finally:
        shutil.rmtree(base, ignore_errors=True)


def _poster(video: Path, at_s: float, base: Path, output_prefix: str) -> tuple[str, dict[str, str]]:
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir(parents=True)
    poster_src = base / "poster_src.jpg"
    run_tool(
        commands.poster_args(
            ffmpeg=ffmpeg(), source=str(video), at_s=at_s, out_path=str(poster_src)
        ),
        timeout=60,
        step="poster",
        cwd=base,
    )
    sizes = thumbnails.make_poster_sizes(poster_src, base / "sizes", widths=(320, 640, 1280))
    prefix = layout.images_prefix(output_prefix)
    stored = {str(w): storage.upload(path, f"{prefix}poster_{w}.jpg") for w, path in sizes.items()}
    return stored[str(max(sizes))], stored
