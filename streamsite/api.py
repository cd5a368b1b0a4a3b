"""API conventions shared by every app: every error is `{"error": "reason", ...}`."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from streamsite.errors import LimitExceeded
from streamsite.ops.transient import DATABASE_ERRORS, is_transient
from streamsite.ops.unavailable import RETRY_AFTER_S


def _first_message(detail: Any) -> str:
    if isinstance(detail, list) and detail:
        return _first_message(detail[0])
    if isinstance(detail, dict) and detail:
        key, value = next(iter(detail.items()))
        message = _first_message(value)
        return message if key in ("non_field_errors", "detail", "error") else f"{key}: {message}"
    return str(detail)


def _from_django(exc: Exception) -> Exception:
    """Services raise Django's exceptions; the API answers them as DRF's, message kept (DRF's
    own mapping of PermissionDenied drops it, and it leaves ValidationError to a 500)."""
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        )
    if isinstance(exc, LimitExceeded):
        refused = exceptions.APIException(exc.reason)
        refused.status_code = exc.status
        return refused
    return exc


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """Every API error is `{"error": "reason", ...field errors}` with the DRF status."""
    if is_transient(exc) and not isinstance(exc, DATABASE_ERRORS):
        # Storage (or Redis) unreachable for a while: the client retries, nothing was kept
        # half-done (the database's own outage is answered by ops.unavailable, the same way).
        return Response(
            {"error": "A service is unreachable for a moment; retry."},
            status=503,
            headers={"Retry-After": str(RETRY_AFTER_S), "Cache-Control": "no-store"},
        )
    exc = _from_django(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(exc, exceptions.ValidationError) and isinstance(data, dict):
        body = {"error": _first_message(data), **data}
    elif isinstance(data, dict) and "detail" in data:
        body = {"error": str(data["detail"]), **{k: v for k, v in data.items() if k != "detail"}}
    else:
        body = {"error": _first_message(data)}
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        body["retry_after"] = int(exc.wait)
    response.data = body
    return response
