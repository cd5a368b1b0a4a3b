"""What a serving process does once at start: in embedded mode, run the workers in-process."""

from __future__ import annotations

import logging
import os

from streamsite import broker, housekeeping
from streamsite.app_modules import app_modules

logger = logging.getLogger(__name__)


def on_server_start() -> None:
    if os.environ.get("STREAMSITE_NO_EMBEDDED_WORKER") == "1":
        return
    # Uploads land on the serving host: it removes expired ones itself (embedded or not), and
    # sweeps the pipeline (streamsite.housekeeping).
    housekeeping.start()
    if not broker.is_embedded():
        return
    broker.start_embedded_worker()
    resume_unfinished_work()


def resume_unfinished_work() -> None:
    """In-memory queues die with the process: each app re-sends what it had in flight."""
    for module in app_modules("recovery"):
        module.resume_unfinished()
