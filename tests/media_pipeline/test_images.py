"""Pictures people upload: only a single JPEG, PNG or WebP picture gets through, re-encoded from
its pixels; hostile files are refused with a reason, before anything large is allocated."""

from __future__ import annotations

import io
import struct
import tracemalloc
import zlib

import pytest
from PIL import Image

from media_pipeline.images import ImageRejected, reencode_image


def picture(fmt: str = "JPEG", size=(1600, 900), color=(200, 40, 40), **save) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, fmt, **save)
    return buffer.getvalue()


def png_declaring(width: int, height: int) -> bytes:
    """A well-formed PNG (valid CRCs) whose header declares width x height pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_each_accepted_format_becomes_webp_in_the_grid_and_player_sizes(fmt):
    out = reencode_image(picture(fmt, size=(1920, 1080)), widths=(320, 640, 1280))
    assert sorted(out) == [320, 640, 1280]
    for width, pic in out.items():
        with Image.open(io.BytesIO(pic.data)) as img:
            assert img.format == "WEBP" and img.size == (width, round(1080 * width / 1920))
            assert img.getpixel((img.width // 2, img.height // 2))[0] > 150  # still red


def test_a_small_picture_is_kept_at_its_own_width_and_cropped_to_the_aspect():
    out = reencode_image(picture("PNG", size=(200, 200)), widths=(320, 1280), aspect=(16, 9))
    assert list(out) == [200]
    assert (out[200].width, out[200].height) == (200, 112)


def test_metadata_is_dropped_and_the_camera_rotation_applied():
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: the picture is shown turned 90° clockwise
    exif[0x013B] = "Secret Photographer"  # Artist
    source = picture("JPEG", size=(400, 200), exif=exif.tobytes(), comment=b"secret comment")
    pic = reencode_image(source, widths=(1280,))[200]
    assert (pic.width, pic.height) == (200, 400)
    assert b"Secret" not in pic.data and b"secret" not in pic.data
    with Image.open(io.BytesIO(pic.data)) as img:
        assert not img.getexif() and "exif" not in img.info and "icc_profile" not in img.info


def test_a_png_declaring_a_huge_size_is_refused_without_allocating_it():
    hostile = png_declaring(100_000, 100_000)
    tracemalloc.start()
    try:
        with pytest.raises(ImageRejected, match="pixels"):
            reencode_image(hostile)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 5 * 2**20  # 10^10 pixels would be 30 GB


def test_a_png_just_over_the_pixel_limit_is_refused_from_its_header():
    with pytest.raises(ImageRejected, match="megapixels|pixels"):
        reencode_image(png_declaring(8000, 6000), max_pixels=40_000_000)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (picture("PNG") + b"<html><script>alert(1)</script></html>", "carries other data"),
        (picture("JPEG") + b"PK\x03\x04" + b"\x00" * 100, "carries other data"),
        (b"GIF89a/*\x01\x00\x01\x00*/=alert(1)//;", "GIF"),
        (picture("GIF", size=(64, 64)), "GIF"),
        (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"></svg>', "SVG"),
        (b"<svg onload=alert(1)></svg>", "SVG"),
        (bytes(range(256)) * 64, "not a JPEG, PNG or WebP"),
        (b"", "empty"),
    ],
    ids=["png+html", "jpeg+zip", "gif-js", "gif", "svg-xml", "svg", "random", "empty"],
)
def test_hostile_and_foreign_files_are_refused_with_a_reason(data, reason):
    with pytest.raises(ImageRejected, match=reason):
        reencode_image(data)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_a_truncated_picture_is_refused(fmt):
    whole = picture(fmt, size=(640, 360))
    with pytest.raises(ImageRejected, match="truncated"):
        reencode_image(whole[: len(whole) // 2])


def test_a_file_over_the_byte_limit_is_refused_before_decoding():
    with pytest.raises(ImageRejected, match="MB"):
        reencode_image(picture("PNG", size=(64, 64)) + b"\x00" * 100, max_bytes=50)


def test_a_large_photo_is_decoded_at_a_reduced_scale_yet_gives_every_size():
    out = reencode_image(picture("JPEG", size=(4000, 2250)), widths=(320, 640, 1280))
    assert [(p.width, p.height) for p in out.values()] == [(320, 180), (640, 360), (1280, 720)]
