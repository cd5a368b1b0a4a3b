"""tus upload state on disk: `<id>.bin` holds the bytes received (its size *is* the offset),
`<id>.json` what was fixed at creation. See apps.videos.uploads.tus for the protocol views."""

from __future__ import annotations

import base64
import binascii
import fcntl
import json
import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import IO

from django.conf import settings
from django.utils.http import http_date
from rest_framework import exceptions
from rest_framework.request import Request

from apps.videos.models import Video, Visibility

TUS_VERSION = "1.0.0"
TUS_EXTENSIONS = "creation,creation-with-upload,termination,expiration"
OFFSET_CONTENT_TYPE = "application/offset+octet-stream"
EXPIRE_AFTER_S = 24 * 3600
READ_CHUNK = 1024 * 1024
_ID = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
_NUMBER = re.compile(r"^\d{1,19}$")
_METADATA_KEYS = (
    "filename",
    "title",
    "description",
    "visibility",
    "content_warning",
    "tags",
    "category",  # read by apps.cms through video_create's hooks
)
_REQUIRED_KEYS = ("filename", "title")


def upload_dir() -> Path:
    # Outside MEDIA_ROOT on purpose: partial uploads must never be served or land in S3.
    default = Path(settings.PIPELINE_WORK_DIR).parent / "streamsite-tus"
    path = Path(getattr(settings, "TUS_UPLOAD_DIR", default))
    path.mkdir(parents=True, exist_ok=True)
    return path


def max_upload_bytes() -> int:
    return settings.MAX_UPLOAD_MB * 1048576


class TusError(exceptions.APIException):
    """An API error with its status and the tus headers the client needs to recover."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status_code = status
        self.tus_headers = headers or {}


@dataclass
class TusUpload:
    id: str
    owner: str
    length: int
    metadata: dict[str, str]
    created: float
    video_id: str | None = None

    @property
    def data_path(self) -> Path:
        return upload_dir() / f"{self.id}.bin"

    @property
    def meta_path(self) -> Path:
        return upload_dir() / f"{self.id}.json"

    def offset(self) -> int:
        if self.video_id:
            return self.length
        try:
            return self.data_path.stat().st_size
        except FileNotFoundError:
            return 0

    def expires_at(self) -> float:
        return _last_activity(self.id) + EXPIRE_AFTER_S

    def save(self) -> None:
        # Write-then-rename: a crash leaves the old sidecar or the new one, never half of one.
        tmp = self.meta_path.with_name(f"{self.id}.json.tmp")
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(asdict(self), fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.meta_path)

    def headers(self) -> dict[str, str]:
        headers = {"Upload-Offset": str(self.offset()), "Upload-Length": str(self.length)}
        if self.video_id:
            headers["Video-Id"] = self.video_id
        else:
            headers["Upload-Expires"] = http_date(self.expires_at())
        return headers


def _files_of(upload_id: str) -> list[Path]:
    return [p for p in upload_dir().glob(f"{upload_id}.*") if p.name.split(".")[0] == upload_id]


def _last_activity(upload_id: str) -> float:
    # Idle time, not age, decides expiry: a slow multi-GB upload that keeps going stays alive.
    return max((p.stat().st_mtime for p in _files_of(upload_id)), default=0.0)


def load_upload(upload_id: str) -> TusUpload | None:
    if not _ID.match(upload_id):
        return None
    try:
        upload = TusUpload(**json.loads((upload_dir() / f"{upload_id}.json").read_text("utf-8")))
    except (FileNotFoundError, ValueError, TypeError):
        return None
    if not upload.video_id and not upload.data_path.exists():
        return None
    if upload.expires_at() < time.time():
        return None
    return upload


def remove_upload(upload_id: str) -> None:
    for path in _files_of(upload_id):
        path.unlink(missing_ok=True)


@contextmanager
def locked_data(upload: TusUpload) -> Iterator[IO[bytes]]:
    """The data file, locked against every other writer in any process on this host.

    Non-blocking: a second PATCH would find the offset moved anyway, so it is told to retry
    (tus clients retry 423) instead of holding a server thread while the first one runs.
    """
    gone = TusError(409, "The upload changed meanwhile; ask for its offset again (HEAD).")
    try:
        fh = open(upload.data_path, "r+b")
    except FileNotFoundError:
        raise gone from None
    with fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise TusError(423, "Another request is writing to this upload; retry.") from None
        # The previous holder may have completed or terminated the upload and unlinked the file
        # we opened: our lock would then guard a dead inode.
        try:
            alive = os.stat(upload.data_path).st_ino == os.fstat(fh.fileno()).st_ino
        except FileNotFoundError:
            alive = False
        if not alive:
            raise gone
        yield fh


@contextmanager
def creation_lock() -> Iterator[None]:
    """New uploads are created one at a time on this host, so counting an account's open
    uploads and adding one are a single step. The lock is on the directory itself: no file
    of its own for cleanup to trip over. Creation is brief, so one lock for all is enough."""
    fd = os.open(upload_dir(), os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def open_uploads(owner: str) -> list[TusUpload]:
    """This account's unfinished, unexpired uploads."""
    uploads = []
    for sidecar in upload_dir().glob("*.json"):
        upload = load_upload(sidecar.stem)
        if upload is not None and upload.owner == owner and not upload.video_id:
            uploads.append(upload)
    return uploads


def header_number(request: Request, name: str) -> int | None:
    raw = request.headers.get(name)
    if raw is None:
        return None
    if not _NUMBER.match(raw.strip()):
        raise TusError(400, f"{name} must be a non-negative integer.")
    return int(raw)


def parse_metadata(header: str) -> dict[str, str]:
    metadata: dict[str, str] = {}
    for pair in filter(None, (part.strip() for part in header.split(","))):
        key, _, value = pair.partition(" ")
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise TusError(400, f"Upload-Metadata: {key} is not base64 of UTF-8 text.") from None
        if key in _METADATA_KEYS:
            metadata[key] = decoded
    missing = [key for key in _REQUIRED_KEYS if not metadata.get(key, "").strip()]
    if missing:
        raise TusError(400, f"Upload-Metadata must include {' and '.join(missing)}.")
    # Refuse now what video_create would refuse at the end, before gigabytes are sent.
    metadata["visibility"] = metadata.get("visibility") or Visibility.PUBLIC
    if metadata["visibility"] not in Visibility.values:
        raise TusError(400, f"visibility: choose one of {', '.join(Visibility.values)}.")
    for key in ("description", "tags"):
        limit = Video._meta.get_field(key).max_length
        if limit and len(metadata.get(key, "")) > limit:
            raise TusError(400, f"{key}: at most {limit} characters.")
    return metadata


def encode_metadata(metadata: dict[str, str]) -> str:
    return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in metadata.items())


def tus_cleanup_expired(now: datetime | None = None) -> int:
    """Remove uploads idle for 24 h, and receipts 24 h old; return how many went."""
    moment = now.timestamp() if now else time.time()
    ids = {path.name.split(".")[0] for path in upload_dir().iterdir()}
    removed = 0
    for upload_id in sorted(ids):
        if _last_activity(upload_id) + EXPIRE_AFTER_S >= moment:
            continue
        data = upload_dir() / f"{upload_id}.bin"
        try:
            with open(data, "r+b") as fh:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                remove_upload(upload_id)
        except FileNotFoundError:
            remove_upload(upload_id)
        except BlockingIOError:
            continue  # a PATCH is writing right now: not idle after all
        removed += 1
    return removed
