"""LL-HLS end to end: ffmpeg publishes over RTMP to the real ingest with LIVE_LOW_LATENCY on;
the stored playlist lists parts, the parts and joined segments play, blocking reloads wait."""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.test import Client

from apps.live import services
from apps.live.models import LiveStream
from apps.live.recording import playlists
from media_pipeline import llhls
from tests.fixtures.live_ingest import publish

pytestmark = [pytest.mark.pipeline, pytest.mark.postgres]


def _wait(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def _url(stream: LiveStream, name: str) -> str:
    return f"/media/{stream.storage_prefix}hls/180p/{name}"


def _stored(stream: LiveStream, name: str) -> bytes:
    with default_storage.open(f"{stream.storage_prefix}hls/180p/{name}", "rb") as fh:
        return fh.read()


def _playlist(stream: LiveStream) -> str:
    name = f"{stream.storage_prefix}hls/180p/index.m3u8"
    return _stored(stream, "index.m3u8").decode() if default_storage.exists(name) else ""


@pytest.fixture
def low_latency(settings):
    settings.LIVE_LOW_LATENCY = True
    settings.LIVE_SEGMENT_S = 1.0
    settings.LIVE_PARTS_PER_SEGMENT = 3


def test_a_live_stream_in_ll_hls_lists_parts_and_answers_blocking_reloads(
    low_latency, ingest, creator
):
    stream = services.live_create(owner=creator, title="Low latency")
    encoder = publish(f"{ingest.url}/{stream.stream_key}", seconds=7)
    client = Client()
    try:
        text = _wait(lambda: "seg_" in _playlist(stream) and _playlist(stream), 40, "a segment")
        assert "#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES" in text
        assert "#EXT-X-PART-INF:PART-TARGET=0.334" in text
        position = llhls.playlist_position(text)
        # Ask for the part after the newest: held until it exists, then listed in the answer.
        if position.complete:
            msn, part = position.msn + 1, 0
        else:
            msn, part = position.msn, position.part + 1
        asked = time.monotonic()
        response = client.get(_url(stream, "index.m3u8"), {"_HLS_msn": msn, "_HLS_part": part})
        waited = time.monotonic() - asked
        assert response.status_code == 200 and response["Cache-Control"] == "no-cache"
        answer = response.content.decode()
        assert llhls.satisfies(llhls.playlist_position(answer), msn, part)
        assert 0.02 < waited < 3.0, waited
        # Far ahead of the playlist: refused at once (RFC 8216bis).
        far = client.get(_url(stream, "index.m3u8"), {"_HLS_msn": msn + 10})
        assert far.status_code == 400
        assert client.get(_url(stream, "index.m3u8"), {"_HLS_part": 1}).status_code == 400
        assert encoder.wait(timeout=60) == 0
    finally:
        if encoder.poll() is None:
            encoder.kill()
            encoder.wait()
    stream.refresh_from_db()
    text = _wait(lambda: "PRELOAD" in _playlist(stream) and _playlist(stream), 20, "the end")
    parts = re.findall(
        r'#EXT-X-PART:DURATION=([\d.]+),URI="(part_\d+\.ts)"(,INDEPENDENT=YES)?', text
    )
    assert len(parts) >= 9
    # Keyframes every second, parts of a third: every third part starts with one.
    flags = "".join("K" if independent else "." for _, _, independent in parts)
    assert flags.count("K..K..K") >= 1, flags
    for _, name, independent in parts[-6:]:
        data = _stored(stream, name)
        assert len(data) % 188 == 0 and llhls.starts_with_keyframe(data) == bool(independent)
    # Whole segments are their parts joined, about a second long.
    segments = re.findall(r"#EXTINF:([\d.]+),\n(seg_\d+\.ts)", text)
    assert len(segments) >= 4
    assert all(0.9 <= float(d) <= 1.1 for d, _ in segments[1:-1])
    parts_of = re.findall(
        r'URI="(part_\d+\.ts)"', text.split(segments[-2][1])[0].split(segments[-3][1])[1]
    )
    assert _stored(stream, segments[-2][1]) == b"".join(_stored(stream, p) for p in parts_of)
    # Nothing more comes: a blocking reload for the next part gives up after 3 target durations.
    end = llhls.playlist_position(text)
    asked = time.monotonic()
    late = client.get(_url(stream, "index.m3u8"), {"_HLS_msn": end.msn + 1, "_HLS_part": 0})
    assert late.status_code == 503 and 2.9 <= time.monotonic() - asked < 6
    # Sealed at the end: no preload hint, ENDLIST, and blocking reloads answer at once.
    playlists.seal(stream)
    sealed = client.get(_url(stream, "index.m3u8"), {"_HLS_msn": end.msn + 1, "_HLS_part": 0})
    body = sealed.content.decode()
    assert sealed.status_code == 200 and body.endswith("#EXT-X-ENDLIST\n")
    assert "PRELOAD-HINT" not in body


def test_a_publisher_back_continues_the_ll_hls_numbering_even_on_another_host(
    low_latency, ingest, creator, no_workers, settings
):
    settings.LIVE_DVR_WINDOW_S = 60  # the whole stream stays in the playlist
    stream = services.live_create(owner=creator, title="Flaky wifi, low latency")

    def session() -> llhls.Position:
        assert publish(f"{ingest.url}/{stream.stream_key}", seconds=3).wait(timeout=60) == 0
        _wait(lambda: not LiveStream.objects.get(pk=stream.pk).publisher_connected, 30, "release")
        return llhls.playlist_position(_playlist(stream))

    first = session()
    second = session()  # back on the same ingest: its local state
    # Back on an ingest elsewhere (nothing local): the state it stored is picked up.
    shutil.rmtree(Path(settings.PIPELINE_WORK_DIR) / "live" / stream.id / "hls")
    third = session()
    text = _playlist(stream)
    # The same media sequence goes on (players keep their place), past a discontinuity per
    # new encoder, each opening a segment that starts with a keyframe.
    assert first.msn + 1 < second.msn and second.msn + 1 < third.msn
    assert "#EXT-X-MEDIA-SEQUENCE:0" in text
    cuts = text.split("#EXT-X-DISCONTINUITY\n")
    assert len(cuts) == 3
    for after in cuts[1:]:
        # Whole (older) segments are listed without their parts.
        opening = re.search(r"(#EXT-X-PART:[^\n]*|seg_\d+\.ts)\n", after)
        assert opening and (opening[1].startswith("seg_") or "INDEPENDENT=YES" in opening[1])
    assert "INDEPENDENT=YES" in re.search(r"#EXT-X-PART:[^\n]*", cuts[-1])[0]
    numbers = [int(n) for n in re.findall(r"part_(\d+)\.ts", text)]
    segments = [int(n) for n in re.findall(r"seg_(\d+)\.ts", text)]
    assert segments == sorted(set(segments)) and numbers == sorted(set(numbers))
