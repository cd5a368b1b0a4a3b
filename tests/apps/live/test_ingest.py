"""A real RTMP client (ffmpeg) against the real ingest: keys, the live ladder, the recording."""

from __future__ import annotations

import re
import socket
import subprocess
import time

import pytest
from django.core.files.storage import default_storage

from apps.comments.models import Comment
from apps.comments.services import comment_post
from apps.live import services
from apps.live.models import LiveStream
from apps.live.recording import join, playlists
from apps.videos.models import Video
from tests.fixtures.live_ingest import publish

pytestmark = [pytest.mark.pipeline, pytest.mark.postgres]


def _wait(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _playlist(stream: LiveStream, rung: str) -> str:
    name = f"{stream.storage_prefix}hls/{rung}/index.m3u8"
    if not default_storage.exists(name):
        return ""
    with default_storage.open(name, "rb") as fh:
        return fh.read().decode()


def _last_sequence(text: str) -> int:
    numbers = [int(n) for n in re.findall(r"seg_(\d+)\.ts", text)]
    return max(numbers) if numbers else -1


def test_wrong_key_and_garbage_are_refused_and_the_ingest_keeps_serving(ingest, creator):
    stream = services.live_create(owner=creator, title="Still here")
    wrong = publish(f"{ingest.url}/not-a-key", seconds=3)
    _, err = wrong.communicate(timeout=60)
    assert wrong.returncode != 0 and b"Unknown stream key" in err
    # Malformed RTMP: a handshake of garbage, then a hang-up.
    with socket.create_connection(("127.0.0.1", ingest.port), timeout=5) as sock:
        sock.sendall(b"\x03" + b"\xff" * 4000)
    encoder = publish(f"{ingest.url}/{stream.stream_key}", seconds=4)
    assert encoder.wait(timeout=60) == 0
    stream.refresh_from_db()
    assert stream.status == "live" and stream.rungs
    assert _last_sequence(_playlist(stream, "180p")) >= 1


def test_a_second_publisher_on_a_live_key_is_refused(ingest, creator):
    stream = services.live_create(owner=creator, title="One at a time")
    first = publish(f"{ingest.url}/{stream.stream_key}", seconds=8)
    _wait(lambda: LiveStream.objects.get(pk=stream.pk).publisher_connected, 30, "first publisher")
    second = publish(f"{ingest.url}/{stream.stream_key}", seconds=3)
    _, err = second.communicate(timeout=60)
    assert second.returncode != 0 and b"already live" in err
    assert first.wait(timeout=60) == 0


def test_a_stream_that_is_not_video_is_ended_with_a_reason(ingest, creator, settings):
    settings.LIVE_KEYFRAME_TIMEOUT_S = 3
    stream = services.live_create(owner=creator, title="Radio")
    radio = publish(f"{ingest.url}/{stream.stream_key}", seconds=12, video=False)
    radio.wait(timeout=60)
    stream = _wait(
        lambda: LiveStream.objects.filter(pk=stream.pk, status="ended").first(), 30, "the end"
    )
    assert stream.end_reason == "The stream has no video."


def test_publish_live_ladder_then_the_recording_becomes_a_video(ingest, creator, pipeline_worker):
    from tests.fixtures.pipeline import wait_for_video

    stream = services.live_create(owner=creator, title="Twenty seconds")
    encoder = publish(f"{ingest.url}/{stream.stream_key}", seconds=20)
    # A whole segment listed (with LIVE_LOW_LATENCY the first playlists may hold only parts).
    first = _wait(
        lambda: "#EXTINF" in _playlist(stream, "180p") and _playlist(stream, "180p"),
        30,
        "the live playlist",
    )
    assert "#EXT-X-PROGRAM-DATE-TIME" in first and "#EXT-X-ENDLIST" not in first
    durations = [float(d) for d in re.findall(r"#EXTINF:([\d.]+)", first)]
    assert durations and max(durations) <= 2.0
    _wait(lambda: _last_sequence(_playlist(stream, "180p")) >= _last_sequence(first) + 3, 30,
          "the playlist to grow")  # fmt: skip
    master = default_storage.open(stream.master_name).read().decode()
    assert "180p/index.m3u8" in master and "RESOLUTION=320x180" in master
    assert "1080p" not in master and "720p" not in master
    assert encoder.wait(timeout=90) == 0
    # Let the ingest release the key, then the creator ends the stream in the studio.
    _wait(lambda: not LiveStream.objects.get(pk=stream.pk).publisher_connected, 30, "release")
    services.live_end(stream_id=stream.id, by=creator)
    stream = _wait(
        lambda: LiveStream.objects.filter(pk=stream.pk, recording_video__isnull=False).first(),
        120,
        "the recording's video",
    )
    video = wait_for_video(stream.recording_video_id, timeout=300)
    assert video.status == "ready" and video.owner == creator
    assert 17 <= video.duration <= 23
    assert "#EXT-X-ENDLIST" in _playlist(stream, "180p")


def test_a_publisher_back_within_the_grace_continues_the_same_stream(
    ingest, creator, no_workers, tmp_path
):
    stream = services.live_create(owner=creator, title="Flaky wifi")
    assert publish(f"{ingest.url}/{stream.stream_key}", seconds=4).wait(timeout=60) == 0
    _wait(lambda: not LiveStream.objects.get(pk=stream.pk).publisher_connected, 30, "release")
    before = _last_sequence(_playlist(stream, "180p"))
    assert publish(f"{ingest.url}/{stream.stream_key}", seconds=4).wait(timeout=60) == 0
    _wait(lambda: not LiveStream.objects.get(pk=stream.pk).publisher_connected, 30, "release")
    stream.refresh_from_db()
    assert stream.status == "live" and stream.publisher_session == 2
    after = _playlist(stream, "180p")
    assert "#EXT-X-DISCONTINUITY" in after and _last_sequence(after) > before + 1
    assert len(stream.recording_parts) == 2
    # A comment made during the broadcast, on the stream's video: it stays with the recording.
    said = comment_post(video=stream.video, by=creator, body="Hello live chat")
    # Both connections make one recording (joined without re-encoding), handed to the pipeline.
    services.live_end(stream_id=stream.id, by=creator)
    video_id = join.finalize(stream.id)
    assert join.finalize(stream.id) == video_id  # idempotent
    assert video_id == stream.video_id and Video.objects.count() == 1
    assert list(Comment.objects.filter(video_id=video_id)) == [said]
    video = Video.objects.get(pk=video_id)
    assert video.owner == creator and video.title == "Flaky wifi" and video.status == "uploaded"
    with default_storage.open(video.source, "rb") as fh:
        local = tmp_path / "recording.mp4"
        local.write_bytes(fh.read())
    probe = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0",
         str(local)], capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert 7 <= float(probe.stdout) <= 9.5
    assert not any(default_storage.exists(name) for name in stream.recording_parts)
    # Later the ended live window goes too: the recording replaced it.
    stream.refresh_from_db()
    assert playlists.remove_window(stream) > 0
    assert _playlist(stream, "180p") == "" and not default_storage.exists(stream.master_name)


