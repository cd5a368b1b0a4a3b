"""Pictures people upload (a video's custom thumbnail, an avatar, a banner): judged from their
bytes, decoded with every size limit checked on the header first, and re-encoded from pixels
alone, so nothing of the upload but its picture reaches a page (no metadata, no trailing
payload, no second format hiding in the same bytes).

Pure: bytes in, bytes out; callers store the results.
"""

from __future__ import annotations

import io
import struct
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

from PIL import Image, ImageOps

MAX_BYTES = 10 * 1024 * 1024
# 8K UHD and a little more: a phone's 50 MP photo is refused, which is rare for a thumbnail.
MAX_PIXELS = 40_000_000
QUALITY = 82

# The only formats accepted, by their first bytes: never by the file's name or declared type.
_JPEG = b"\xff\xd8\xff"
_PNG = b"\x89PNG\r\n\x1a\n"
_PNG_END = b"\x00\x00\x00\x00IEND\xaeB`\x82"


class ImageRejected(ValueError):
    """Not an image we take; the message is the reason, fit to show to the uploader."""


@dataclass(frozen=True)
class Picture:
    width: int
    height: int
    data: bytes
    content_type: str
    extension: str


def sniff_format(data: bytes) -> str:
    """JPEG, PNG or WEBP from the content's signature; ImageRejected for anything else."""
    if data.startswith(_JPEG):
        return "JPEG"
    if data.startswith(_PNG):
        return "PNG"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        raise ImageRejected("GIF images are not accepted: use JPEG, PNG or WebP.")
    head = data[:512].lstrip().lower()
    if head.startswith((b"<?xml", b"<svg", b"<!doctype", b"<html")) or b"<svg" in head:
        raise ImageRejected("SVG and other markup are not accepted: use JPEG, PNG or WebP.")
    raise ImageRejected("This file is not a JPEG, PNG or WebP image.")


def _check_ends_where_it_should(data: bytes, fmt: str) -> None:
    """Bytes after the picture's own end are how one file is two things at once (an image
    that is also HTML, a ZIP, a script): refused rather than silently dropped."""
    if fmt == "PNG" and not data.endswith(_PNG_END):
        raise ImageRejected(
            "The PNG does not end with its end marker: it is truncated or carries other data."
        )
    if fmt == "JPEG" and not data.rstrip(b"\x00").endswith(b"\xff\xd9"):
        raise ImageRejected(
            "The JPEG does not end with its end marker: it is truncated or carries other data."
        )
    if fmt == "WEBP" and struct.unpack("<I", data[4:8])[0] + 8 != len(data):
        raise ImageRejected(
            "The WebP's declared size does not match the file: it is truncated or carries "
            "other data."
        )


def _open(data: bytes, fmt: str, max_pixels: int) -> Image.Image:
    """Read the header only and judge its declared size before a pixel is decoded (Pillow
    allocates on load, not on open)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data), formats=[fmt])
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageRejected("The image declares more pixels than allowed.") from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise ImageRejected("The image could not be read: it is damaged or not an image.") from exc
    width, height = img.size
    if width < 1 or height < 1 or width * height > max_pixels:
        img.close()
        raise ImageRejected(
            f"The image is {width}×{height} pixels; at most {max_pixels // 1_000_000} "
            "megapixels are allowed."
        )
    if getattr(img, "n_frames", 1) > 1:
        img.close()
        raise ImageRejected("Animated images are not accepted.")
    return img


def _decode(img: Image.Image) -> Image.Image:
    try:
        img.load()
        # The camera's rotation is applied to the pixels: the EXIF that said so is dropped.
        upright = ImageOps.exif_transpose(img)
    except (OSError, SyntaxError, ValueError, struct.error) as exc:
        raise ImageRejected("The image could not be decoded: it is truncated or damaged.") from exc
    mode = "RGBA" if upright.mode in ("RGBA", "LA", "PA") or "transparency" in img.info else "RGB"
    # A fresh image holds pixels only: no EXIF, XMP, ICC or comments of the upload survive.
    clean = Image.new(mode, upright.size)
    clean.paste(upright.convert(mode))
    return clean


def _crop(img: Image.Image, aspect: tuple[int, int] | None) -> Image.Image:
    if aspect is None:
        return img
    want = aspect[0] / aspect[1]
    width, height = img.size
    if width / height > want:
        new_w = max(1, round(height * want))
        left = (width - new_w) // 2
        return img.crop((left, 0, left + new_w, height))
    new_h = max(1, round(width / want))
    top = (height - new_h) // 2
    return img.crop((0, top, width, top + new_h))


def reencode_image(
    data: bytes,
    *,
    widths: Sequence[int] = (320, 640, 1280),
    aspect: tuple[int, int] | None = None,
    max_bytes: int = MAX_BYTES,
    max_pixels: int = MAX_PIXELS,
    quality: int = QUALITY,
) -> dict[int, Picture]:
    """The picture in `data` as WebP at each of `widths` not wider than it (its own width when
    it is narrower than all), centre-cropped to `aspect` (w, h) when given.

    Raises ImageRejected, with a reason for the uploader, for anything that is not a single
    JPEG, PNG or WebP picture within `max_bytes` and `max_pixels`.
    """
    if not data:
        raise ImageRejected("The file is empty.")
    if len(data) > max_bytes:
        raise ImageRejected(
            f"The image is {len(data) / 2**20:.1f} MB; at most {max_bytes / 2**20:.0f} MB."
        )
    fmt = sniff_format(data)
    _check_ends_where_it_should(data, fmt)
    with _open(data, fmt, max_pixels) as img:
        if fmt == "JPEG":
            # libjpeg decodes straight at a reduced scale still at least this large: a 40 MP
            # photo never occupies 160 MB for a 1280 px thumbnail.
            img.draft("RGB", (max(widths), max(widths)))
        picture = _crop(_decode(img), aspect)
    out: dict[int, Picture] = {}
    chosen = sorted({w for w in widths if w <= picture.width}) or [picture.width]
    for width in chosen:
        height = max(1, round(picture.height * width / picture.width))
        sized = (
            picture if width == picture.width else picture.resize((width, height), Image.LANCZOS)
        )
        buffer = io.BytesIO()
        sized.save(buffer, "WEBP", quality=quality, method=4)
        out[width] = Picture(width, height, buffer.getvalue(), "image/webp", "webp")
    return out
