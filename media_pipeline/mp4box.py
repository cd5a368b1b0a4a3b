"""Just enough ISO-BMFF parsing to read RFC 6381 codec strings from our own init segments.

Players decide whether they can play a rendition from CODECS before fetching anything, so the
string must describe the profile and level x264 actually chose, not a guess.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator

# Boxes whose payload is a list of child boxes, and how many bytes of fields precede the
# children (sample entries carry fixed fields first).
_CONTAINERS = {b"moov": 0, b"trak": 0, b"mdia": 0, b"minf": 0, b"stbl": 0, b"stsd": 8}
_CONTAINERS |= {b"avc1": 78, b"avc3": 78, b"mp4a": 28, b"encv": 78, b"enca": 28, b"sinf": 0}


class Mp4ParseError(ValueError):
    """The bytes are not the init segment we expected."""


def _boxes(data: bytes, start: int, end: int) -> Iterator[tuple[bytes, int, int]]:
    pos = start
    while pos + 8 <= end:
        size, kind = struct.unpack_from(">I4s", data, pos)
        header = 8
        if size == 1:
            if pos + 16 > end:
                raise Mp4ParseError("Truncated large box header")
            size = struct.unpack_from(">Q", data, pos + 8)[0]
            header = 16
        elif size == 0:
            size = end - pos
        if size < header or pos + size > end:
            raise Mp4ParseError(f"Box {kind!r} overruns its parent")
        yield kind, pos + header, pos + size
        pos += size


def find_box(data: bytes, path: list[bytes]) -> bytes | None:
    """Payload of the first box at ``path`` (e.g. [b"moov", ..., b"avcC"]), or None."""

    def walk(start: int, end: int, depth: int) -> bytes | None:
        for kind, body, stop in _boxes(data, start, end):
            if kind != path[depth]:
                continue
            if depth == len(path) - 1:
                return data[body:stop]
            skip = _CONTAINERS.get(kind)
            if skip is None:
                raise Mp4ParseError(f"Box {kind!r} is not a container")
            found = walk(body + skip, stop, depth + 1)
            if found is not None:
                return found
        return None

    return walk(0, len(data), 0)


_STSD_PATH = [b"moov", b"trak", b"mdia", b"minf", b"stbl", b"stsd"]


def avc_codec_string(init_mp4: bytes) -> str:
    """``avc1.PPCCLL`` from the avcC box: profile, constraint flags, level."""
    for entry in (b"avc1", b"avc3"):
        avcc = find_box(init_mp4, [*_STSD_PATH, entry, b"avcC"])
        if avcc is not None:
            if len(avcc) < 4:
                raise Mp4ParseError("avcC box too short")
            return f"{entry.decode()}.{avcc[1]:02x}{avcc[2]:02x}{avcc[3]:02x}"
    raise Mp4ParseError("No H.264 sample entry in the init segment")


def _descriptor(data: bytes, pos: int) -> tuple[int, int, int]:
    """(tag, payload start, payload end) of an MPEG-4 descriptor with its 7-bit-chunked size."""
    tag = data[pos]
    pos += 1
    size = 0
    for _ in range(4):
        byte = data[pos]
        pos += 1
        size = (size << 7) | (byte & 0x7F)
        if not byte & 0x80:
            break
    return tag, pos, pos + size


def aac_codec_string(init_mp4: bytes) -> str:
    """``mp4a.40.N`` from the esds box (N = audio object type; 2 = AAC-LC)."""
    esds = find_box(init_mp4, [*_STSD_PATH, b"mp4a", b"esds"])
    if esds is None:
        raise Mp4ParseError("No AAC sample entry in the init segment")
    try:
        tag, pos, end = _descriptor(esds, 4)  # skip version and flags
        if tag != 0x03:
            raise Mp4ParseError("esds without ES_Descriptor")
        flags = esds[pos + 2]
        pos += 3
        if flags & 0x80:
            pos += 2  # dependsOn_ES_ID
        if flags & 0x40:
            pos += 1 + esds[pos]  # URL
        if flags & 0x20:
            pos += 2  # OCR_ES_ID
        tag, pos, end = _descriptor(esds, pos)
        if tag != 0x04:
            raise Mp4ParseError("esds without DecoderConfigDescriptor")
        object_type = esds[pos]
        tag, dsi, dsi_end = _descriptor(esds, pos + 13)
    except IndexError as exc:
        raise Mp4ParseError("esds box too short") from exc
    if object_type != 0x40 or tag != 0x05 or dsi_end <= dsi:
        return f"mp4a.{object_type:02x}"
    audio_object_type = esds[dsi] >> 3
    if audio_object_type == 31 and dsi + 1 < len(esds):
        audio_object_type = 32 + (((esds[dsi] & 0x07) << 3) | (esds[dsi + 1] >> 5))
    return f"mp4a.40.{audio_object_type}"


def codec_string(init_mp4: bytes) -> str:
    """The codec string of whichever track (H.264 video or AAC audio) the init segment holds."""
    if find_box(init_mp4, [*_STSD_PATH, b"mp4a"]) is not None:
        return aac_codec_string(init_mp4)
    return avc_codec_string(init_mp4)
