"""Copies the encoder's local HLS output to storage: segments first, then the playlist that
names them, so a player never finds a playlist entry whose segment is not there yet. Segments
the encoder dropped from its window (past the DVR window) are deleted from storage too."""

from __future__ import annotations

import asyncio
import logging
import os
import time
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

logger = logging.getLogger(__name__)

INTERVAL_S = 0.2


def _save(name: str, data: bytes) -> None:
    stored = default_storage.save(name, ContentFile(data, name=os.path.basename(name)))
    if stored != name:  # storage must overwrite (settings: allow_overwrite / file_overwrite)
        raise RuntimeError(f"storage renamed {name!r} to {stored!r}")


def _segments_named(playlist: str) -> list[str]:
    return [line.strip() for line in playlist.splitlines() if line.strip().endswith(".ts")]


class Syncer:
    def __init__(self, local_dir: Path, prefix: str) -> None:
        self.local_dir = local_dir
        self.prefix = prefix.rstrip("/") + "/"
        self.uploaded: set[str] = set()
        self.playlists: dict[str, str] = {}
        # Wall time each segment reached storage (the latency benchmark reads it).
        self.published_at: dict[str, float] = {}
        # The master playlist waits until every rung it names has a playlist in storage:
        # a player reading it earlier would get 404s for the rungs.
        self.master: tuple[str, list[str]] | None = None
        self.interval_s = INTERVAL_S

    def sync_once(self) -> int:
        """One pass over every rung directory; returns how many segments were uploaded."""
        count = 0
        for rung_dir in sorted(p for p in self.local_dir.iterdir() if p.is_dir()):
            playlist_path = rung_dir / "index.m3u8"
            try:
                playlist = playlist_path.read_text()
            except FileNotFoundError:
                continue
            rung = rung_dir.name
            for segment in _segments_named(playlist):
                key = f"{rung}/{segment}"
                if key in self.uploaded or "/" in segment:
                    continue
                try:
                    data = (rung_dir / segment).read_bytes()
                except FileNotFoundError:
                    continue  # already rotated out locally; the playlist will drop it
                _save(f"{self.prefix}{key}", data)
                self.uploaded.add(key)
                self.published_at[key] = time.time()
                count += 1
            if self.playlists.get(rung) != playlist:
                _save(f"{self.prefix}{rung}/index.m3u8", playlist.encode())
                self.playlists[rung] = playlist
            self._forget_rotated(rung, rung_dir, playlist)
        if self.master is not None and all(r in self.playlists for r in self.master[1]):
            self.write_text("master.m3u8", self.master[0])
            self.master = None
        return count

    def set_master(self, text: str, rungs: list[str]) -> None:
        """Publish `text` as master.m3u8 as soon as each of `rungs` has a stored playlist."""
        self.master = (text, rungs)

    def _forget_rotated(self, rung: str, rung_dir: Path, playlist: str) -> None:
        listed = set(_segments_named(playlist))
        for key in [k for k in self.uploaded if k.startswith(f"{rung}/")]:
            segment = key.split("/", 1)[1]
            if segment not in listed and not (rung_dir / segment).exists():
                default_storage.delete(f"{self.prefix}{key}")
                self.uploaded.discard(key)
                self.published_at.pop(key, None)

    def write_text(self, relative: str, text: str) -> None:
        (self.local_dir / relative).write_text(text)
        _save(f"{self.prefix}{relative}", text.encode())

    async def run(self, stop: asyncio.Event) -> None:
        """Sync until `stop` is set, then once more so the last segment is not lost."""
        while not stop.is_set():
            try:
                await asyncio.to_thread(self.sync_once)
            except OSError as exc:  # storage trouble: try again on the next pass
                logger.warning("live sync failed", extra={"prefix": self.prefix, "error": str(exc)})
            try:
                await asyncio.wait_for(stop.wait(), self.interval_s)
            except TimeoutError:
                pass
        await asyncio.to_thread(self.sync_once)


def restore_playlists(local_dir: Path, prefix: str, rungs: list[str]) -> None:
    """After a restart elsewhere, fetch the stored variant playlists so the new encoder appends
    to them (same numbering, a discontinuity) instead of starting the stream over."""
    for rung in rungs:
        name = f"{prefix.rstrip('/')}/{rung}/index.m3u8"
        target = local_dir / rung / "index.m3u8"
        if target.exists() or not default_storage.exists(name):
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        with default_storage.open(name, "rb") as fh:
            target.write_bytes(fh.read())
