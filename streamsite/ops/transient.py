"""Trouble that passes: storage, the database or the broker unreachable for a while. A job that
meets it waits and retries (for up to about an hour) instead of failing the work for good, and
an upload is told to retry (503), so an outage marks nothing failed."""

from __future__ import annotations

from collections.abc import Callable

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectTimeoutError,
    ReadTimeoutError,
)
from botocore.exceptions import (
    ConnectionError as BotoConnectionError,
)
from django.db import InterfaceError, OperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

# What a storage backend raises when it cannot be reached (local disks: OSError).
STORAGE_ERRORS = (OSError, BotoCoreError, ClientError)
_UNREACHABLE = (
    BotoConnectionError,
    ConnectTimeoutError,
    ReadTimeoutError,
    OperationalError,
    InterfaceError,
    RedisConnectionError,
    RedisTimeoutError,
    ConnectionError,
    TimeoutError,
)
# The database's own outage: answered by streamsite.ops.unavailable (a page or JSON, 503).
DATABASE_ERRORS = (OperationalError, InterfaceError)
# With the pipeline's backoff capped at a minute, this many tries span about an hour.
PATIENCE = 60


def is_transient(exc: BaseException) -> bool:
    if isinstance(exc, _UNREACHABLE):
        return True
    if isinstance(exc, ClientError):
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
        code = exc.response.get("Error", {}).get("Code", "")
        return status >= 500 or code in {"SlowDown", "RequestTimeout", "ServiceUnavailable"}
    return False


def retry_when(max_retries: int) -> Callable[[int, BaseException], bool]:
    """Dramatiq's `retry_when`: `max_retries` tries for a job's own errors, PATIENCE for an
    outage of something it depends on."""

    def should_retry(retries: int, exc: BaseException) -> bool:
        return retries < (PATIENCE if is_transient(exc) else max_retries)

    return should_retry
