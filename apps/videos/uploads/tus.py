"""tus 1.0.0 uploads at /api/v1/uploads/ (core, creation, creation-with-upload, termination,
expiration). Any web node serves any request of an upload: its state is a database row and its
bytes are parts in Django's storage (apps.videos.uploads.tus_store), one part per PATCH. The
whole file becomes a video through `video_create` only; the row then stays as a receipt naming
the video until it expires, so a client that lost the completing answer learns the id from HEAD.

Daphne passes a request on only once its whole body has arrived, so there a PATCH cut off
mid-body is lost whole (tus-js-client's chunkSize bounds the loss); servers that stream bodies
keep the bytes that arrived.
"""

from __future__ import annotations

import logging
import secrets
import tempfile
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.permissions import BasePermission
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import UserRateThrottle
from rest_framework.views import APIView

from apps.users.selectors import user_is_creator
from apps.videos.models import ResumableUpload
from apps.videos.services import upload_check, video_create, video_fields_check
from apps.videos.uploads.parts import PartsMismatch, StoredParts
from apps.videos.uploads.tus_store import (
    OFFSET_CONTENT_TYPE,
    READ_CHUNK,
    TUS_EXTENSIONS,
    TUS_VERSION,
    TusError,
    creation_lock,
    delete_parts_quietly,
    encode_metadata,
    header_number,
    load_upload,
    locked_upload,
    max_upload_bytes,
    open_uploads,
    parse_metadata,
    parts_dir,
    remove_upload,
    storage_unavailable,
    upload_headers,
)
from streamsite.errors import LimitExceeded
from streamsite.ops.transient import STORAGE_ERRORS

logger = logging.getLogger(__name__)
_REFUSALS = (DjangoValidationError, DjangoPermissionDenied, LimitExceeded)


def _read_body(request: Request, count: int, into: IO[bytes]) -> int:
    """Copy up to `count` body bytes into `into`; return how many arrived."""
    received = 0
    try:
        while received < count:
            # The Django request, read as a stream: DRF must never parse or buffer it.
            chunk = request._request.read(min(READ_CHUNK, count - received))
            if not chunk:
                break
            into.write(chunk)
            received += len(chunk)
    except OSError:
        logger.info("tus body cut short", extra={"bytes": received})
    return received


def _store_part(upload: ResumableUpload, spool: IO[bytes], size: int) -> None:
    """Store one PATCH's bytes as a part and move the offset, compare-and-set on the offset so
    no database (SQLite ignores row locks) can let two writers both append."""
    spool.seek(0)
    name = f"{parts_dir(upload.id)}/{upload.offset:019d}-{secrets.token_hex(4)}"
    try:
        stored = default_storage.save(name, File(spool, name=name))
    except STORAGE_ERRORS as exc:
        logger.warning("tus part not stored", extra={"upload": upload.id, "error": repr(exc)})
        raise storage_unavailable() from None
    parts = [*upload.parts, [stored, size]]
    moved = ResumableUpload.objects.filter(pk=upload.pk, offset=upload.offset).update(
        offset=upload.offset + size, parts=parts, touched_at=timezone.now()
    )
    if not moved:
        raise TusError(409, "The upload changed meanwhile; ask for its offset again (HEAD).")
    upload.offset += size
    upload.parts = parts


def _append(request: Request, upload_id: str, offset: int, count: int) -> ResumableUpload:
    """Write the body at `offset` under the upload's row lock; finish the upload if whole."""
    refusal: Exception | None = None
    with tempfile.SpooledTemporaryFile(max_size=8 * READ_CHUNK) as spool:
        with locked_upload(upload_id) as upload:
            if offset != upload.offset:
                message = f"Upload-Offset is {offset} but the server has {upload.offset} bytes."
                raise TusError(409, message, {"Upload-Offset": str(upload.offset)})
            if offset + count > upload.length:
                raise TusError(413, f"The body goes past Upload-Length ({upload.length} bytes).")
            received = _read_body(request, count, spool)
            if received:
                # Whatever arrived is kept: the client resumes from there.
                _store_part(upload, spool, received)
            if received == count and upload.offset == upload.length:
                try:
                    _finish(request, upload)
                except _REFUSALS as exc:
                    # It can never become a video: keeping it would only invite endless retries.
                    remove_upload(upload.id)
                    refusal = exc
    if refusal is not None:
        # The API's exception handler answers the refusal (400, 403, or 413/429 over a limit).
        raise refusal
    if received < count:
        message = "The request body ended early; resume from Upload-Offset."
        raise TusError(400, message, {"Upload-Offset": str(upload.offset)})
    return upload


