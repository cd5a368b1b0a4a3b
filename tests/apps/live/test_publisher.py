"""What a publisher sends, judged before an encoder starts: codecs and keyframes."""

from __future__ import annotations

import asyncio

import pytest

from apps.live.ingest import flv
from apps.live.ingest.publisher import Publisher, PublisherEnded

AVC_INTER = bytes([0x27, 0x01, 0, 0, 0]) + b"\x00" * 200  # frame type 2, AVC, NALU
AVC_CONFIG = bytes([0x17, 0x00, 0, 0, 0]) + b"\x01\x64\x00\x1f"


@pytest.fixture
def publisher(settings, tmp_path):
    settings.PIPELINE_WORK_DIR = tmp_path
    settings.LIVE_KEYFRAME_TIMEOUT_S = 0
    made = Publisher(stream_id="s1", session=1, resumed=False)
    yield made
    made.recording.close()


def test_a_publisher_that_never_sends_a_keyframe_is_ended_with_a_reason(publisher):
    async def scenario():
        await publisher.on_media(flv.VIDEO, 0, AVC_CONFIG)
        for n in range(30):
            await publisher.on_media(flv.VIDEO, n * 33, AVC_INTER)
        assert publisher.state == "probing" and publisher.transcoder is None
        with pytest.raises(PublisherEnded, match="No keyframe"):
            publisher.check_deadlines()

    asyncio.run(scenario())


def test_video_that_is_not_h264_is_refused_at_its_first_frame(publisher):
    sorenson = bytes([0x12]) + b"\x00" * 100  # keyframe, codec id 2 (Sorenson H.263)
    with pytest.raises(PublisherEnded, match="Only H.264"):
        asyncio.run(publisher.on_media(flv.VIDEO, 0, sorenson))


def test_audio_only_is_ended_as_no_video(publisher):
    aac = bytes([0xAF, 0x01]) + b"\x00" * 50
    asyncio.run(publisher.on_media(flv.AUDIO, 0, aac))
    with pytest.raises(PublisherEnded, match="no video"):
        publisher.check_deadlines()


def test_a_clients_user_control_message_is_skipped_not_a_crash():
    """nginx-rtmp's relay sends Stream Begin, whose parsing raises in pyrtmp: the ingest took
    the relay for malformed RTMP and ended the stream (test_nginx_rtmp.py found it)."""
    from pyrtmp.messages import Chunk
    from pyrtmp.messages.factory import MessageFactory

    from apps.live.ingest import server

    begin = bytes([0, 0, 0, 0, 0, 1])  # event 0 (Stream Begin), stream 1
    chunk = Chunk(
        chunk_type=0, chunk_id=2, timestamp=0, msg_length=6, msg_type_id=4,
        msg_stream_id=0, payload=begin,
    )  # fmt: skip
    with pytest.raises(TypeError):
        MessageFactory.from_chunk(chunk)  # the library's bug, if this ever passes: drop _parse
    assert server._parse(chunk) is None


def test_flv_tags_round_trip_their_header_fields():
    data = flv.tag(flv.VIDEO, 0x01234567, b"abc")
    assert data[0] == 9 and int.from_bytes(data[1:4], "big") == 3
    assert int.from_bytes(data[4:7], "big") | (data[7] << 24) == 0x01234567
    assert data[11:14] == b"abc" and int.from_bytes(data[-4:], "big") == 14
    assert flv.is_keyframe(bytes([0x17, 0x01])) and not flv.is_keyframe(AVC_CONFIG)
    assert flv.is_video_config(AVC_CONFIG) and flv.is_audio_config(bytes([0xAF, 0x00]))


def test_recordings_left_by_a_dead_ingest_become_parts_of_their_stream(
    transactional_db, settings, tmp_path
):
    import os
    import time

    from django.core.files.storage import default_storage

    from apps.live import services
    from apps.live.ingest.recovery import recover_recordings
    from apps.live.models import LiveStream
    from tests.factories import CreatorFactory

    stream = services.live_create(owner=CreatorFactory(), title="Crashed")
    folder = tmp_path / "live" / stream.id
    folder.mkdir(parents=True)
    old = folder / "recording-0003.flv"
    old.write_bytes(flv.HEADER + flv.tag(flv.VIDEO, 0, AVC_CONFIG))
    os.utime(old, (time.time() - 120, time.time() - 120))
    fresh = folder / "recording-0004.flv"  # another live ingest's file: left alone
    fresh.write_bytes(flv.HEADER + flv.tag(flv.VIDEO, 0, AVC_CONFIG))
    stored = recover_recordings(tmp_path)
    try:
        assert stored == [f"live/{stream.id}/recording/part-0003.flv"]
        assert LiveStream.objects.get(pk=stream.pk).recording_parts == stored
        assert not old.exists() and fresh.exists()
    finally:
        for name in stored:
            default_storage.delete(name)


def test_the_ingest_sweeper_removes_work_dirs_of_finished_streams(
    transactional_db, settings, tmp_path
):
    from apps.live import services
    from apps.live.ingest.server import IngestServer
    from tests.factories import CreatorFactory

    settings.PIPELINE_WORK_DIR = tmp_path
    owner = CreatorFactory()
    open_stream = services.live_create(owner=owner, title="Still on")
    ended = services.live_create(owner=owner, title="Over")
    services.live_end(stream_id=ended.id, by=owner)
    for stream_id in (open_stream.id, ended.id, "deleted"):
        (tmp_path / "live" / stream_id / "hls").mkdir(parents=True)
    from asgiref.sync import sync_to_async
    from django.db import connections

    async def sweep():
        await IngestServer()._remove_finished_dirs()
        await sync_to_async(connections.close_all)()  # the executor thread's connection

    asyncio.run(sweep())
    assert sorted(p.name for p in (tmp_path / "live").iterdir()) == [open_stream.id]
