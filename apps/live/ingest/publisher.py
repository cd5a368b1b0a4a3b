"""One publisher connection after its key was accepted: probe, encode, record, report health.

States: PROBING (buffering until a keyframe and about a second of media, then ffprobe judges
what was really sent), RUNNING (every tag to the encoder and the recording), CLOSED. A
publisher is ended with a reason it can read in the studio when what it sends is not a live
H.264 stream this site can take; nothing it sends can stop the ingest's other streams.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import math
import shutil
import tempfile
import time
from pathlib import Path

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage

from apps.live import services
from apps.live.ingest import flv
from apps.live.ingest.llsync import PartSyncer
from apps.live.ingest.syncer import Syncer, restore_playlists
from apps.live.ingest.transcoder import Transcoder, TranscoderFailed, work_dir
from apps.live.models import LiveStatus
from media_pipeline import live, llhls
from media_pipeline.run import ToolError, find_ffmpeg, find_ffprobe, run_tool

logger = logging.getLogger(__name__)

PROBE_MEDIA_MS = 1000
PROBE_MAX_BYTES = 8 << 20
HEARTBEAT_S = 2.0
STALL_S = 15.0


class PublisherEnded(Exception):
    """The publisher must go; `reason` is shown to the stream's owner."""


class PublisherStalled(Exception):
    """The connection went quiet: dropped like a hang-up, so a reconnect may continue."""


