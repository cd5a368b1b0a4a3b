"""Live reactions fanned out to 100, 500 and 1000 websocket viewers of one video: Daphne with the
in-memory channel layer, Daphne with channels-redis, and a bare `websockets` broadcast server
(the baseline) on the same machine, in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1/streamsite_bench REDIS_URL=redis://127.0.0.1/5 \\
        .venv/bin/python benchmarks/fanout.py [--viewers 100,500,1000] [--seconds 6]

For every server and audience size, viewers connect to /ws/videos/<id>/ (the watch page's
socket: Origin header, snapshot on connect) from two client processes, then:

(a) latency: one signed-in sender reacts twice a second (a quiet video: the coalescer sends
    each at once). Latency is reaction sent -> the message carrying it received, per reaction
    and viewer, p50/p99. The bare server broadcasts each message it gets.
(b) load: SENDERS signed-in sockets react at their allowed rate (5/s each: the consumer's
    client rate limit) for --seconds. Streamsite coalesces them (one message per video per
    window); the bare server broadcasts every reaction. `redis-w0` is Streamsite on Redis with
    REACTIONS_WINDOW_S=0: no window, so about a message per reaction, like the bare server.
    Reported: reactions delivered per second (sum over viewers of the reactions the messages
    carried), messages per second, and the latency of every reaction to every viewer.
Ratios are Streamsite over the bare server, same audience, same run.

Messages carry `counts` (the running total of 🔥), so a viewer knows which reactions a message
covers: the k-th reaction sent is delivered by the first message whose total reaches k.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import multiprocessing as mp
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

EMOJI = "🔥"
SENDERS = 40
SENDER_RATE = 4.5  # per socket, under the consumer's 5/s limit
CLIENT_PROCESSES = 2


# --- servers ----------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(port: int, path: str = "/healthz", timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            if conn.getresponse().status < 500:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server on {port} did not answer")


class Daphne:
    def __init__(self, env: dict[str, str]) -> None:
        self.port = free_port()
        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(self.port),
             "streamsite.asgi:application"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        wait_http(self.port)
        self.url = f"ws://127.0.0.1:{self.port}/ws/videos/{{video}}/"

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=20)


async def bare_server(port: int, ready) -> None:
    """Each reaction received is broadcast to every connected socket, with a running total."""
    import websockets

    clients: set = set()
    total = 0

    async def handler(ws):
        nonlocal total
        clients.add(ws)
        try:
            async for raw in ws:
                message = json.loads(raw)
                if message.get("type") == "reaction":
                    total += 1
                    out = {"type": "reaction", "emoji": message["emoji"],
                           "counts": {EMOJI: total}, "burst": {EMOJI: 1}}  # fmt: skip
                    websockets.broadcast(clients, json.dumps(out))
        finally:
            clients.discard(ws)

    async with websockets.serve(handler, "127.0.0.1", port, max_size=2**16, ping_interval=None):
        ready.set()
        await asyncio.Future()


def run_bare(port: int, ready) -> None:
    asyncio.run(bare_server(port, ready))


class Bare:
    def __init__(self) -> None:
        self.port = free_port()
        ready = mp.get_context("spawn").Event()
        self.proc = mp.get_context("spawn").Process(target=run_bare, args=(self.port, ready))
        self.proc.start()
        ready.wait(30)
        self.url = f"ws://127.0.0.1:{self.port}/"

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.join(10)


# --- viewers ----------------------------------------------------------------------------------
async def _viewers(url: str, n: int, conn) -> None:
    """Open n sockets, report ready, record (total, time) of every reaction message until
    told to stop, then compute latencies against the send times the parent passes."""
    import websockets

    received: list[list[tuple[int, float]]] = [[] for _ in range(n)]
    stop = asyncio.Event()

    async def viewer(i: int, opening: asyncio.Semaphore) -> None:
        for attempt in range(5):
            try:
                async with opening:
                    ws = await websockets.connect(
                        url,
                        origin="http://127.0.0.1",
                        max_queue=None,
                        open_timeout=120,
                        # A backlogged viewer must not be dropped for a late pong: we measure
                        # the lag.
                        ping_interval=None,
                    )
                break
            except (OSError, websockets.InvalidHandshake, TimeoutError) as exc:
                failures.append(repr(exc))
                await asyncio.sleep(1 + attempt)
        else:
            raise RuntimeError(f"viewer {i} could not connect: {failures[-1]}")
        opened.append(i)
        if len(opened) == n:
            all_open.set()
        try:
            mine = received[i]
            while not stop.is_set():
                try:
                    raw = await asyncio.wait_for(ws.recv(), 0.5)
                except TimeoutError:
                    continue
                at = time.time()
                if '"reaction"' in raw:
                    message = json.loads(raw)
                    if message.get("type") == "reaction":
                        mine.append((message["counts"].get(EMOJI, 0), at))
        finally:
            await ws.close()

    opened: list[int] = []
    failures: list[str] = []
    all_open = asyncio.Event()
    opening = asyncio.Semaphore(50)  # connect 50 at a time, as a crowd arriving
    tasks = [asyncio.create_task(viewer(i, opening)) for i in range(n)]
    loop = asyncio.get_running_loop()
    waiting = asyncio.create_task(all_open.wait())
    await asyncio.wait([waiting, *tasks], return_when=asyncio.FIRST_COMPLETED)
    if not all_open.is_set():
        conn.send(f"failed: {failures[-3:]}")
        return
    await asyncio.sleep(1.0)  # snapshots and viewer counts settle
    conn.send(f"ready ({len(failures)} connection attempts retried)")
    while True:
        command = await loop.run_in_executor(None, conn.recv)
        if command[0] == "mark":  # start of a phase: forget what came before
            for r in received:
                r.clear()
            conn.send("marked")
        elif command[0] == "collect":
            _, base, sent = command
            conn.send(_latencies(received, base, sent))
        elif command[0] == "stop":
            stop.set()
            await asyncio.gather(*tasks, return_exceptions=True)
            return


def _latencies(received, base: int, sent: list[float]) -> dict:
    """Latency of each reaction to each viewer: reaction k (total base+k) is delivered by the
    first message whose total reaches it."""
    lat: list[float] = []
    messages = carried = 0
    last_at = 0.0
    for mine in received:
        done = base
        for total, at in mine:
            messages += 1
            if total <= done:
                continue
            for k in range(done + 1, min(total, base + len(sent)) + 1):
                lat.append(at - sent[k - base - 1])
            carried += total - done
            done = total
            last_at = max(last_at, at)
    return {"lat": lat, "messages": messages, "carried": carried, "last": last_at}


def viewer_process(url: str, n: int, conn) -> None:
    asyncio.run(_viewers(url, n, conn))


# --- senders ----------------------------------------------------------------------------------
async def send_reactions(url: str, cookie: str | None, sockets: int, rate: float, seconds: float):
    """`sockets` senders each sending `rate` reactions a second; returns send times in order."""
    import websockets

    headers = {"Cookie": cookie} if cookie else None
    conns = [
        await websockets.connect(
            url,
            origin="http://127.0.0.1",
            additional_headers=headers,
            ping_interval=None,
            max_queue=None,
        )
        for _ in range(sockets)
    ]
    drains = [asyncio.create_task(_drain(ws)) for ws in conns]
    await asyncio.sleep(0.5)
    sent: list[float] = []
    interval = 1 / rate
    start = time.monotonic()
    step = 0
    while time.monotonic() - start < seconds:
        for i, ws in enumerate(conns):
            # Spread the senders over the interval.
            due = start + step * interval + i * interval / sockets
            delay = due - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            sent.append(time.time())
            await ws.send(json.dumps({"type": "reaction", "emoji": EMOJI, "t": 1.0}))
        step += 1
    # Close while still draining: a socket that stops reading never sees the closing handshake.
    await asyncio.gather(*(ws.close() for ws in conns))
    await asyncio.gather(*drains, return_exceptions=True)
    return sent


async def _drain(ws) -> None:
    import websockets

    try:
        async for _ in ws:
            pass
    except websockets.ConnectionClosed:
        return


# --- one run ----------------------------------------------------------------------------------
def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def measure(url: str, viewers: int, cookie: str | None, seconds: float, total_before) -> dict:
    ctx = mp.get_context("spawn")
    pipes, procs = [], []
    for i in range(CLIENT_PROCESSES):
        parent, child = ctx.Pipe()
        share = viewers // CLIENT_PROCESSES + (1 if i < viewers % CLIENT_PROCESSES else 0)
        proc = ctx.Process(target=viewer_process, args=(url, share, child))
        proc.start()
        pipes.append(parent)
        procs.append(proc)
    for p in pipes:
        if not p.poll(600):
            raise RuntimeError("viewers did not connect")
        status = p.recv()
        if not status.startswith("ready"):
            raise RuntimeError(f"viewers did not connect: {status}")
        if "(0 " not in status:
            print(f"  {url} x{viewers}: {status}", flush=True)
    result = {}
    sent_total = 0
    for phase, senders, rate, length in (
        ("latency", 1, 2.0, seconds),
        ("load", SENDERS, SENDER_RATE, seconds),
    ):
        for p in pipes:
            p.send(("mark",))
            p.recv()
        base = total_before() if total_before else sent_total
        began = time.time()
        sent = asyncio.run(send_reactions(url, cookie, senders, rate, length))
        sent_total += len(sent)
        time.sleep(3.0)  # let the last window out and the queues drain
        parts = []
        for p in pipes:
            p.send(("collect", base, sent))
            parts.append(p.recv())
        lat = [x for part in parts for x in part["lat"]]
        last = max((part["last"] for part in parts), default=began)
        span = max(last - began, 1e-9)
        carried = sum(part["carried"] for part in parts)
        result[phase] = {
            "sent": len(sent),
            "p50_ms": pct(lat, 50) * 1000,
            "p99_ms": pct(lat, 99) * 1000,
            "delivered": carried / (len(sent) * viewers) if sent else 0,
            "reactions_per_s": carried / span,
            "messages_per_s": sum(part["messages"] for part in parts) / span,
        }
    for p in pipes:
        p.send(("stop",))
    for proc in procs:
        proc.join(30)
    return result


# --- setup ------------------------------------------------------------------------------------
def setup(workdir: Path) -> tuple[dict[str, str], str, str]:
    """Migrate, make a sender with a session and a video; the server subprocess environment."""
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "streamsite.settings",
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-" + secrets.token_hex(24),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "STREAMSITE_NO_EMBEDDED_WORKER": "1",
        "LOG_LEVEL": "WARNING",
        "CHANNELS_PREFIX": "bench-fanout-" + secrets.token_hex(4),
        "CACHE_PREFIX": "bench-fanout",
    }
    os.environ.update({k: env[k] for k in ("DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DEBUG")})
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from apps.users.models import User
    from apps.videos.models import Video

    call_command("migrate", verbosity=0)
    user, _ = User.objects.get_or_create(username="bench-fanout")
    video = Video.objects.create(
        owner=user, title="Fan-out benchmark", status="ready", progress=100, duration=600
    )
    client = Client()
    client.force_login(user)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    return env, video.id, cookie


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--viewers", default="100,500,1000")
    parser.add_argument("--seconds", type=float, default=6.0)
    args = parser.parse_args()
    sizes = [int(x) for x in args.viewers.split(",")]

    with tempfile.TemporaryDirectory() as tmp:
        env, video_id, cookie = setup(Path(tmp))
        from apps.reactions.selectors import reaction_counts

        def stored_total() -> int:
            return reaction_counts(video_id=video_id)[EMOJI]

        layers = [("in-memory", {k: v for k, v in env.items() if k != "REDIS_URL"})]
        if env.get("REDIS_URL"):
            layers.append(("redis", env))
            # No coalescing window: about one message per reaction, as the bare server sends,
            # so msg/s compares the two fan-outs' raw capacity.
            layers.append(("redis-w0", {**env, "REACTIONS_WINDOW_S": "0"}))
        else:
            print("REDIS_URL unset: the channels-redis run is skipped")
        results: dict[tuple[str, int], dict] = {}
        for viewers in sizes:
            bare = Bare()
            try:
                results[("bare", viewers)] = measure(bare.url, viewers, None, args.seconds, None)
            finally:
                bare.stop()
            for name, layer_env in layers:
                server = Daphne(layer_env)
                try:
                    results[(name, viewers)] = measure(
                        server.url.format(video=video_id), viewers, cookie, args.seconds,
                        stored_total,
                    )  # fmt: skip
                finally:
                    server.stop()
        report(results, sizes, [n for n, _ in layers])


def report(results: dict, sizes: list[int], layers: list[str]) -> None:
    print(f"\nload: {SENDERS} senders x {SENDER_RATE}/s; latency phase: 1 sender, 2/s")
    header = (f"{'server':10} {'viewers':>7} | {'lat p50':>8} {'lat p99':>8} | "
              f"{'load p50':>8} {'load p99':>9} {'react/s':>10} {'msg/s':>9} {'got':>5} | "
              f"{'x bare react/s':>14} {'x bare msg/s':>12}")  # fmt: skip
    print(header)
    print("-" * len(header))
    for viewers in sizes:
        bare = results[("bare", viewers)]["load"]
        for name in ["bare", *layers]:
            r = results[(name, viewers)]
            lat, load = r["latency"], r["load"]
            print(
                f"{name:10} {viewers:7d} | {lat['p50_ms']:7.0f}ms {lat['p99_ms']:7.0f}ms | "
                f"{load['p50_ms']:7.0f}ms {load['p99_ms']:8.0f}ms {load['reactions_per_s']:10.0f} "
                f"{load['messages_per_s']:9.0f} {load['delivered']:5.0%} | "
                f"{load['reactions_per_s'] / bare['reactions_per_s']:14.2f} "
                f"{load['messages_per_s'] / bare['messages_per_s']:12.3f}"
            )
    print(
        "\nreact/s: reactions delivered per second summed over viewers (a coalesced message "
        "carries several); msg/s: websocket messages per second; got: share of (reaction, "
        "viewer) pairs delivered within the run."
    )


if __name__ == "__main__":
    main()
