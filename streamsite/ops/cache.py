"""The Redis cache, degraded instead of failing while Redis is unreachable: reads miss, writes
are dropped, `add` says "already there" (a view is not counted twice) and `incr` starts over, so
pages keep being served from PostgreSQL and only what the cache speeds up or counts pauses.
Everything works again as soon as Redis answers."""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
_LOG_EVERY_S = 10.0


class ResilientRedisCache(RedisCache):
    _logged_at = 0.0

    def _down(self, operation: str, exc: Exception) -> None:
        # One line every few seconds, not one per request, while the outage lasts.
        now = time.monotonic()
        if now - ResilientRedisCache._logged_at >= _LOG_EVERY_S:
            ResilientRedisCache._logged_at = now
            logger.warning("cache unreachable", extra={"operation": operation, "error": repr(exc)})

    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        try:
            return super().get(key, default, version)
        except UNREACHABLE as exc:
            self._down("get", exc)
            return default

    def get_many(self, keys, version: int | None = None) -> dict:
        try:
            return super().get_many(keys, version)
        except UNREACHABLE as exc:
            self._down("get_many", exc)
            return {}

    def has_key(self, key: str, version: int | None = None) -> bool:
        try:
            return super().has_key(key, version)
        except UNREACHABLE as exc:
            self._down("has_key", exc)
            return False

    def add(self, key: str, value: Any, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        try:
            return super().add(key, value, timeout, version)
        except UNREACHABLE as exc:
            self._down("add", exc)
            return False

    def set(self, key: str, value: Any, timeout=DEFAULT_TIMEOUT, version=None) -> None:
        try:
            super().set(key, value, timeout, version)
        except UNREACHABLE as exc:
            self._down("set", exc)

    def set_many(self, data: dict, timeout=DEFAULT_TIMEOUT, version=None) -> list:
        try:
            return super().set_many(data, timeout, version)
        except UNREACHABLE as exc:
            self._down("set_many", exc)
            return list(data)

    def touch(self, key: str, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        try:
            return super().touch(key, timeout, version)
        except UNREACHABLE as exc:
            self._down("touch", exc)
            return False

    def incr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        try:
            return super().incr(key, delta, version)
        except UNREACHABLE as exc:
            self._down("incr", exc)
            return delta

    def delete(self, key: str, version: int | None = None) -> bool:
        try:
            return super().delete(key, version)
        except UNREACHABLE as exc:
            self._down("delete", exc)
            return False

    def delete_many(self, keys, version: int | None = None) -> None:
        try:
            super().delete_many(keys, version)
        except UNREACHABLE as exc:
            self._down("delete_many", exc)

    def clear(self) -> None:
        try:
            super().clear()
        except UNREACHABLE as exc:
            self._down("clear", exc)