def test_a_dead_encoder_is_restarted_and_the_stream_recovers(ingest, creator):
    from media_pipeline.run import kill_group

    stream = services.live_create(owner=creator, title="Crashy")
    encoder = publish(f"{ingest.url}/{stream.stream_key}", seconds=16)
    _wait(lambda: _last_sequence(_playlist(stream, "180p")) >= 1, 30, "the first segments")
    transcoder = ingest.server.publishers[stream.id].transcoder
    killed = transcoder.proc.pid
    kill_group(killed)
    at_kill = _last_sequence(_playlist(stream, "180p"))
    _wait(lambda: transcoder.proc.pid != killed and transcoder.alive, 20, "a new encoder")
    _wait(lambda: _last_sequence(_playlist(stream, "180p")) >= at_kill + 3, 30, "new segments")
    assert encoder.wait(timeout=60) == 0
    assert LiveStream.objects.get(pk=stream.pk).status == "live"


@pytest.mark.parametrize(
    ("size", "extra", "reason"),
    [
        ("4000x16", [], "The resolution 4000x16 is not supported"),
        ("64x64", ["-r", "200"], "The frame rate 200 is not supported"),
    ],
)
def test_absurd_sources_are_ended_with_a_reason(ingest, creator, size, extra, reason):
    stream = services.live_create(owner=creator, title="Odd")
    encoder = publish(f"{ingest.url}/{stream.stream_key}", seconds=6, size=size, extra=extra)
    encoder.communicate(timeout=60)
    stream = _wait(
        lambda: LiveStream.objects.filter(pk=stream.pk, status="ended").first(), 30, "the end"
    )
    assert stream.end_reason.startswith(reason)
    assert not default_storage.exists(stream.master_name)


def test_a_hung_encoder_is_replaced(ingest, creator):
    import os
    import signal

    stream = services.live_create(owner=creator, title="Frozen")
    encoder = publish(f"{ingest.url}/{stream.stream_key}", seconds=35)
    _wait(lambda: _last_sequence(_playlist(stream, "180p")) >= 1, 30, "the first segments")
    transcoder = ingest.server.publishers[stream.id].transcoder
    hung = transcoder.proc.pid
    os.kill(hung, signal.SIGSTOP)  # alive, writing nothing
    at_hang = _last_sequence(_playlist(stream, "180p"))
    _wait(lambda: transcoder.proc.pid != hung and transcoder.alive, 40, "a new encoder")
    _wait(lambda: _last_sequence(_playlist(stream, "180p")) >= at_hang + 3, 30, "new segments")
    encoder.kill()
    encoder.wait()
