"""After an ingest died: the recordings its connections left on this disk are stored as parts
of their streams, so the broadcast's recording is whole even across a crash."""

from __future__ import annotations

import logging
import re
import time
from pathlib import Path

from django.core.files import File
from django.core.files.storage import default_storage

from apps.live import services

logger = logging.getLogger(__name__)

_RECORDING = re.compile(r"^recording-(\d{4,})\.flv$")
# A file written to this recently may belong to another ingest process on this host.
QUIET_S = 60


def recover_recordings(work_dir: Path, *, quiet_s: float = QUIET_S) -> list[str]:
    stored = []
    for path in sorted((work_dir / "live").glob("*/recording-*.flv")):
        match = _RECORDING.match(path.name)
        if match is None or time.time() - path.stat().st_mtime < quiet_s:
            continue
        stream_id = path.parent.name
        name = f"live/{stream_id}/recording/part-{int(match[1]):04d}.flv"
        if path.stat().st_size > 13:  # more than the FLV header
            with open(path, "rb") as fh:
                saved = default_storage.save(name, File(fh, name="part.flv"))
            if services.live_recording_add_part(stream_id=stream_id, name=saved):
                stored.append(saved)
            else:
                default_storage.delete(saved)
        path.unlink()
        logger.info("live recording recovered", extra={"stream": stream_id, "part": name})
    return stored
