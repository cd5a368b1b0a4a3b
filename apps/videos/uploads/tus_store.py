"""tus upload state shared by every web node: the offset, the parts list and what was fixed at
creation are a database row (ResumableUpload), the bytes are parts in Django's storage (local
files or S3 alike) under `tus-parts/<id>/`. A PATCH may land on any node, and a node's loss
loses no byte it acknowledged. See apps.videos.uploads.tus for the protocol views."""

from __future__ import annotations

import base64
import binascii
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.http import http_date
from rest_framework import exceptions
from rest_framework.request import Request

from apps.videos.models import ResumableUpload, Video, Visibility
from streamsite.ops.transient import STORAGE_ERRORS

logger = logging.getLogger(__name__)

TUS_VERSION = "1.0.0"
TUS_EXTENSIONS = "creation,creation-with-upload,termination,expiration"
OFFSET_CONTENT_TYPE = "application/offset+octet-stream"
EXPIRE_AFTER = timedelta(hours=24)
READ_CHUNK = 1024 * 1024
PARTS_PREFIX = "tus-parts"
# PostgreSQL's answer to FOR UPDATE NOWAIT on a row another transaction holds.
LOCK_NOT_AVAILABLE = "55P03"
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


def max_upload_bytes() -> int:
    return settings.MAX_UPLOAD_MB * 1048576


class TusError(exceptions.APIException):
    """An API error with its status and the tus headers the client needs to recover."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status_code = status
        self.tus_headers = headers or {}


def storage_unavailable() -> TusError:
    return TusError(503, "Storage is unreachable for a moment; retry.", {"Retry-After": "5"})


def parts_dir(upload_id: str) -> str:
    return f"{PARTS_PREFIX}/{upload_id}"


def expires_at(upload: ResumableUpload) -> datetime:
    return upload.touched_at + EXPIRE_AFTER


def upload_headers(upload: ResumableUpload) -> dict[str, str]:
    headers = {"Upload-Offset": str(upload.offset), "Upload-Length": str(upload.length)}
    if upload.video_id:
        headers["Video-Id"] = upload.video_id
    else:
        headers["Upload-Expires"] = http_date(expires_at(upload).timestamp())
    return headers


def load_upload(upload_id: str) -> ResumableUpload | None:
    if not _ID.match(upload_id):
        return None
    upload = ResumableUpload.objects.filter(pk=upload_id).first()
    if upload is None or expires_at(upload) < timezone.now():
        return None
    return upload


@contextmanager
def locked_upload(upload_id: str) -> Iterator[ResumableUpload]:
    """The upload's row, locked against every writer on every node, inside a transaction.

    Non-blocking: a second PATCH would find the offset moved anyway, so it is told to retry
    (tus clients retry 423) instead of holding a server thread while the first one runs.
    """
    with transaction.atomic():
        try:
            upload = (
                ResumableUpload.objects.select_for_update(nowait=True).filter(pk=upload_id).first()
            )
        except DatabaseError as exc:
            if getattr(exc.__cause__, "sqlstate", None) != LOCK_NOT_AVAILABLE:
                raise  # the database itself is in trouble: a 503 (streamsite.ops.unavailable)
            raise TusError(423, "Another request is writing to this upload; retry.") from None
        if upload is None:
            raise TusError(409, "The upload changed meanwhile; ask for its offset again (HEAD).")
        yield upload


@contextmanager
def creation_lock(owner_id: int) -> Iterator[None]:
    """An account's uploads are created one at a time (on any node), so counting its open
    uploads and adding one are a single step: the owner's row lock."""
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=owner_id).first()
        yield


def open_uploads(owner_id: int) -> list[ResumableUpload]:
    """This account's unfinished, unexpired uploads."""
    fresh = timezone.now() - EXPIRE_AFTER
    return list(
        ResumableUpload.objects.filter(owner_id=owner_id, video_id="", touched_at__gte=fresh)
    )


def delete_parts(upload_id: str) -> None:
    """Remove every stored part of an upload, including ones a crashed request left unlisted."""
    try:
        _, names = default_storage.listdir(parts_dir(upload_id))
    except FileNotFoundError:
        return
    for name in names:
        default_storage.delete(f"{parts_dir(upload_id)}/{name}")


def delete_parts_quietly(upload_id: str) -> None:
    try:
        delete_parts(upload_id)
    except STORAGE_ERRORS as exc:
        # Left for tus_cleanup_expired, which removes parts of finished or missing uploads.
        logger.warning("tus parts not removed yet", extra={"upload": upload_id, "error": repr(exc)})


def remove_upload(upload_id: str) -> None:
    ResumableUpload.objects.filter(pk=upload_id).delete()
    transaction.on_commit(lambda: delete_parts_quietly(upload_id))


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
    """Remove uploads idle for 24 h and receipts 24 h old, with their parts; also parts whose
    upload is finished or gone (a crash between two steps). Return how many uploads went."""
    moment = now or timezone.now()
    removed = 0
    expired = ResumableUpload.objects.filter(touched_at__lt=moment - EXPIRE_AFTER)
    for upload_id in expired.values_list("pk", flat=True):
        with transaction.atomic():
            # skip_locked: a PATCH writing right now means it is not idle after all.
            row = (
                ResumableUpload.objects.select_for_update(skip_locked=True)
                .filter(pk=upload_id, touched_at__lt=moment - EXPIRE_AFTER)
                .first()
            )
            if row is None:
                continue
            row.delete()
        delete_parts_quietly(upload_id)
        removed += 1
    try:
        dirs, _ = default_storage.listdir(PARTS_PREFIX)
    except FileNotFoundError:
        dirs = []
    unfinished = set(
        ResumableUpload.objects.filter(pk__in=dirs, video_id="").values_list("pk", flat=True)
    )
    for upload_id in set(dirs) - unfinished:
        delete_parts_quietly(upload_id)
    return removed
