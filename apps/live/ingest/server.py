"""The RTMP ingest: pyrtmp speaks the protocol; this module decides who may publish.

A key is checked against the database when the encoder asks to publish, before any media is
accepted; a refused encoder gets NetStream.Publish.BadName and the connection is closed.
Each connection is its own task and anything it sends that breaks the protocol or our limits
ends that connection only.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil

from asgiref.sync import sync_to_async
from bitstring import BitStream
from django.conf import settings
from django.db import connections
from pyrtmp import StreamClosedException
from pyrtmp.amf.serializers import AMF0Serializer
from pyrtmp.messages import Chunk
from pyrtmp.messages.audio import AudioMessage
from pyrtmp.messages.command import (
    CommandMessage,
    NCConnect,
    NCCreateStream,
    NSCloseStream,
    NSDeleteStream,
    NSPublish,
)
from pyrtmp.messages.factory import MessageFactory
from pyrtmp.messages.protocol_control import (
    SetChunkSize,
    SetPeerBandwidth,
    WindowAcknowledgementSize,
)
from pyrtmp.messages.user_control import StreamBegin
from pyrtmp.messages.video import VideoMessage
from pyrtmp.session_manager import SessionManager

from apps.live import services
from apps.live.ingest import flv
from apps.live.ingest.publisher import (
    HEARTBEAT_S,
    Publisher,
    PublisherEnded,
    PublisherStalled,
)
from apps.live.ingest.recovery import recover_recordings

# pyrtmp configures DEBUG logging for its modules on import and warns about every command it
# does not model (OBS and ffmpeg send releaseStream, FCPublish); its chatter is not ours.
for _name in [n for n in logging.root.manager.loggerDict if n.split(".")[0] == "pyrtmp"]:
    logging.getLogger(_name).setLevel(logging.ERROR)
logger = logging.getLogger(__name__)

HANDSHAKE_TIMEOUT_S = 10
PUBLISH_TIMEOUT_S = 15
MAX_MESSAGE_BYTES = 8 << 20
MAX_CHUNK_STREAMS = 64
MIN_CHUNK_SIZE = 64
MAX_CLIENTS = 256


class ProtocolViolation(Exception):
    pass


class BoundedSession(SessionManager):
    """pyrtmp's session with limits a hostile client cannot talk its way around."""

    async def read_raw_chunk(self):
        chunk = await super().read_raw_chunk()
        if chunk.msg_length > MAX_MESSAGE_BYTES:
            raise ProtocolViolation(f"An RTMP message of {chunk.msg_length} bytes is too large.")
        if len(self.latest_chunks) > MAX_CHUNK_STREAMS + 1:
            raise ProtocolViolation("Too many RTMP chunk streams.")
        return chunk


def _status(code: str, description: str, level: str = "error") -> Chunk:
    data = BitStream()
    AMF0Serializer.create_object(data, "onStatus")
    AMF0Serializer.create_object(data, 0)
    AMF0Serializer.create_object(data, None)
    AMF0Serializer.create_object(data, {"level": level, "code": code, "description": description})
    return Chunk(
        chunk_type=0, chunk_id=5, timestamp=0, msg_length=len(data.bytes), msg_type_id=0x14,
        msg_stream_id=1, payload=data.bytes,
    )  # fmt: skip


# User control messages: what a client may send (a buffer length, a ping answer, nginx-rtmp's
# relay also sends Stream Begin) changes nothing here, and pyrtmp's parser of a client's Stream
# Begin raises; they are skipped unparsed.
USER_CONTROL = 0x04


def _parse(chunk: Chunk):
    return None if chunk.msg_type_id == USER_CONTROL else MessageFactory.from_chunk(chunk)


