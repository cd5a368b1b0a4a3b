"""Live latency and the CPU cost of live rungs, against baselines measured in the same run.

    .venv/bin/python benchmarks/live_latency.py [--seconds 30] [--size 640x360]

For each configuration, ffmpeg publishes a test pattern with a tone over RTMP in real time
(`-re`), the wall-clock time and frame number burnt into every frame (drawtext), to the real
ingest (apps.live.ingest, in this process) and the stream is watched by hls.js in Chromium on
the real /live/<id>/ page (Daphne, in this process). Measured per configuration:

- publication -> playlist, per segment: from the arrival at the ingest of the segment's first
  frame (and of its last frame) to the moment the segment and the playlist naming it are in
  storage. The media clock is tied to the wall clock by the first keyframe's arrival; a
  segment's place on it comes from its EXT-X-PROGRAM-DATE-TIME. The last-frame figure is the
  pipeline's own delay (encode + mux + sync); the first-frame one adds the segment length.
- player: hls.js `latency` (its distance from the estimated live edge), sampled every 0.5 s
  after a settling time.
- glass-to-glass: now - the publication time of the frame on screen, from hls.js
  `playingDate` (the PROGRAM-DATE-TIME of the playhead) mapped back to publication.
- CPU: the live encoder's user+system CPU seconds per second of media (/proc), per rung count;
  and this process's (the pure-Python RTMP ingest, the syncer, Daphne serving the player).

Baselines: latency with 1 s segments against 2 s segments; CPU of 2 and 3 rungs against 1 rung.
The machine is shared (2 cores, other engineers' jobs): read ratios, not absolutes.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "streamsite.settings")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"


def _loop_thread(coro_factory) -> tuple[asyncio.AbstractEventLoop, object]:
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    holder: dict = {}

    def run() -> None:
        asyncio.set_event_loop(loop)
        holder["value"] = loop.run_until_complete(coro_factory())
        ready.set()
        loop.run_forever()

    threading.Thread(target=run, daemon=True).start()
    ready.wait(30)
    return loop, holder["value"]


def start_ingest():
    from apps.live.ingest.server import IngestServer

    server = IngestServer()

    async def start():
        return await server.start("127.0.0.1", 0)

    loop, port = _loop_thread(start)
    return server, loop, port


def start_site() -> str:
    from daphne.endpoints import build_endpoint_description_strings
    from daphne.server import Server

    from streamsite.asgi import application

    ready = threading.Event()
    holder: dict = {}

    def run() -> None:
        server = Server(
            application=application,
            endpoints=build_endpoint_description_strings(host="127.0.0.1", port=0),
            signal_handlers=False,
            ready_callable=lambda: ready.set(),
            verbosity=0,
        )
        holder["server"] = server
        server.run()

    threading.Thread(target=run, daemon=True).start()
    ready.wait(30)
    return f"http://127.0.0.1:{holder['server'].listening_addresses[0][1]}"


def publisher(url: str, *, seconds: int, size: str) -> subprocess.Popen:
    # The wall clock (to the millisecond) and the frame number, burnt into every frame.
    text = "%{localtime\\:%T}.%{eif\\:mod(t*1000\\,1000)\\:d\\:3} frame %{n}"
    draw = f"drawtext=fontfile={FONT}:text='{text}':fontsize=24:fontcolor=white:box=1:x=8:y=8"
    video = f"testsrc2=size={size}:rate=30" + (f",{draw}" if os.path.exists(FONT) else "")
    return subprocess.Popen(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-re",
         "-f", "lavfi", "-i", video, "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
         "-t", str(seconds), "-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency",
         "-g", "30", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "96k", "-f", "flv", url],
        stdin=subprocess.DEVNULL,
    )  # fmt: skip


def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def segment_delays(publisher_obj, syncer, rung: str) -> tuple[list[float], list[float]]:
    """(first frame -> in storage, last frame -> in storage) per segment, in seconds."""
    playlist = syncer.playlists.get(rung, "")
    entries = re.findall(
        r"#EXTINF:([\d.]+),\s*#EXT-X-PROGRAM-DATE-TIME:(\S+)\s*(seg_\d+\.ts)", playlist
    )
    if not entries or publisher_obj.first_key_wall is None:
        return [], []
    origin = datetime.strptime(entries[0][1], "%Y-%m-%dT%H:%M:%S.%f%z").timestamp()
    first, last = [], []
    for duration, pdt, name in entries[1:]:  # the first segment also waited for the probe
        media_at = datetime.strptime(pdt, "%Y-%m-%dT%H:%M:%S.%f%z").timestamp() - origin
        stored = syncer.published_at.get(f"{rung}/{name}")
        if stored is None:
            continue
        published = publisher_obj.first_key_wall + media_at
        first.append(stored - published)
        last.append(stored - (published + float(duration)))
    return first, last


def _when(pdt: str) -> float:
    return datetime.strptime(pdt, "%Y-%m-%dT%H:%M:%S.%f%z").timestamp()


def collect_parts(syncer, rung: str, seen: dict) -> None:
    """LL-HLS: note each part's (date, duration, time in storage) while the syncer still has
    them (it forgets the parts of segments that left the part window)."""
    state = getattr(syncer, "rungs", {}).get(rung)
    if state and state.segments and state.first_msn == 0 and "origin" not in seen:
        # The stream's first part: its date is the media clock's origin (the first keyframe).
        seen["origin"] = _when(state.segments[0].parts[0].date)
    for segment in state.segments if state else []:
        for part in segment.parts:
            stored = syncer.published_at.get(f"{rung}/{part.uri}")
            if stored is not None and part.date and part.number not in seen:
                seen[part.number] = (_when(part.date), part.duration, stored)


def part_delays(publisher_obj, seen: dict) -> tuple[list[float], list[float]]:
    """(first frame -> in storage, last frame -> in storage) per LL-HLS part."""
    origin = seen.pop("origin", None)
    if origin is None or publisher_obj.first_key_wall is None:
        return [], []
    first, last = [], []
    for number in sorted(seen):
        date, duration, stored = seen[number]
        published = publisher_obj.first_key_wall + date - origin
        first.append(stored - published)
        last.append(stored - (published + duration))
    return first, last


def _encoding(server, stream_id: str) -> bool:
    pub = server.publishers.get(stream_id)
    return bool(pub and pub.transcoder and pub.transcoder.proc)


SAMPLE = """() => {
  const hls = window.streamsitePlayer;
  return {lat: hls.latency, date: hls.playingDate ? hls.playingDate.getTime() : null,
          now: Date.now()};
}"""


def run_config(
    site, ingest, browser, *, segment_s: float, rungs: int, seconds: int, size: str, ll: bool
):
    from django.conf import settings
    from django.contrib.auth.models import Group

    from apps.live import services
    from apps.live.models import LiveStream
    from apps.users.models import User
    from apps.users.roles import CREATORS

    settings.LIVE_SEGMENT_S = segment_s
    settings.LIVE_MAX_RUNGS = rungs
    settings.LIVE_LOW_LATENCY = ll
    settings.LIVE_DVR_WINDOW_S = seconds * 2
    user, _ = User.objects.get_or_create(username="bench-live")
    user.groups.add(Group.objects.get_or_create(name=CREATORS)[0])
    stream = services.live_create(owner=user, title=f"bench {segment_s}s x{rungs}")
    server, port = ingest
    page = browser.new_page()
    page.goto(f"{site}/live/{stream.id}/")
    encoder = publisher(
        f"rtmp://127.0.0.1:{port}/live/{stream.stream_key}", seconds=seconds, size=size
    )
    deadline = time.monotonic() + 30
    while not _encoding(server, stream.id):
        if time.monotonic() > deadline:
            raise SystemExit("the stream did not start")
        time.sleep(0.1)
    pub = server.publishers[stream.id]
    pid = pub.transcoder.proc.pid
    cpu_start, wall_start = cpu_seconds(pid), time.monotonic()
    own_start = time.process_time()
    page.wait_for_function(
        "() => window.streamsitePlayer && window.streamsitePlayer.playingDate", timeout=30_000
    )
    time.sleep(6)  # settling: hls.js catches up to its target latency
    latencies, glass = [], []
    origin_pdt_offset = None
    parts_seen: dict = {}
    while encoder.poll() is None and time.monotonic() - wall_start < seconds - 3:
        collect_parts(pub.syncer, pub.rungs[0].name, parts_seen)
        sample = page.evaluate(SAMPLE)
        if origin_pdt_offset is None:
            entries = re.findall(
                r"#EXT-X-PROGRAM-DATE-TIME:(\S+)", pub.syncer.playlists.get(pub.rungs[0].name, "")
            )
            if entries:
                pdt0 = datetime.strptime(entries[0], "%Y-%m-%dT%H:%M:%S.%f%z").timestamp()
                origin_pdt_offset = pdt0 - pub.first_key_wall
        if sample["date"] and origin_pdt_offset is not None:
            latencies.append(sample["lat"])
            glass.append(sample["now"] / 1000 - (sample["date"] / 1000 - origin_pdt_offset))
        time.sleep(0.5)
    cpu = cpu_seconds(pid) - cpu_start
    own = time.process_time() - own_start
    media = time.monotonic() - wall_start
    if ll:
        first, last = part_delays(pub, parts_seen)
    else:
        first, last = segment_delays(pub, pub.syncer, pub.rungs[0].name)
    encoder.wait(timeout=60)
    page.close()
    services.live_end(stream_id=stream.id, by=user)
    LiveStream.objects.filter(pk=stream.pk).delete()
    return {
        "segment_s": segment_s, "rungs": len(pub.rungs), "ll": ll,
        "first_to_playlist": statistics.median(first) if first else float("nan"),
        "last_to_playlist": statistics.median(last) if last else float("nan"),
        "player_latency": statistics.median(latencies) if latencies else float("nan"),
        "glass_to_glass": statistics.median(glass) if glass else float("nan"),
        "glass_p90": sorted(glass)[int(len(glass) * 0.9)] if glass else float("nan"),
        "cpu_per_media_s": cpu / media if media else float("nan"),
        # This process: the RTMP ingest (pyrtmp), the syncer and Daphne serving the player.
        "ingest_cpu_per_media_s": own / media if media else float("nan"),
        "segments": len(first),
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--size", default="640x360")
    parser.add_argument(
        "--ll", action="store_true",
        help="LL-HLS against standard HLS (1 s segments, 1 and 3 rungs) instead of the ladder",
    )  # fmt: skip
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from playwright.sync_api import sync_playwright

    call_command("migrate", verbosity=0)
    site = start_site()
    server, _loop, port = start_ingest()
    configs = [(2.0, 1, False), (1.0, 1, False), (1.0, 2, False), (1.0, 3, False)]
    if args.ll:  # baseline: standard HLS, 1 rung; CPU ratios against it too
        configs = [(1.0, 1, False), (1.0, 1, True), (1.0, 3, False), (1.0, 3, True)]
    results = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=["--autoplay-policy=no-user-gesture-required"]
        )
        for segment_s, rungs, ll in configs:
            result = run_config(
                site, (server, port), browser, segment_s=segment_s, rungs=rungs,
                seconds=args.seconds, size=args.size, ll=ll,
            )  # fmt: skip
            results.append(result)
            print({k: round(v, 2) if isinstance(v, float) else v for k, v in result.items()})
        browser.close()

    base_latency = results[0]
    one_rung = results[0] if args.ll else results[1]
    base_name = "vs std" if args.ll else "vs 2s seg"
    print(f"\n{'config':<16}{'first->pl':>10}{'last->pl':>10}{'hls.js lat':>11}{'glass':>8}"
          f"{'glass p90':>10}{base_name:>10}{'CPU/s':>7}{'vs 1 rung':>10}"
          f"{'ingest CPU/s':>13}")  # fmt: skip
    for r in results:
        print(
            f"{'LL ' if r['ll'] else ''}{r['segment_s']:.0f}s x{r['rungs']} rungs".ljust(16)
            + f"{r['first_to_playlist']:>10.2f}{r['last_to_playlist']:>10.2f}"
            + f"{r['player_latency']:>11.2f}{r['glass_to_glass']:>8.2f}{r['glass_p90']:>10.2f}"
            + f"{r['glass_to_glass'] / base_latency['glass_to_glass']:>10.2f}"
            + f"{r['cpu_per_media_s']:>7.2f}"
            + f"{r['cpu_per_media_s'] / one_rung['cpu_per_media_s']:>10.2f}"
            + f"{r['ingest_cpu_per_media_s']:>13.2f}"
        )


if __name__ == "__main__":
    main()
