"""A web node's graceful stop: once asked to stop it is "draining", /readyz answers 503 so a
load balancer takes it out of rotation while it still serves what reaches it (`manage.py
serve` sets it on SIGTERM, then stops after SHUTDOWN_GRACE_S)."""

from __future__ import annotations

import threading

_draining = threading.Event()


def begin_drain() -> None:
    _draining.set()


def is_draining() -> bool:
    return _draining.is_set()


def end_drain() -> None:
    """For tests: the node is back in rotation."""
    _draining.clear()
