"""A tus upload's stored parts, read as one file and joined into one object through the storage
API. On S3 the bucket joins them itself: a multipart upload whose parts are copied server-side
(UploadPartCopy), so completing a 4 GB upload moves no byte of it through the web node. Only
parts under S3's 5 MiB minimum (a client sending small chunks) are read and sent again, in
pieces of under 10 MiB. Other storages (local files) get the parts streamed once into the object.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from typing import IO

from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

from streamsite.ops.transient import STORAGE_ERRORS

# S3's smallest part, except the last (EntityTooSmall below it).
S3_MIN_PART = 5 * 1024 * 1024
# A byte range of one stored part: (name, start, stop), stop excluded.
Segment = tuple[str, int, int]


def plan_pieces(parts: Sequence[tuple[str, int]], min_part: int = S3_MIN_PART) -> list:
    """The multipart upload's parts, in order, each a list of segments: a piece of one segment
    is copied server-side, a piece of several is read and sent (small parts gathered up to
    `min_part`). Every piece but the last holds at least `min_part` bytes."""
    pieces: list[list[Segment]] = []
    pending: list[Segment] = []
    pending_size = 0
    sized = [(name, size) for name, size in parts if size > 0]
    for index, (name, size) in enumerate(sized):
        start = 0
        last = index == len(sized) - 1
        if pending:
            # Fill the gathered piece from this part's head and copy the rest, or gather the
            # whole part if the rest would be too small to be a part of its own.
            start = min(size, min_part - pending_size)
            if size - start < min_part and not last:
                start = size
            pending.append((name, 0, start))
            pending_size += start
            if pending_size >= min_part:
                pieces.append(pending)
                pending, pending_size = [], 0
        rest = size - start
        if not rest:
            continue
        if rest >= min_part or last:
            pieces.append([(name, start, size)])
        else:
            pending.append((name, start, size))
            pending_size += rest
    if pending:
        pieces.append(pending)
    return pieces


class PartsMismatch(Exception):
    """A part is shorter or longer than recorded (changed or cut in storage)."""


class StoredParts:
    """Stored parts as one read-only file (for sniffing its head), and `store_as` joining them.
    Reading on S3 asks for byte ranges: it never downloads a whole part to read its head."""

    def __init__(self, parts: Sequence[Sequence], storage: Storage = default_storage) -> None:
        self.parts = [(str(name), int(size)) for name, size in parts]
        self.size = sum(size for _, size in self.parts)
        self.storage = storage
        self._position = 0
        self._open: tuple[str, IO[bytes]] | None = None

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._position, os.SEEK_END: self.size}[whence]
        self._position = max(0, base + offset)
        return self._position

    def tell(self) -> int:
        return self._position

    def seekable(self) -> bool:
        return True

    def readable(self) -> bool:
        return True

    def read(self, count: int | None = -1) -> bytes:
        if count is None or count < 0:
            count = self.size - self._position
        chunks = []
        start = 0
        for name, size in self.parts:
            stop = start + size
            if count and start <= self._position < stop:
                take = min(count, stop - self._position)
                chunks.append(self._read_range(name, self._position - start, take))
                self._position += take
                count -= take
            start = stop
        return b"".join(chunks)

    def _read_range(self, name: str, offset: int, count: int) -> bytes:
        if isinstance(self.storage, S3Storage):
            return _s3_read(self.storage, name, offset, count)
        if self._open is None or self._open[0] != name:
            self.close()
            self._open = (name, self.storage.open(name, "rb"))
        handle = self._open[1]
        handle.seek(offset)
        return handle.read(count)

    def close(self) -> None:
        if self._open is not None:
            self._open[1].close()
            self._open = None

    def store_as(self, name: str) -> str:
        """Join the parts into the object `name` (replaced if there); the stored name. Raises
        PartsMismatch, storing nothing, if the parts hold other than `size` bytes."""
        try:
            if isinstance(self.storage, S3Storage) and self.size:
                stored = _s3_join(self.storage, self.parts, name)
            elif not self.size:
                stored = self.storage.save(name, ContentFile(b"", name=os.path.basename(name)))
            else:
                stored = self.storage.save(name, File(self, name=os.path.basename(name)))
        finally:
            self.close()
        if self.storage.size(stored) != self.size:
            self.storage.delete(stored)
            raise PartsMismatch(f"{stored}: the parts do not hold {self.size} bytes")
        return stored


def _client(storage: S3Storage):
    return storage.connection.meta.client


def _key(storage: S3Storage, name: str) -> str:
    # The storage's own name mapping (its `location`), as its save() and open() use.
    return storage._normalize_name(clean_name(name))


def _s3_read(storage: S3Storage, name: str, offset: int, count: int) -> bytes:
    answer = _client(storage).get_object(
        Bucket=storage.bucket_name,
        Key=_key(storage, name),
        Range=f"bytes={offset}-{offset + count - 1}",
    )
    return answer["Body"].read()


def _s3_join(storage: S3Storage, parts: list[tuple[str, int]], name: str) -> str:
    client, bucket, key = _client(storage), storage.bucket_name, _key(storage, name)
    params = storage._get_write_parameters(key)
    upload_id = client.create_multipart_upload(Bucket=bucket, Key=key, **params)["UploadId"]
    common = {"Bucket": bucket, "Key": key, "UploadId": upload_id}
    done = []
    try:
        for number, piece in enumerate(plan_pieces(parts), start=1):
            if len(piece) == 1:
                source, start, stop = piece[0]
                answer = client.upload_part_copy(
                    **common,
                    PartNumber=number,
                    CopySource={"Bucket": bucket, "Key": _key(storage, source)},
                    CopySourceRange=f"bytes={start}-{stop - 1}",
                )
                etag = answer["CopyPartResult"]["ETag"]
            else:
                body = b"".join(
                    _s3_read(storage, source, start, stop - start) for source, start, stop in piece
                )
                etag = client.upload_part(**common, PartNumber=number, Body=body)["ETag"]
            done.append({"PartNumber": number, "ETag": etag})
        client.complete_multipart_upload(**common, MultipartUpload={"Parts": done})
    except BaseException:
        # An unfinished multipart upload is billed storage: give it back (a bucket lifecycle
        # rule for incomplete multipart uploads catches what an outage leaves behind).
        with contextlib.suppress(*STORAGE_ERRORS):
            client.abort_multipart_upload(**common)
        raise
    return clean_name(name)
