"""What a serving process does once at start: in embedded mode, run the workers in-process."""

from __future__ import annotations

import logging
import os
import threading
import time

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
    threading.Thread(target=_sweep_forever, name="streamsite-sweep", daemon=True).start()


def _sweep_forever(interval_s: float = 15.0) -> None:
    """Embedded mode only: pick up work stored by other processes (import_video, seed_demo)."""
    from django.db import close_old_connections

    while True:
        time.sleep(interval_s)
        for module in app_modules("recovery"):
            if hasattr(module, "sweep"):
                try:
                    module.sweep()
                except Exception:
                    logger.exception("sweep failed", extra={"module": module.__name__})
                finally:
                    close_old_connections()


def resume_unfinished_work() -> None:
    """In-memory queues die with the process: each app re-sends what it had in flight."""
    for module in app_modules("recovery"):
        module.resume_unfinished()
