"""Channel images (avatar, banner): judged by size and pixel count before decoding, decoded
with Pillow and re-encoded from pixels alone, so no metadata (EXIF, GPS, ICC, comments) and
nothing but an image reaches a viewer. Pure: bytes in, bytes out."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import IO

from django.core.exceptions import ValidationError
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000  # decoded size: a decompression bomb is refused before decoding
FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}


@dataclass(frozen=True)
class Shape:
    width: int
    height: int


AVATAR = Shape(256, 256)
BANNER = Shape(1600, 400)


def reencode(upload: IO[bytes], shape: Shape) -> bytes:
    """A WebP of exactly `shape` (cropped to its aspect ratio around the centre), or
    ValidationError with a reason a person can act on."""
    size = getattr(upload, "size", None)
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES or (size is not None and size > MAX_BYTES):
        raise ValidationError(f"The image is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    if not data:
        raise ValidationError("The file is empty.")
    too_many = ValidationError("The image has too many pixels (at most 40 million).")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))  # reads the header only
            if image.format not in FORMATS:
                raise ValidationError("Upload a JPEG, PNG, WebP or GIF image.")
            if image.width * image.height > MAX_PIXELS:
                raise too_many
            image.seek(0)
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_many from None
    except UnidentifiedImageError:
        raise ValidationError("The file is not an image we can read.") from None
    except (OSError, SyntaxError, ValueError):
        raise ValidationError("The image is damaged or truncated.") from None
    image = ImageOps.exif_transpose(image)  # keep the intended orientation, drop the tag
    image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
    fitted = ImageOps.fit(image, (shape.width, shape.height), Image.Resampling.LANCZOS)
    fitted.info = {}  # Pillow carries EXIF and ICC over from `info` when saving
    out = io.BytesIO()
    fitted.save(out, format="WEBP", quality=85, method=4)
    return out.getvalue()
