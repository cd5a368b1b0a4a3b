"""Banner images: decoded with Pillow within limits and re-encoded from pixels alone, so no
metadata (EXIF, GPS, ICC, comments) and nothing but an image ever reaches a viewer."""

from __future__ import annotations

import io
from typing import IO

from django.core.exceptions import ValidationError
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 16_000_000  # decoded size: refuses decompression bombs before decoding
MAX_SIDE = 1200  # stored banners are scaled down to fit this box
FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}


def banner_reencode(upload: IO[bytes]) -> tuple[bytes, int, int]:
    """WebP bytes, width and height of a clean copy of the upload; ValidationError otherwise."""
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValidationError(f"The image is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in FORMATS:
                raise ValidationError("Upload a JPEG, PNG, WebP or GIF image.")
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError("The image has too many pixels.")
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.seek(0)  # an animated GIF/WebP keeps its first frame only
            image = ImageOps.exif_transpose(image)
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
            # A fresh image from the pixels: nothing of the original's info dict survives.
            clean = Image.new(image.mode, image.size)
            clean.paste(image)
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ValidationError("This file is not a decodable image.") from exc
    out = io.BytesIO()
    clean.save(out, format="WEBP", quality=85, method=4)
    return out.getvalue(), clean.width, clean.height
