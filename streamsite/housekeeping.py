"""Chores the running site does by itself, so no operator's cron is needed: the serving process
and `manage.py worker` each start them once (`start`). Every chore is safe to run in several
processes at once (uploads are locked while being removed)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from django.conf import settings
from django.db import close_old_connections

from streamsite.app_modules import app_modules

logger = logging.getLogger(__name__)
_started = False
_lock = threading.Lock()


def _tus_cleanup() -> None:
    from apps.videos.uploads.tus_store import tus_cleanup_expired

    removed = tus_cleanup_expired()
    if removed:
        logger.info("expired uploads removed", extra={"count": removed})


def _recovery_sweep() -> None:
    """Every app's `recovery.sweep`: the pipeline queues uploads never queued and re-queues (or
    fails with a reason) work that stopped moving. One app's trouble must not stop the others'."""
    for module in app_modules("recovery"):
        if hasattr(module, "sweep"):
            try:
                module.sweep()
            except Exception:  # logged with its traceback; the next run tries again
                logger.exception("sweep failed", extra={"module": module.__name__})


def _notification_digest() -> None:
    from apps.notifications.digest import send_digests

    send_digests()


def chores() -> list[tuple[str, float, Callable[[], None]]]:
    return [
        ("tus_cleanup", settings.TUS_CLEANUP_INTERVAL_S, _tus_cleanup),
        ("pipeline_sweep", settings.PIPELINE_WATCHDOG_INTERVAL_S, _recovery_sweep),
        ("notification_digest", settings.NOTIFICATION_DIGEST_INTERVAL_S, _notification_digest),
    ]


def _every(name: str, interval_s: float, chore: Callable[[], None], stop: threading.Event) -> None:
    # First run after one interval: a restart loop must not turn into a cleanup loop.
    while not stop.wait(interval_s):
        try:
            chore()
        except Exception:  # logged with its traceback; the next run tries again
            logger.exception("housekeeping chore failed", extra={"chore": name})
        finally:
            close_old_connections()


def start(stop: threading.Event | None = None) -> threading.Event:
    """Start each chore's thread once per process; set the returned event to stop them."""
    global _started
    stop = stop or threading.Event()
    with _lock:
        if _started:
            return stop
        _started = True
    for name, interval_s, chore in chores():
        if interval_s > 0:
            thread = threading.Thread(
                target=_every, args=(name, interval_s, chore, stop), name=f"streamsite-{name}"
            )
            thread.daemon = True
            thread.start()
    return stop