class Publisher:
    def __init__(self, *, stream_id: str, session: int, resumed: bool) -> None:
        self.stream_id = stream_id
        self.session = session
        self.resumed = resumed
        self.state = "probing"
        self.started = time.monotonic()
        self.last_media = time.monotonic()
        self.probe_buffer: list[bytes] = []
        self.probe_bytes = 0
        self.first_key_ts: int | None = None
        # Wall time the first keyframe arrived: the origin of the stream's media clock (the
        # latency benchmark maps segments back to their publication with it).
        self.first_key_wall: float | None = None
        self.video_seen = False
        self.config_tags: dict[int, bytes] = {}  # kind -> the latest sequence header tag
        self.base = work_dir(settings.PIPELINE_WORK_DIR, stream_id)
        self.hls_dir = self.base / "hls"
        self.hls_dir.mkdir(exist_ok=True)
        self.recording_path = self.base / f"recording-{session:04d}.flv"
        self.recording = open(self.recording_path, "wb")  # closed in close()
        self.recording.write(flv.HEADER)
        self.transcoder: Transcoder | None = None
        self.syncer = Syncer(self.hls_dir, f"live/{stream_id}/hls")
        self.sync_stop = asyncio.Event()
        self.sync_task: asyncio.Task | None = None
        # Health over the last few seconds: (monotonic time, bytes, is video frame).
        self.window: collections.deque[tuple[float, int, bool]] = collections.deque()
        self.last_keyframes: collections.deque[int] = collections.deque(maxlen=2)
        self.source: live.LiveSource | None = None
        self.rungs: list[live.LiveRung] = []

    # --- media in ------------------------------------------------------------------------
    async def on_media(self, kind: int, timestamp: int, payload: bytes) -> None:
        now = time.monotonic()
        self.last_media = now
        self.window.append(
            (now, len(payload), kind == flv.VIDEO and not flv.is_video_config(payload))
        )
        if kind == flv.VIDEO:
            self.video_seen = True
            codec = flv.video_codec(payload)
            if codec != flv.CODEC_AVC:
                raise PublisherEnded(f"Only H.264 video is accepted (FLV codec id {codec}).")
            if flv.is_keyframe(payload):
                self.last_keyframes.append(timestamp)
        data = flv.tag(kind, timestamp, payload)
        self.recording.write(data)
        if (kind == flv.VIDEO and flv.is_video_config(payload)) or (
            kind == flv.AUDIO and flv.is_audio_config(payload)
        ):
            self.config_tags[kind] = data
        if self.state == "probing":
            await self._probe_step(kind, timestamp, payload, data)
        elif self.state == "running":
            await self._encode(kind, payload, data)

    async def _probe_step(self, kind: int, timestamp: int, payload: bytes, data: bytes) -> None:
        if self.first_key_ts is None:
            if not (kind == flv.VIDEO and flv.is_keyframe(payload)):
                # Before the first keyframe only the sequence headers are worth keeping.
                return
            self.first_key_ts = timestamp
            self.first_key_wall = time.time()
        self.probe_buffer.append(data)
        self.probe_bytes += len(data)
        enough_media = timestamp - self.first_key_ts >= PROBE_MEDIA_MS
        if enough_media or self.probe_bytes > PROBE_MAX_BYTES:
            await self._start_encoding()

    def check_deadlines(self) -> None:
        """Called by the heartbeat: publishers that never send usable media are ended."""
        waited = time.monotonic() - self.started
        if self.state == "probing" and waited > settings.LIVE_KEYFRAME_TIMEOUT_S:
            if not self.video_seen:
                raise PublisherEnded("The stream has no video.")
            if self.first_key_ts is not None:
                raise PublisherEnded("The stream's timestamps do not advance.")
            raise PublisherEnded(
                f"No keyframe within {settings.LIVE_KEYFRAME_TIMEOUT_S:g} s; "
                "set the encoder's keyframe interval to 1-2 s."
            )
        if time.monotonic() - self.last_media > STALL_S:
            raise PublisherStalled()

    async def _start_encoding(self) -> None:
        head = flv.HEADER + b"".join(self.config_tags.values())
        buffered = head + b"".join(self.probe_buffer)
        source = await asyncio.to_thread(_probe, buffered, self.base)
        if isinstance(source, str):
            raise PublisherEnded(source)
        self.source = source
        self.rungs = live.live_ladder(source, max_rungs=settings.LIVE_MAX_RUNGS)
        ffmpeg = find_ffmpeg(settings.FFMPEG_BINARY)
        size = live.list_size(
            segment_s=settings.LIVE_SEGMENT_S,
            window_segments=settings.LIVE_WINDOW_SEGMENTS,
            dvr_window_s=settings.LIVE_DVR_WINDOW_S,
        )
        names = [r.name for r in self.rungs]
        part_s, encoder_list_size = 0.0, size
        if settings.LIVE_LOW_LATENCY:
            per_segment = settings.LIVE_PARTS_PER_SEGMENT
            part_s = live.part_length(settings.LIVE_SEGMENT_S, per_segment)
            # ffmpeg's own list (of parts) only has to outlast the syncer's next passes.
            encoder_list_size = 4 * per_segment
            self.syncer = ll_syncer = PartSyncer(
                self.hls_dir,
                self.syncer.prefix,
                target_s=math.ceil(settings.LIVE_SEGMENT_S),
                part_target_s=llhls.part_target(part_s, live.output_fps(source)),
                window_segments=size,
            )

        def args_for(resume: bool) -> list[str]:
            start_number = 0
            if part_s:  # LL-HLS: the syncer continues the parts, not ffmpeg (llsync.py)
                start_number = ll_syncer.encoder_started(names)
                resume = False
            return live.transcode_args(
                ffmpeg,
                source=source,
                rungs=self.rungs,
                out_dir=self.hls_dir,
                segment_s=settings.LIVE_SEGMENT_S,
                list_size=encoder_list_size,
                preset=settings.PIPELINE_PRESET,
                resume=resume,
                part_s=part_s,
                start_number=start_number,
            )

        if part_s:
            await asyncio.to_thread(ll_syncer.restore, names)
        else:
            await asyncio.to_thread(restore_playlists, self.hls_dir, self.syncer.prefix, names)
        resume = any((self.hls_dir / n / "index.m3u8").exists() for n in names)
        for name in names:
            (self.hls_dir / name).mkdir(exist_ok=True)
        master = live.master_playlist(
            self.rungs, fps=live.output_fps(source), has_audio=source.has_audio
        )
        self.syncer.set_master(master, names)
        await sync_to_async(services.live_publish_heartbeat)(
            stream_id=self.stream_id,
            session=self.session,
            width=source.width,
            height=source.height,
            rungs=[r.as_dict() for r in self.rungs],
        )
        self.transcoder = Transcoder(args_for, stream_id=self.stream_id)
        await self.transcoder.start(resume=resume)
        self.sync_task = asyncio.create_task(self.syncer.run(self.sync_stop))
        self.state = "running"
        self.transcoder.needs_keyframe = False
        if not await self.transcoder.write(buffered):
            await self._restart_encoder()
        self.probe_buffer = []

    async def _encode(self, kind: int, payload: bytes, data: bytes) -> None:
        assert self.transcoder is not None
        if self.transcoder.needs_keyframe:
            # A restarted encoder starts on a keyframe, after the sequence headers.
            if not (kind == flv.VIDEO and flv.is_keyframe(payload)):
                return
            data = flv.HEADER + b"".join(self.config_tags.values()) + data
            self.transcoder.needs_keyframe = False
        if not await self.transcoder.write(data):
            await self._restart_encoder()

    async def _restart_encoder(self) -> None:
        assert self.transcoder is not None
        try:
            await self.transcoder.restart()
        except TranscoderFailed as exc:
            raise PublisherEnded(str(exc)) from exc

    # --- health --------------------------------------------------------------------------
    def health(self) -> dict:
        now = time.monotonic()
        while self.window and now - self.window[0][0] > 5:
            self.window.popleft()
        span = max(1.0, min(5.0, now - self.started))
        total = sum(size for _, size, _ in self.window)
        frames = sum(1 for _, _, is_frame in self.window if is_frame)
        keyframe_interval = None
        if len(self.last_keyframes) == 2:
            keyframe_interval = round((self.last_keyframes[1] - self.last_keyframes[0]) / 1000, 2)
        transcoder = self.transcoder
        return {
            "bitrate_kbps": round(total * 8 / span / 1000),
            "fps": round(frames / span, 1),
            "keyframe_interval_s": keyframe_interval,
            "dropped_frames": transcoder.dropped_frames if transcoder else 0,
            "encoder_speed": transcoder.progress.get("speed") if transcoder else None,
            "state": self.state,
        }

    async def heartbeat(self) -> bool:
        """Report health; False when the stream was ended elsewhere (the studio)."""
        self.check_deadlines()
        transcoder = self.transcoder
        if transcoder is not None and self.state == "running":
            if not transcoder.alive or transcoder.stalled(STALL_S):
                await self._restart_encoder()
        return await sync_to_async(services.live_publish_heartbeat)(
            stream_id=self.stream_id, session=self.session, health=self.health()
        )

    # --- end -----------------------------------------------------------------------------
    async def close(self, *, reason: str = "") -> None:
        """Stop the encoder, publish what it wrote, store the recording part, release the key."""
        self.state = "closed"
        if self.transcoder is not None:
            await self.transcoder.stop()
        self.sync_stop.set()
        if self.sync_task is not None:
            try:
                await self.sync_task
            except OSError as exc:
                logger.warning("live final sync failed", extra={"error": str(exc)})
        self.recording.close()
        part = ""
        if self.first_key_ts is not None:
            part = await asyncio.to_thread(self._store_recording)
        self.recording_path.unlink(missing_ok=True)
        status = await sync_to_async(services.live_publish_end)(
            stream_id=self.stream_id, session=self.session, recording_part=part, fatal_reason=reason
        )
        if status == LiveStatus.ENDED:
            # Everything is in storage; a reconnect is refused, so the local copy has no use.
            await asyncio.to_thread(shutil.rmtree, self.base, True)

    def _store_recording(self) -> str:
        name = f"live/{self.stream_id}/recording/part-{self.session:04d}.flv"
        with open(self.recording_path, "rb") as fh:
            return default_storage.save(name, File(fh, name="part.flv"))


def _probe(data: bytes, base: Path) -> live.LiveSource | str:
    """What the publisher really sent, judged by ffprobe on the buffered start."""
    ffprobe = find_ffprobe(find_ffmpeg(settings.FFMPEG_BINARY))
    if ffprobe is None:
        return "The server cannot inspect streams (no ffprobe)."
    with tempfile.NamedTemporaryFile(dir=base, suffix=".flv") as fh:
        fh.write(data)
        fh.flush()
        try:
            result = run_tool(
                live.probe_args(ffprobe, Path(fh.name)), timeout=15, cpu_seconds=15, memory_mb=1024
            )
        except ToolError:
            return "The stream could not be read as H.264 video."
    return live.parse_probe(result.stdout)
