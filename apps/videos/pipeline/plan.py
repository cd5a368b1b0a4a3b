"""The plan of a video's processing, as data stored on the row: rungs, groups and chunks."""

from __future__ import annotations

import bisect
from fractions import Fraction

from django.conf import settings

from media_pipeline.filters import Decode
from media_pipeline.ladder import (
    Chunk,
    Rung,
    RungSpec,
    Segmenting,
    ladder_from_settings,
    output_fps,
    plan_chunks,
    plan_ladder,
    plan_segmenting,
)
from media_pipeline.probe import MediaInfo


def ladder_specs() -> list[RungSpec]:
    # The checked constructor: a bad PIPELINE_LADDER fails here with the rung it dislikes.
    return list(ladder_from_settings(settings.PIPELINE_LADDER))


def make_plan(info: MediaInfo, keyframes: list[float] | None = None) -> dict:
    # An interlaced source is planned at its field rate: one output frame per field.
    fps = output_fps(info.decoded_fps)
    seg = plan_segmenting(fps, segment_s=settings.PIPELINE_SEGMENT_S)
    rungs = plan_ladder(info, ladder_specs())
    chunks = plan_chunks(
        info.duration,
        seg,
        segments_per_chunk=settings.PIPELINE_SEGMENTS_PER_CHUNK,
        keyframes=keyframes,
        taper=settings.PIPELINE_CHUNK_TAPER,
    )
    first = [r for r in rungs if min(r.width, r.height) <= settings.PIPELINE_FIRST_GROUP_MAX_HEIGHT]
    groups = [first or rungs[:1]]
    rest = [r for r in rungs if r not in groups[0]]
    if rest:
        groups.append(rest)
    plan = {
        "fps": str(fps),
        "segment_frames": seg.segment_frames,
        "gop_frames": seg.gop_frames,
        "duration": info.duration,
        "video_stream": info.video_stream,
        # What the decode must undo (filters.Decode), and the audio track the ladder carries.
        "deinterlace": info.interlace,
        "hdr_transfer": info.color_transfer if info.hdr else None,
        "audio_stream": info.audio_stream,
        "audio_language": info.audio_language,
        "audio_alternates": [
            {"stream": stream, "language": language} for stream, language in info.alternate_audio()
        ],
        "segment_s": seg.segment_us / 1e6,
        "rungs": [
            {
                "name": r.name,
                "width": r.width,
                "height": r.height,
                "video_kbps": r.video_kbps,
                "maxrate_kbps": r.maxrate_kbps,
                "bufsize_kbits": r.bufsize_kbits,
                "group": next(i for i, g in enumerate(groups) if r in g),
            }
            for r in rungs
        ],
        "chunks": _chunk_dicts(chunks),
    }
    first_segments = settings.PIPELINE_FIRST_GROUP_SEGMENTS_PER_CHUNK
    if len(groups) > 1 and first_segments > 0:
        # No taper: the later group's chunks fill the workers as this group's jobs end.
        own = plan_chunks(
            info.duration, seg, segments_per_chunk=first_segments, keyframes=keyframes
        )
        plan["group_chunks"] = {"0": _chunk_dicts(own)}
    return plan


def _chunk_dicts(chunks: list[Chunk]) -> list[dict]:
    return [
        {
            "index": c.index,
            "start_frame": c.start_frame,
            "frames": c.frames,
            "preroll_frames": c.preroll_frames,
        }
        for c in chunks
    ]


def decode(plan: dict) -> Decode:
    """Plans made before these facts were recorded decode as they did: untouched."""
    return Decode(deinterlace=plan.get("deinterlace"), hdr_transfer=plan.get("hdr_transfer"))


def segmenting(plan: dict) -> Segmenting:
    return Segmenting(
        segment_frames=plan["segment_frames"],
        gop_frames=plan["gop_frames"],
        fps=Fraction(plan["fps"]),
    )


def rungs(plan: dict, group: int | None = None) -> list[Rung]:
    return [
        Rung(
            name=r["name"],
            width=r["width"],
            height=r["height"],
            video_kbps=r["video_kbps"],
            maxrate_kbps=r["maxrate_kbps"],
            bufsize_kbits=r["bufsize_kbits"],
        )
        for r in plan["rungs"]
        if group is None or r["group"] == group
    ]


def _chunk_list(plan: dict, group: int | None) -> list[dict]:
    """A group's chunks: its own when it has them, else the plan's common ones."""
    own = plan.get("group_chunks", {}).get(str(group)) if group is not None else None
    return own or plan["chunks"]


def chunks(plan: dict, group: int | None = None) -> list[Chunk]:
    return [_as_chunk(plan, c) for c in _chunk_list(plan, group)]


def chunk_at(plan: dict, at_s: float, group: int | None = None) -> Chunk:
    """The group's chunk that shows the instant ``at_s``."""
    frame = int(at_s * Fraction(plan["fps"]))
    listed = _chunk_list(plan, group)
    starts = [c["start_frame"] for c in listed]
    return _as_chunk(plan, listed[max(0, bisect.bisect_right(starts, frame) - 1)])


def chunk(plan: dict, index: int, group: int | None = None) -> Chunk:
    return _as_chunk(plan, _chunk_list(plan, group)[index])


def _as_chunk(plan: dict, c: dict) -> Chunk:
    return Chunk(
        index=c["index"],
        start_frame=c["start_frame"],
        frames=c["frames"],
        fps=Fraction(plan["fps"]),
        preroll_frames=c.get("preroll_frames", 0),  # plans made before it was recorded
    )


def group_of(plan: dict, rung_name: str) -> int:
    return next(r["group"] for r in plan["rungs"] if r["name"] == rung_name)
