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
RAW_STREAM = (
    "The file is a bare video stream without a container; upload an MP4, MKV, WebM or MOV file."
)

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


def _audio_format(head: bytes) -> str | None:
    """Audio-only formats, recognised here so the message names them whatever ffmpeg's version
    (newer builds no longer identify formats outside the demuxer whitelist)."""
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if head[:4] == b"FORM" and head[8:12] in {b"AIFF", b"AIFC"}:
        return "aiff"
    if head.startswith(b"fLaC"):
        return "flac"
    if head.startswith(b"#!AMR"):
        return "amr"
    if head.startswith(b"ID3") or head[:2] in {b"\xff\xfb", b"\xff\xf3", b"\xff\xfa", b"\xff\xf2"}:
        return "mp3"
    if head[:2] in {b"\xff\xf1", b"\xff\xf9"}:
        return "aac"
    return None


def _is_raw_video(head: bytes) -> bool:
    """An H.264/HEVC Annex B elementary stream: a start code, then a parameter set, delimiter
    or SEI. Playable bytes, but no container to give it timing."""
    if looks_like_iso_bmff(head):
        # A 64-bit MP4 box header also begins 00 00 00 01.
        return False
    for code in (b"\x00\x00\x00\x01", b"\x00\x00\x01"):
        if head.startswith(code) and len(head) > len(code):
            nal = head[len(code)]
            return nal & 0x1F in {6, 7, 9} or (nal >> 1) & 0x3F in {32, 33, 35, 39}
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
    audio = _audio_format(head)
    if audio:
        return f"The file is an audio file ({audio}) with no video.", "audio_only"
    if _is_raw_video(head):
        return RAW_STREAM, "raw_stream"
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
