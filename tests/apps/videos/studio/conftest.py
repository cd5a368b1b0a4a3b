"""Pictures and stored files for the studio's tests."""

from __future__ import annotations

import io
import warnings

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from apps.videos.pipeline import storage


def picture(fmt: str = "JPEG", size=(1280, 720), color=(30, 160, 60)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, fmt)
    return buffer.getvalue()


def upload(data: bytes, name: str = "thumb.jpg", content_type: str = "image/jpeg"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type=content_type)


def body(response) -> bytes:
    # Media views stream asynchronously (for Daphne); the sync test client consumes it whole.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Warning)
        return b"".join(response)


def stored_names(video_id: str) -> set[str]:
    return set(storage.walk(f"videos/{video_id}/"))


def store_every_kind_of_file(video) -> set[str]:
    """One file of each kind the layout has (apps.videos.pipeline.layout), plus captions."""
    prefix = video.storage_prefix
    names = [
        f"{prefix}source/original",
        f"{prefix}source/remuxed",
        f"{prefix}g1/work/360p/chunk_00000.mp4",
        f"{prefix}g1/v/360p/init.mp4",
        f"{prefix}g1/v/360p/seg_00000.m4s",
        f"{prefix}g1/v/360p/index.m3u8",
        f"{prefix}g1/a/index.m3u8",
        f"{prefix}g1/master.m3u8",
        f"{prefix}g1/manifest.mpd",
        f"{prefix}g1/img/poster_640.jpg",
        f"{prefix}g1/img/sprite.jpg",
        f"{prefix}g1/img/thumbnails.vtt",
        f"{prefix}g2/v/144p/seg_00000.m4s",
        f"{prefix}thumbs/abc/640.webp",
        f"{prefix}captions/en.vtt",
    ]
    for name in names:
        default_storage.save(name, ContentFile(b"data", name=name.rsplit("/", 1)[-1]))
    video.source = names[0]
    video.save(update_fields=["source"])
    return set(names)


@pytest.fixture
def jpeg() -> bytes:
    return picture("JPEG")
