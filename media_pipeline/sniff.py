"""Content sniffing before any demuxer sees an upload.

ffmpeg picks a demuxer from the bytes (and, weakly, the name), and some demuxers open further
files or URLs that the content names (HLS playlists, concat lists). Recognising those, and the
harmless-but-wrong uploads people actually make (photos, web pages), from the first bytes lets
us refuse early with a message a person understands.
"""

from __future__ import annotations

from pathlib import Path

SNIFF_BYTES = 64 * 1024

EMPTY = "The file is empty."
HLS = "HLS playlists are not accepted; upload the video file itself."
CONCAT = "Concat lists are not accepted; upload the video file itself."
TEXT = "The file is text, not a video."
MARKUP = "The file is a web page or XML/SVG document, not a video."
IMAGE = "The file is an image, not a video."

# Image brands of the ISO base media format (HEIF/AVIF photos share MP4's box structure).
_IMAGE_BRANDS = {b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1", b"avif", b"avis"}
_BMP_HEADER_SIZES = {12, 40, 52, 56, 64, 108, 124}


def _is_image(head: bytes) -> bool:
    if head.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a")):
        return True
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return True
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return True
    # "BM" alone is too weak a signature; the DIB header size field makes it specific.
    if head[:2] == b"BM" and len(head) >= 18:
        return int.from_bytes(head[14:18], "little") in _BMP_HEADER_SIZES
    if head[4:8] == b"ftyp" and head[8:12] in _IMAGE_BRANDS:
        return True
    return False


def _as_text(head: bytes) -> str | None:
    """The decoded head if it reads as text; None for binary data."""
    if b"\x00" in head:
        return None
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut by the read boundary is still text.
        if exc.start < len(head) - 4:
            return None
        text = head[: exc.start].decode("utf-8")
    if not text:
        return None
    printable = sum(1 for ch in text if ch.isprintable() or ch in "\r\n\t\f")
    return text if printable / len(text) >= 0.95 else None


def _is_concat_list(text: str) -> bool:
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        return stripped.startswith("ffconcat") or stripped.startswith(("file '", 'file "'))
    return False


def classify(head: bytes) -> tuple[str, str] | None:
    """(reason, code) for content that is obviously not a video upload, else None."""
    if not head:
        return EMPTY, "empty"
    text = _as_text(head.removeprefix(b"\xef\xbb\xbf"))
    if text is not None:
        stripped = text.lstrip()
        if stripped.startswith("#EXTM3U"):
            return HLS, "hls"
        if _is_concat_list(stripped):
            return CONCAT, "concat"
        if stripped.startswith("<"):
            return MARKUP, "text"
        return TEXT, "text"
    if _is_image(head):
        return IMAGE, "image"
    return None


def sniff_bytes(head: bytes) -> str | None:
    """A refusal reason for content that is obviously not a video upload, else None."""
    found = classify(head)
    return found[0] if found else None


def sniff(path: str | Path) -> str | None:
    """Read the first 64 KB of ``path`` and return a refusal reason, or None to go on probing."""
    with open(path, "rb") as fh:
        return sniff_bytes(fh.read(SNIFF_BYTES))


def looks_like_iso_bmff(head: bytes) -> bool:
    """True when the file starts like MP4/MOV, so a failed parse means damage, not junk."""
    return head[4:8] in {b"ftyp", b"moov", b"mdat", b"free", b"wide", b"skip"}