class IngestServer:
    def __init__(self) -> None:
        self.server: asyncio.base_events.Server | None = None
        self.publishers: dict[str, Publisher] = {}
        self._tasks: set[asyncio.Task] = set()

    async def start(self, host: str, port: int) -> int:
        try:
            # sync_to_async: its database connection is the one close() releases.
            await sync_to_async(recover_recordings)(
                settings.PIPELINE_WORK_DIR,
                quiet_s=settings.LIVE_RECOVERY_QUIET_S,
            )
        except OSError as exc:  # storage away: the files stay for the next start
            logger.warning("live recovery failed", extra={"error": repr(exc)[:300]})
        self.server = await asyncio.start_server(self._client, host=host, port=port)
        bound = self.server.sockets[0].getsockname()[1]
        logger.info("live ingest listening", extra={"host": host, "port": bound})
        return bound

    async def close(self) -> None:
        if self.server is not None:
            self.server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        # The database connection of the thread that ran our ORM calls.
        await sync_to_async(connections.close_all)()

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if len(self._tasks) >= MAX_CLIENTS:
            # Connections beyond any real load (a flood) are closed before any work.
            writer.close()
            return
        self._tasks.add(task)
        session = BoundedSession(reader=reader, writer=writer)
        publisher: Publisher | None = None
        reason = ""
        try:
            await asyncio.wait_for(session.handshake(), HANDSHAKE_TIMEOUT_S)
            publisher = await asyncio.wait_for(self._until_publish(session), PUBLISH_TIMEOUT_S)
            if publisher is not None:
                reason = await self._take_media(session, publisher)
        except (
            StreamClosedException,
            ConnectionError,
            asyncio.IncompleteReadError,
            PublisherStalled,
        ):
            pass  # the encoder hung up or went quiet: a reconnect within the grace continues
        except TimeoutError:
            logger.info("rtmp client too slow", extra={"peer": _peer(writer)})
        except PublisherEnded as ended:
            reason = str(ended)
        except asyncio.CancelledError:
            # The ingest is shutting down; ending normally keeps asyncio's server callback quiet.
            reason = ""
        except Exception as exc:  # noqa: BLE001 - any malformed input ends this client only
            logger.warning(
                "rtmp client dropped", extra={"peer": _peer(writer), "error": repr(exc)[:300]}
            )
            reason = "The encoder sent malformed RTMP." if publisher else ""
        finally:
            if publisher is not None:
                self.publishers.pop(publisher.stream_id, None)
                await publisher.close(reason=reason)
            writer.close()
            self._tasks.discard(task)

    async def _until_publish(self, session: BoundedSession) -> Publisher | None:
        """connect / createStream / publish; the key is checked at publish, before media."""
        async for chunk in session.read_chunks_from_stream():
            message = _parse(chunk)
            if isinstance(message, NCConnect):
                session.write_chunk_to_stream(WindowAcknowledgementSize(ack_window_size=5000000))
                session.write_chunk_to_stream(
                    SetPeerBandwidth(ack_window_size=5000000, limit_type=2)
                )
                session.write_chunk_to_stream(StreamBegin(stream_id=0))
                session.write_chunk_to_stream(SetChunkSize(chunk_size=8192))
                session.writer_chunk_size = 8192
                session.write_chunk_to_stream(message.create_response())
                await session.drain()
            elif isinstance(message, SetChunkSize):
                _set_chunk_size(session, message)
            elif isinstance(message, NCCreateStream):
                session.write_chunk_to_stream(message.create_response())
                await session.drain()
            elif isinstance(message, NSPublish):
                key = str(message.publishing_name or "").split("?", 1)[0]
                try:
                    stream_id, number, resumed = await sync_to_async(services.live_publish_begin)(
                        stream_key=key
                    )
                except services.PublishRefused as refused:
                    refusal = _status("NetStream.Publish.BadName", str(refused))
                    session.write_chunk_to_stream(refusal)
                    await session.drain()
                    logger.info("rtmp publish refused", extra={"reason": str(refused)})
                    return None
                publisher = Publisher(stream_id=stream_id, session=number, resumed=resumed)
                self.publishers[stream_id] = publisher
                session.write_chunk_to_stream(StreamBegin(stream_id=1))
                session.write_chunk_to_stream(message.create_response())
                await session.drain()
                return publisher
            elif isinstance(message, (VideoMessage, AudioMessage)):
                raise ProtocolViolation("Media before publish.")
        return None

    async def _take_media(self, session: BoundedSession, publisher: Publisher) -> str:
        """Feed media until the encoder leaves (''), or a reason to end the stream."""
        beat = asyncio.create_task(self._heartbeat(publisher))
        reader = asyncio.create_task(self._read_media(session, publisher))
        try:
            done, _ = await asyncio.wait({beat, reader}, return_when=asyncio.FIRST_COMPLETED)
            for task in (beat, reader):
                if task not in done:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError, Exception):
                        await task
            finished = done.pop()
            finished.result()  # raises PublisherEnded / protocol errors
            return ""
        finally:
            for task in (beat, reader):
                task.cancel()
            await asyncio.gather(beat, reader, return_exceptions=True)

    async def _read_media(self, session: BoundedSession, publisher: Publisher) -> None:
        async for chunk in session.read_chunks_from_stream():
            message = _parse(chunk)
            if isinstance(message, VideoMessage):
                await publisher.on_media(flv.VIDEO, message.timestamp, message.payload)
            elif isinstance(message, AudioMessage):
                await publisher.on_media(flv.AUDIO, message.timestamp, message.payload)
            elif isinstance(message, SetChunkSize):
                _set_chunk_size(session, message)
            elif isinstance(message, (NSCloseStream, NSDeleteStream)) or (
                isinstance(message, CommandMessage) and message.command_name == "FCUnpublish"
            ):
                return  # the encoder stopped publishing (OBS "Stop Streaming")

    async def _heartbeat(self, publisher: Publisher) -> None:
        while True:
            await asyncio.sleep(HEARTBEAT_S)
            if not await publisher.heartbeat():
                logger.info("live stream ended elsewhere", extra={"stream": publisher.stream_id})
                return

    async def _remove_finished_dirs(self) -> None:
        """Local work dirs of streams that ended (or were deleted) while nobody published here:
        everything of theirs is in storage, and a reconnect would be refused."""
        root = settings.PIPELINE_WORK_DIR / "live"
        local = {p.name for p in root.iterdir() if p.is_dir()} if root.is_dir() else set()
        idle = local - set(self.publishers)
        if not idle:
            return
        keep = await sync_to_async(services.live_streams_still_open)(stream_ids=idle)
        for stream_id in idle - keep:
            await asyncio.to_thread(shutil.rmtree, root / stream_id, True)

    async def sweep_forever(self, every_s: float = 5.0) -> None:
        """End streams abandoned past the reconnect grace (also those of a dead ingest)."""
        while True:
            try:
                await sync_to_async(services.live_end_abandoned)()
                await self._remove_finished_dirs()
            except Exception as exc:  # noqa: BLE001 - the database may be away; try again
                logger.warning("live sweep failed", extra={"error": repr(exc)[:300]})
            await asyncio.sleep(every_s)


def _set_chunk_size(session: BoundedSession, message: SetChunkSize) -> None:
    if not MIN_CHUNK_SIZE <= message.chunk_size <= MAX_MESSAGE_BYTES:
        raise ProtocolViolation(f"Chunk size {message.chunk_size} is not allowed.")
    session.reader_chunk_size = message.chunk_size


def _peer(writer: asyncio.StreamWriter) -> str:
    peer = writer.get_extra_info("peername")
    return f"{peer[0]}:{peer[1]}" if peer else "?"
