"""The LL-HLS syncer: ffmpeg cuts parts (part_N.ts) into the local directory; this uploads each
part as soon as ffmpeg lists it, joins a segment's parts into seg_N.ts once the next segment
starts, and writes the LL-HLS media playlist itself (media_pipeline/llhls.py). The playlist
is also put in the cache, where the live media view's blocking reloads look for it.

Its state (the segment window, the last part seen) is kept in a small JSON file next to
ffmpeg's playlist and in storage (once per segment), so an encoder started again (a publisher
back, a restarted encoder, an ingest on another host) continues the same numbering: ffmpeg
starts at the next part number and its first part is marked as a discontinuity.
"""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

from django.core.cache import cache
from django.core.files.storage import default_storage

from apps.live.ingest.syncer import Syncer, _save
from media_pipeline import llhls

STATE_FILE = "ll-state.json"
# Long enough for a player that read the playlist just before the next pass.
CACHE_S = 30
# A part is a third of a second: looking every 50 ms adds 25 ms on average (standard: 0.2 s).
INTERVAL_S = 0.05


def cache_key(name: str) -> str:
    """The cache key of a stored live playlist (`live/<id>/hls/<rung>/index.m3u8`)."""
    return f"live-playlist:{name}"


class RungState:
    def __init__(self, data: dict | None = None) -> None:
        data = data or {}
        # The first part of a new encoder: parts from this number on follow a discontinuity.
        self.discontinuity_at: int | None = None
        self.first_msn: int = data.get("first_msn", 0)
        self.discontinuity_sequence: int = data.get("discontinuity_sequence", 0)
        self.last_number: int = data.get("last_number", -1)
        self.segments = [
            llhls.Segment([llhls.Part(**p) for p in s["parts"]], s["complete"])
            for s in data.get("segments", [])
        ]

    def as_dict(self) -> dict:
        return {
            "first_msn": self.first_msn,
            "discontinuity_sequence": self.discontinuity_sequence,
            "last_number": self.last_number,
            "segments": [
                {"parts": [p.as_dict() for p in s.parts], "complete": s.complete}
                for s in self.segments
            ],
        }