def _finish(request: Request, upload: ResumableUpload) -> None:
    meta = upload.metadata
    fields = {key: meta.get(key, "") for key in ("title", "description", "content_warning", "tags")}
    whole = StoredParts(upload.parts)
    if whole.size != upload.length:
        raise TusError(500, "The stored parts do not add up; upload the file again.")
    try:
        # The parts are joined where they are stored (server-side on S3), never copied whole
        # through this process.
        video = video_create(
            owner=request.user,
            upload=whole,
            filename=meta["filename"],
            visibility=meta["visibility"],
            extra=meta,
            **fields,
        )
    except PartsMismatch:
        raise TusError(500, "The stored parts do not add up; upload the file again.") from None
    except STORAGE_ERRORS as exc:
        # Rolled back with the last part's offset: the client's retry of it finishes.
        logger.warning("tus parts not joined", extra={"upload": upload.id, "error": repr(exc)})
        raise storage_unavailable() from None
    # The receipt names the video; the parts go once that is committed.
    upload.video_id = video.id
    upload.parts = []
    upload.save(update_fields=["video_id", "parts"])
    transaction.on_commit(lambda: delete_parts_quietly(upload.id))
    logger.info("tus upload complete", extra={"upload": upload.id, "video": video.id})


class _SignedInOrOptions(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        return request.method == "OPTIONS" or bool(request.user and request.user.is_authenticated)


class _TusCreateThrottle(UserRateThrottle):
    # The site's upload rate, counted apart from the multipart endpoint's (per endpoint).
    scope = "uploads"
    cache_format = "throttle_tus_%(scope)s_%(ident)s"


class _TusView(APIView):
    # Token first so an anonymous request gets 401 with WWW-Authenticate, not 403. Session auth
    # makes DRF demand the X-CSRFToken header from browsers.
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [_SignedInOrOptions]
    renderer_classes = [JSONRenderer]
    parser_classes: list = []  # the body is a byte stream copied by hand, never parsed

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        if request.method != "OPTIONS" and request.headers.get("Tus-Resumable") != TUS_VERSION:
            raise TusError(412, "Only tus 1.0.0 is supported.", {"Tus-Version": TUS_VERSION})
        super().initial(request, *args, **kwargs)

    def handle_exception(self, exc: Exception) -> Response:
        response = super().handle_exception(exc)
        for name, value in getattr(exc, "tus_headers", {}).items():
            response[name] = value
        return response

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Tus-Resumable"] = TUS_VERSION
        response["Cache-Control"] = "no-store"
        return response

    def options(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        limit = str(max_upload_bytes())
        headers = {"Tus-Version": TUS_VERSION, "Tus-Extension": TUS_EXTENSIONS}
        return Response(status=204, headers={**headers, "Tus-Max-Size": limit})

    def _owned(self, request: Request, upload_id: str) -> ResumableUpload:
        upload = load_upload(upload_id)
        # Another user's upload answers like a missing one: ids cannot be probed.
        if upload is None or upload.owner_id != request.user.pk:
            raise exceptions.NotFound("No such upload (it may have expired).")
        return upload


def _header(
    name: str, kind: type = str, response: bool | list[int] = False, **kw: Any
) -> OpenApiParameter:
    return OpenApiParameter(name, kind, OpenApiParameter.HEADER, response=response, **kw)


_ERROR = OpenApiResponse(description='`{"error": "reason"}`')
_TUS = _header("Tus-Resumable", required=True, enum=[TUS_VERSION])
_OFFSET_OUT = _header("Upload-Offset", int, response=[201, 204])
_BODY = {OFFSET_CONTENT_TYPE: OpenApiTypes.BINARY}


def _body_length(request: Request, required: bool) -> int:
    length = header_number(request, "Content-Length")
    if length is None and "Transfer-Encoding" in request.headers:
        # A chunked body's size is unknown until it ends: it could not be refused up front.
        raise TusError(411, "Content-Length is required.")
    if (length or required) and request._request.content_type != OFFSET_CONTENT_TYPE:
        raise TusError(415, f"Content-Type must be {OFFSET_CONTENT_TYPE}.")
    # Judged on the declared size, before a byte of the body is read.
    if length and length > settings.TUS_MAX_CHUNK_MB * 1048576:
        message = (
            f"A request body may hold at most {settings.TUS_MAX_CHUNK_MB} MB; send smaller chunks."
        )
        raise TusError(413, message)
    return length or 0


def _refuse_over_limits(user: Any, length: int) -> None:
    """Per-account limits on a new upload (the caller holds creation_lock)."""
    if user.is_staff:
        return
    pending = open_uploads(user.pk)
    cap = settings.TUS_MAX_OPEN_UPLOADS
    if cap and len(pending) >= cap:
        message = f"You have {len(pending)} unfinished uploads; finish or cancel one first."
        raise TusError(429, message)
    upload_check(
        owner=user,
        size=length,
        open_uploads=len(pending),
        open_bytes=sum(u.length for u in pending),
    )


class TusCreateView(_TusView):
    def get_throttles(self) -> list:
        return [_TusCreateThrottle()] if self.request.method == "POST" else []

    @extend_schema(
        summary="Create a resumable upload (tus creation; the body may carry the first bytes)",
        parameters=[
            _TUS,
            _header("Upload-Length", int, required=True),
            _header("Upload-Metadata", required=True, description="filename, title required"),
            _header("Location", response=[201]),
            _OFFSET_OUT,
            _header("Video-Id", response=[201], description="When the body completed it."),
        ],
        request=_BODY,
        responses={201: None, 400: _ERROR, 401: _ERROR, 403: _ERROR, 413: _ERROR, 429: _ERROR},
    )
    def post(self, request: Request) -> Response:
        if not user_is_creator(request.user):
            raise exceptions.PermissionDenied("Only creators may upload videos. Start a channel.")
        length = header_number(request, "Upload-Length")
        if length is None:
            raise TusError(400, "Upload-Length is required (deferred length is not supported).")
        limit = max_upload_bytes()
        if length > limit:
            size = f"The file is {length / 1048576:.1f} MB"
            message = f"{size}; the limit is {settings.MAX_UPLOAD_MB} MB."
            raise TusError(413, message, {"Tus-Max-Size": str(limit)})
        metadata = parse_metadata(request.headers.get("Upload-Metadata", ""))
        video_fields_check(metadata)
        count = _body_length(request, required=False)
        with creation_lock(request.user.pk):
            _refuse_over_limits(request.user, length)
            upload = ResumableUpload.objects.create(
                id=secrets.token_urlsafe(24),
                owner=request.user,
                length=length,
                metadata=metadata,
                touched_at=timezone.now(),
            )
        logger.info("tus upload created", extra={"upload": upload.id, "length": length})
        location = reverse("tus-upload", args=[upload.id])
        if count or length == 0:
            try:
                upload = _append(request, upload.id, 0, count)
            except TusError as exc:
                # The upload exists: a client retrying after a refused body still needs it.
                exc.tus_headers.setdefault("Location", location)
                raise
        return Response(status=201, headers={"Location": location, **upload_headers(upload)})


class TusUploadView(_TusView):
    def head(self, request: Request, upload_id: str) -> Response:
        upload = self._owned(request, upload_id)
        headers = upload_headers(upload)
        headers["Upload-Metadata"] = encode_metadata(upload.metadata)
        return Response(status=200, headers=headers)

    @extend_schema(
        summary="Append bytes at Upload-Offset; the completing PATCH answers with Video-Id",
        parameters=[
            _TUS,
            _header("Upload-Offset", int, required=True),
            _OFFSET_OUT,
            _header("Video-Id", response=[204]),
        ],
        request=_BODY,
        responses={204: None, 400: _ERROR, 404: _ERROR, 409: _ERROR, 413: _ERROR},
    )
    def patch(self, request: Request, upload_id: str) -> Response:
        upload = self._owned(request, upload_id)
        count = _body_length(request, required=True)
        offset = header_number(request, "Upload-Offset")
        if offset is None:
            raise TusError(400, "Upload-Offset is required.")
        if upload.video_id:
            # A retry of the completing PATCH whose answer was lost: answer it again.
            if offset == upload.length and count == 0:
                return Response(status=204, headers=upload_headers(upload))
            raise TusError(409, "This upload is already complete.", upload_headers(upload))
        upload = _append(request, upload.id, offset, count)
        return Response(status=204, headers=upload_headers(upload))

    @extend_schema(
        summary="Terminate an upload", parameters=[_TUS], request=None, responses={204: None}
    )
    def delete(self, request: Request, upload_id: str) -> Response:
        upload = self._owned(request, upload_id)
        with locked_upload(upload.id):
            remove_upload(upload.id)
        logger.info("tus upload terminated", extra={"upload": upload.id})
        return Response(status=204)
