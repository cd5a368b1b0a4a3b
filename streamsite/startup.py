"""What a serving process does once at start: in embedded mode, run the workers in-process."""

from __future__ import annotations

import logging
import os
import threading
import time

from django.conf import settings

from streamsite import broker, housekeeping
from streamsite.app_modules import app_modules

logger = logging.getLogger(__name__)


def on_server_start() -> None:
    if os.environ.get("STREAMSITE_NO_EMBEDDED_WORKER") == "1":
        return
    # Uploads land on the serving host: it removes expired ones itself (embedded or not).
    housekeeping.start()
    if not broker.is_embedded():
        return
    broker.start_embedded_worker()
    resume_unfinished_work()
    start_sweeper()


def start_sweeper() -> threading.Thread:
    """Run every app's `recovery.sweep` every PIPELINE_WATCHDOG_INTERVAL_S in a daemon thread:
    the embedded server and `manage.py worker` both do, so no operator's cron is needed."""
    thread = threading.Thread(target=_sweep_forever, name="streamsite-sweep", daemon=True)
    thread.start()
    return thread


def _sweep_forever() -> None:
    while True:
        time.sleep(settings.PIPELINE_WATCHDOG_INTERVAL_S)
        sweep_once()


def sweep_once() -> None:
    from django.db import close_old_connections

    for module in app_modules("recovery"):
        if hasattr(module, "sweep"):
            try:
                module.sweep()
            except Exception:
                # The next round tries again; one app's trouble must not stop the others'.
                logger.exception("sweep failed", extra={"module": module.__name__})
            finally:
                close_old_connections()


def resume_unfinished_work() -> None:
    """In-memory queues die with the process: each app re-sends what it had in flight."""
    for module in app_modules("recovery"):
        module.resume_unfinished()
