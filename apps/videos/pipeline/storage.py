"""Moving files between a worker's disk and Django's storage (local files or S3 alike).

The pipeline never uses `.path`: it downloads what it needs to a temp dir and uploads results,
so the same code runs on one laptop or on many workers sharing a bucket.
"""

from __future__ import annotations

import contextlib
import mimetypes
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage, default_storage
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

CONTENT_TYPES = {
    ".m3u8": "application/vnd.apple.mpegurl",
    ".mpd": "application/dash+xml",
    ".m4s": "video/iso.segment",
    ".mp4": "video/mp4",
    ".m4a": "audio/mp4",
    ".vtt": "text/vtt",
    ".jpg": "image/jpeg",
    ".webp": "image/webp",
}


def content_type_for(name: str) -> str:
    ext = os.path.splitext(name)[1].lower()
    return CONTENT_TYPES.get(ext) or mimetypes.guess_type(name)[0] or "application/octet-stream"


def download(name: str, dest: Path, *, storage: Storage = default_storage) -> Path:
    """Copy a stored file to `dest` atomically (a killed job never leaves half a file)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    # A private partial name per call: two jobs on one worker may fetch the same source at once.
    fd, partial = tempfile.mkstemp(dir=dest.parent, prefix=dest.name, suffix=".part")
    try:
        with storage.open(name, "rb") as src, os.fdopen(fd, "wb") as out:
            shutil.copyfileobj(src, out, length=1024 * 1024)
        os.replace(partial, dest)
    finally:
        if os.path.exists(partial):
            os.unlink(partial)
    return dest


def _save(name: str, content: File, storage: Storage) -> str:
    # Storage is configured to overwrite (allow_overwrite / file_overwrite), so a name is
    # replaced in place: never deleted first, which would leave a reader a moment of 404.
    stored = storage.save(name, content)
    if stored != name:
        raise RuntimeError(f"storage renamed {name!r} to {stored!r}; enable overwriting")
    return stored


def upload(path: Path, name: str, *, storage: Storage = default_storage) -> str:
    """Store `path` under exactly `name`, replacing what was there (outputs have fixed names)."""
    with open(path, "rb") as fh:
        return _save(name, File(fh, name=os.path.basename(name)), storage)


def upload_text(text: str, name: str, *, storage: Storage = default_storage) -> str:
    return upload_bytes(text.encode(), name, storage=storage)


def upload_bytes(data: bytes, name: str, *, storage: Storage = default_storage) -> str:
    return _save(name, ContentFile(data, name=os.path.basename(name)), storage)


def walk(prefix: str, *, storage: Storage = default_storage) -> Iterator[str]:
    """Every stored file name under `prefix` (a directory-like path ending in '/')."""
    prefix = prefix.rstrip("/")
    try:
        dirs, files = storage.listdir(prefix)
    except FileNotFoundError:
        return
    for f in files:
        yield f"{prefix}/{f}"
    for d in dirs:
        yield from walk(f"{prefix}/{d}", storage=storage)


def delete_prefix(prefix: str, *, storage: Storage = default_storage) -> int:
    """Delete every stored file under `prefix`; the number deleted."""
    if isinstance(storage, S3Storage):
        return _delete_s3_prefix(prefix, storage)
    count = 0
    for name in list(walk(prefix, storage=storage)):
        storage.delete(name)
        count += 1
    if isinstance(storage, FileSystemStorage):
        _remove_empty_dirs(Path(storage.path(prefix.rstrip("/"))))
    return count


def _delete_s3_prefix(prefix: str, storage: S3Storage) -> int:
    """One listing and one DeleteObjects call per 1000 keys: a long video has tens of thousands
    of segments, which one request each would take minutes to delete."""
    # The storage's own name mapping (its `location`), as its delete() uses.
    key_prefix = storage._normalize_name(clean_name(prefix.rstrip("/"))) + "/"
    answers = storage.bucket.objects.filter(Prefix=key_prefix).delete()
    return sum(len(answer.get("Deleted", [])) for answer in answers)


def _remove_empty_dirs(top: Path) -> None:
    """Local disks keep directories that object stores do not have; drop the empty ones."""
    if not top.is_dir():
        return
    for path in sorted((p for p in top.rglob("*") if p.is_dir()), reverse=True):
        with contextlib.suppress(OSError):  # not empty: a concurrent job wrote into it
            path.rmdir()
    with contextlib.suppress(OSError):
        top.rmdir()