class PartSyncer(Syncer):
    def __init__(
        self,
        local_dir: Path,
        prefix: str,
        *,
        target_s: int,
        part_target_s: float,
        window_segments: int,
    ) -> None:
        super().__init__(local_dir, prefix)
        self.target_s = target_s
        self.part_target_s = part_target_s
        self.window_segments = max(window_segments, llhls.PART_SEGMENTS + 1)
        self.rungs: dict[str, RungState] = {}
        self._store_state = False
        self.interval_s = INTERVAL_S

    def restore(self, rungs: list[str]) -> None:
        """Fetch the rungs' stored state where there is none locally (another host wrote it).
        Storage I/O: called in a thread before the first encoder starts."""
        for rung in rungs:
            local = self.local_dir / rung / STATE_FILE
            stored = f"{self.prefix}{rung}/{STATE_FILE}"
            if not local.exists() and default_storage.exists(stored):
                local.parent.mkdir(parents=True, exist_ok=True)
                with default_storage.open(stored, "rb") as fh:
                    local.write_bytes(fh.read())

    def encoder_started(self, rungs: list[str]) -> int:
        """A new encoder takes over the stream (local files only: called on the ingest's loop).
        Returns the part number it starts at, past every part seen or listed by the last one;
        its first part of each rung follows a discontinuity."""
        number = 0
        for rung in rungs:
            state = self._state(self.local_dir / rung)
            number = max(number, state.last_number + 1)
            try:
                listed = llhls.parse_parts((self.local_dir / rung / "index.m3u8").read_text())
            except FileNotFoundError:
                listed = []
            number = max([number] + [entry.number + 1 for entry in listed])
        for rung in rungs:
            state = self._state(self.local_dir / rung)
            state.discontinuity_at = number if state.segments else None
        return number

    def _state(self, rung_dir: Path) -> RungState:
        state = self.rungs.get(rung_dir.name)
        if state is None:
            try:
                state = RungState(json.loads((rung_dir / STATE_FILE).read_text()))
            except (FileNotFoundError, ValueError, TypeError, KeyError):
                state = RungState()
            self.rungs[rung_dir.name] = state
        return state

    def sync_once(self) -> int:
        """One pass over every rung directory; returns how many parts were uploaded."""
        count = 0
        for rung_dir in sorted(p for p in self.local_dir.iterdir() if p.is_dir()):
            try:
                listed = llhls.parse_parts((rung_dir / "index.m3u8").read_text())
            except FileNotFoundError:
                continue
            state = self._state(rung_dir)
            added = 0
            for entry in listed:
                if entry.number <= state.last_number:
                    continue
                try:
                    data = (rung_dir / llhls.part_name(entry.number)).read_bytes()
                except FileNotFoundError:
                    continue  # rotated out locally before we saw it
                self._add(rung_dir, state, entry, data)
                added += 1
            if added:
                self._publish(rung_dir, state)
                count += added
        self._publish_master()
        return count

    def _add(self, rung_dir: Path, state: RungState, entry: llhls.ListedPart, data: bytes) -> None:
        rung = rung_dir.name
        part = llhls.Part(
            entry.number,
            entry.duration,
            llhls.starts_with_keyframe(data),
            entry.date,
            entry.discontinuity or self._first_of_encoder(state, entry.number),
        )
        _save(f"{self.prefix}{rung}/{part.uri}", data)
        current = state.segments[-1] if state.segments else None
        if llhls.starts_segment(current, part, target_s=self.target_s):
            if current is not None and not current.complete:
                self._close(rung_dir, current)
                self._store_state = True
            state.segments.append(llhls.Segment([part]))
        else:
            assert current is not None
            current.parts.append(part)
        state.last_number = entry.number
        self.published_at[f"{rung}/{part.uri}"] = time.time()
        self._trim(rung, state)

    @staticmethod
    def _first_of_encoder(state: RungState, number: int) -> bool:
        if state.discontinuity_at is None or number < state.discontinuity_at:
            return False
        state.discontinuity_at = None
        return True

    def _close(self, rung_dir: Path, segment: llhls.Segment) -> None:
        """The segment is whole: its parts joined into seg_N.ts, before a playlist lists it."""
        rung = rung_dir.name
        chunks = []
        for part in segment.parts:
            try:
                chunks.append((rung_dir / part.uri).read_bytes())
            except FileNotFoundError:
                with default_storage.open(f"{self.prefix}{rung}/{part.uri}", "rb") as fh:
                    chunks.append(fh.read())
        _save(f"{self.prefix}{rung}/{segment.uri}", b"".join(chunks))
        segment.complete = True
        self.uploaded.add(f"{rung}/{segment.uri}")
        self.published_at[f"{rung}/{segment.uri}"] = time.time()

    def _trim(self, rung: str, state: RungState) -> None:
        while len(state.segments) > self.window_segments:
            gone = state.segments.pop(0)
            state.first_msn += 1
            if state.segments[0].parts[0].discontinuity:
                state.discontinuity_sequence += 1
            self._delete(rung, gone.uri)
            self.uploaded.discard(f"{rung}/{gone.uri}")
        # Parts are listed for the last few segments only; one more keeps them for a player
        # that read an older playlist.
        for segment in state.segments[: -(llhls.PART_SEGMENTS + 2)]:
            for part in segment.parts:
                if self.published_at.pop(f"{rung}/{part.uri}", None) is not None:
                    self._delete(rung, part.uri)

    def _delete(self, rung: str, name: str) -> None:
        default_storage.delete(f"{self.prefix}{rung}/{name}")
        self.published_at.pop(f"{rung}/{name}", None)

    def _publish(self, rung_dir: Path, state: RungState) -> None:
        if not state.segments:
            return
        text = llhls.media_playlist(
            state.segments,
            media_sequence=state.first_msn,
            discontinuity_sequence=state.discontinuity_sequence,
            target_s=self.target_s,
            part_target_s=self.part_target_s,
            next_part=state.last_number + 1,
        )
        name = f"{self.prefix}{rung_dir.name}/index.m3u8"
        _save(name, text.encode())
        cache.set(cache_key(name), text, CACHE_S)
        self.playlists[rung_dir.name] = text
        data = json.dumps(state.as_dict())
        (rung_dir / STATE_FILE).write_text(data)
        if self._store_state:  # a segment closed: the state other hosts may resume from
            _save(f"{self.prefix}{rung_dir.name}/{STATE_FILE}", data.encode())
            self._store_state = False

    def _publish_master(self) -> None:
        if self.master is not None and all(r in self.playlists for r in self.master[1]):
            self.write_text("master.m3u8", self.master[0])
            self.master = None

    def finish(self) -> None:
        """The encoder stopped: the open segments are whole now. The playlists keep no preload
        hint (nothing comes next) but no ENDLIST yet: the publisher may come back."""
        for rung_dir in sorted(p for p in self.local_dir.iterdir() if p.is_dir()):
            state = self._state(rung_dir)
            if state.segments and not state.segments[-1].complete:
                self._close(rung_dir, state.segments[-1])
                self._store_state = True
                self._publish(rung_dir, state)

    async def run(self, stop: asyncio.Event) -> None:
        await super().run(stop)
        await asyncio.to_thread(self.finish)
