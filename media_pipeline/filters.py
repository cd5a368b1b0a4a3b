"""The filter graphs of the pipeline's ffmpeg runs, built with ffmpeg-python's graph API.

ffmpeg-python only compiles: a graph of input, filter and output nodes becomes an argument list
(``get_args``). ``commands`` puts the binary and the global flags in front of it and hands the
whole list to ``run.run_tool``, so what runs is still a plain list that tests read as data, and
the security flags (``-protocol_whitelist``, a forced ``-f``) are input options of the graph.
ffmpeg-python names every filter's output (``[s0]``, ``[s1]``, ...) and maps outputs by those
names; the graph is the same one the hand-written text described.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import ffmpeg as ffpy

from .ladder import Rung
from .run import ffmpeg_filters

# Stream types of ffmpeg-python's untyped graph API.
Stream = Any
Output = Any

# Transfer functions (ffprobe's names) of the HDR sources the ladder tone-maps.
HDR_TRANSFERS = frozenset({"smpte2084", "arib-std-b67"})
# Filters the tone map needs; Debian's ffmpeg 5.1 and the imageio-ffmpeg build both have them.
TONE_MAP_FILTERS = frozenset({"zscale", "tonemap"})


@dataclass(frozen=True)
class Decode:
    """What the decode of a source must undo before any rung is scaled from it.

    ``deinterlace`` is the field parity ("tff" or "bff") of interlaced content, None for
    progressive. ``hdr_transfer`` is the source's transfer when it is HDR (PQ ``smpte2084`` or
    HLG ``arib-std-b67``); ``tone_map`` says whether this ffmpeg can map it to SDR BT.709.
    Without it, the rungs keep the source's pixels and the decoder's tags still say what
    they are (HDR in 8 bits: poor, but not mislabelled).

    The colour tags of every rung come from the frames: ffmpeg hands the last filter's frame
    properties to the encoder (newer builds even prefer them to ``-color_*`` options), so the
    tone map ends by stating BT.709 on the frames, and SDR sources, scaled but never
    converted, keep the tags they came with.
    """

    deinterlace: str | None = None
    hdr_transfer: str | None = None
    tone_map: bool = True

    @property
    def tone_mapped(self) -> bool:
        return self.hdr_transfer in HDR_TRANSFERS and self.tone_map


def for_ffmpeg(decode: Decode, ffmpeg: str) -> Decode:
    """``decode`` as this ffmpeg build can run it: a build without zscale keeps HDR pixels."""
    if not decode.hdr_transfer:
        return decode
    return dataclasses.replace(decode, tone_map=TONE_MAP_FILTERS <= ffmpeg_filters(ffmpeg))


def frame_rate(fps: Fraction) -> str:
    return f"{fps.numerator}/{fps.denominator}"


def deinterlaced(stream: Stream, parity: str) -> Stream:
    """One frame per field (50i -> 50p): interlaced video samples motion at the field rate,
    so keeping every field keeps pans and sport as smooth as the camera recorded them; 25p
    would drop half the motion and judder. bwdif is yadif's sharper successor at a similar
    cost. ``deint=all``: a source flagged progressive can still be combed (the flag lies), and
    idet found it so."""
    return stream.filter("bwdif", mode="send_field", parity=parity, deint="all")


def tone_mapped(stream: Stream, transfer: str) -> Stream:
    """HDR (PQ or HLG, BT.2020) to SDR BT.709 in 8 bits: linear light in float, Hable's curve,
    then BT.709's transfer and matrix. Squeezing the 10-bit PQ code values straight into 8-bit
    BT.709 would show a grey, washed-out picture. The input's transfer, primaries and matrix
    are given, not guessed from frame tags, since the probe found them."""
    return (
        stream.filter("zscale", tin=transfer, min="bt2020nc", pin="bt2020", rin="tv", t="linear")
        .filter("format", "gbrpf32le")
        .filter("zscale", p="bt709")
        .filter("tonemap", tonemap="hable", desat=0)
        .filter("zscale", t="bt709", m="bt709", r="tv")
        .filter("format", "yuv420p")
        .filter(
            "setparams", color_primaries="bt709", color_trc="bt709", colorspace="bt709", range="tv"
        )
    )


def chunk_head(
    source: Stream, *, fps: Fraction, start_time: str, decode: Decode | None = None
) -> Stream:
    """The decoded chunk on the output frame grid, made progressive and SDR once, before the
    rungs are scaled from it."""
    decode = decode or Decode()
    stream = source
    if decode.deinterlace:
        # Before fps, so the grid picks from the field-rate frames.
        stream = deinterlaced(stream, decode.deinterlace)
    stream = stream.filter("fps", fps=frame_rate(fps), start_time=start_time)
    stream = stream.filter("setpts", "PTS-STARTPTS")
    if decode.tone_mapped and decode.hdr_transfer:
        stream = tone_mapped(stream, decode.hdr_transfer)
    return stream


def scale_cascade(head: Stream, rungs: list[Rung], small_group: bool = False) -> list[Stream]:
    """Streams for each of ``rungs`` (same order): the largest is scaled from the chunk, each
    smaller one from the next larger. Scaling every rung from a 1080p (or 4K) frame cost about
    as much CPU as decoding it; a cascade costs a fraction, at no visible loss for 1.5x steps."""
    order = sorted(range(len(rungs)), key=lambda i: rungs[i].width * rungs[i].height, reverse=True)
    streams: dict[int, Stream] = {}
    source = head
    for step, i in enumerate(order):
        r = rungs[i]
        # The first step of a group of small rungs shrinks the frame three times or more
        # (1080p to 240p): an area average is as clean there as bicubic and costs a third of
        # it (1.5 s against 3.9 s of CPU for a minute of 1080p). Later steps are small ratios,
        # where bicubic keeps the detail.
        kernel = "area" if step == 0 and small_group else "bicubic"
        scaled = (
            source.filter("scale", r.width, r.height, flags=kernel)
            .filter("setsar", 1)
            .filter("format", "yuv420p")
        )
        if step == len(order) - 1:
            streams[i] = scaled
        else:
            branches = scaled.split()
            streams[i], source = branches[0], branches[1]
    return [streams[i] for i in range(len(rungs))]


def audio_aligned(source: Stream) -> Stream:
    """Pads silence when audio starts after the video, keeping the two aligned from zero."""
    return source.filter("aresample", **{"async": 1, "first_pts": 0})


def thumbnail_frames(source: Stream, *, rate: Fraction, width: int) -> Stream:
    return source.filter("fps", frame_rate(rate)).filter("scale", width, -2, flags="bicubic")


# idet's default (1.04) calls the fine moving lines of a progressive test pattern combed
# (testsrc2 at 320x180: 44 of 50 frames "TFF"); at 1.5 only clearly combed frames count, and
# generated 50i clips still read TFF on 74 of 75 frames while every progressive sample reads
# progressive or undetermined.
IDET_THRESHOLD = 1.5


def interlace_probe(source: Stream) -> Stream:
    return source.filter("idet", intl_thres=IDET_THRESHOLD)


def compile_outputs(*outputs: Output) -> list[str]:
    """The argument list (inputs, ``-filter_complex``, outputs) of a finished graph."""
    return list(ffpy.merge_outputs(*outputs).get_args())


def source_input(path: str, **options: Any) -> Stream:
    """An input node; ``options`` become input options placed before its ``-i``."""
    return ffpy.input(path, **options)


def output(stream: Stream, path: str, **options: Any) -> Output:
    return ffpy.output(stream, path, **options)
