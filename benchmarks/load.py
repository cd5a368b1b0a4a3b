"""Mixed viewer traffic against Daphne on PostgreSQL and Redis, at rising concurrency, beside a
bare hello-world view (/healthz) served by the same processes in the same run.

    createdb -h 127.0.0.1 -U postgres streamsite_load
    DATABASE_URL=postgres://postgres@127.0.0.1/streamsite_load REDIS_URL=redis://127.0.0.1/7 \\
        .venv/bin/python benchmarks/load.py [--clients 25,50,100,200] [--seconds 20] \\
        [--servers 2] [--think 1.0] [--front nginx|none] [--signed-in 0.2]

Each client is a viewer that loops: pick a request from MIX, send it, wait an exponentially
distributed think time (mean --think s: a person reading, not a tight loop; without it,
200 closed-loop clients on 2 cores measure only the queue). The kinds:

    home, search, watch (the watch page), master / variant (HLS playlists), segment (one CMAF
    segment), like (PUT like, token auth), comment (POST comment), ws (open /ws/videos/<id>/,
    read the snapshot, close).

As in production (deploy/nginx.conf, docs/architecture.md), nginx is the front (`--front
nginx`): it balances the Daphne processes, upgrades websockets and caches public media, so
playlists and segments mostly never reach Python; `--front none` sends everything straight to
Daphne. A share of the clients (`--signed-in`, 0.2) are signed in (a session cookie): their pages
are rendered for them every time, while anonymous viewers' home, search and watch pages come
from the page cache (streamsite/page_cache.py) most of the time; the watch page is reported for
both, `watch` (anonymous) and `watch+` (signed in).

For each level, first every client only GETs /healthz (the baseline, same think time, same
servers), then the mix. Reported: requests, errors (any non-2xx or exception), p50 and p99 per
kind, and the watch page's and writes' p99 over the baseline's. `--servers 2` starts two Daphne
processes (both cores) over the same Redis channel layer; clients alternate between them, as a
balancer would. Production mode (DEBUG=0), the
throttles as shipped: every client has an account of its own and writes about 6 times a minute.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from startup import Server, make_clip, make_ready_video, setup_django  # noqa: E402
from viewer import viewer  # noqa: E402

from tests.fixtures.nginx import nginx_command, render_nginx  # noqa: E402

MIX = {
    "home": 12, "search": 8, "watch": 18, "master": 8, "variant": 8, "segment": 26,
    "like": 6, "comment": 4, "ws": 10,
}  # fmt: skip
WRITES = ("like", "comment", "beacon", "history")
PAGES = ("home", "search", "watch")
USERS = 200
CSRF_SECRET = "loadbench" + "x" * 23  # a CSRF cookie's 32 characters, echoed in the header


def prepare(workdir: Path) -> tuple[dict, dict]:
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url or not (os.environ.get("DATABASE_URL") or "").startswith("postgres"):
        raise SystemExit(
            "set DATABASE_URL (PostgreSQL) and REDIS_URL: this is the production setup"
        )
    env = setup_django(workdir)  # migrates; this process uses the in-memory broker for the pipeline
    env["REDIS_URL"] = redis_url

    from rest_framework.authtoken.models import Token

    from apps.users.models import User
    from apps.videos.models import Video

    video = make_ready_video(make_clip(12))
    owner = video.owner
    Video.objects.filter(owner=owner).exclude(pk=video.pk).delete()
    # Rows for the home page and search: the same media fields, other titles.
    words = ["river", "city", "night", "music", "garden", "robot", "ocean", "winter"]
    for n in range(40):
        Video.objects.create(
            owner=owner, title=f"{random.choice(words)} {random.choice(words)} {n}",
            status=video.status, progress=100, visibility="public", duration=video.duration,
            width=video.width, height=video.height, published_at=video.published_at,
        )  # fmt: skip
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    users, sessions = [], []
    for n in range(USERS):
        user, _ = User.objects.get_or_create(username=f"bench-load-{n}")
        users.append(Token.objects.get_or_create(user=user)[0].key)
        # What signing in leaves: a session naming the user (django.contrib.auth.login).
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        sessions.append(session.session_key)
    return env, {"video": video.id, "tokens": users, "sessions": sessions}


async def media_urls(base: str, video_id: str) -> dict:
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{base}/api/v1/videos/{video_id}/") as r:
            master = (await r.json())["hls_url"]
        master = master if master.startswith("http") else base + master
        async with http.get(master) as r:
            text = await r.text()
        variant = [line for line in text.splitlines() if line and not line.startswith("#")][0]
        variant = aiohttp.client.URL(master).join(aiohttp.client.URL(variant))
        async with http.get(variant) as r:
            text = await r.text()
    # Every media segment in order, with its byte range when the rung is one file.
    segments, ranged = [], {}
    for line in text.splitlines():
        found = re.match(r"#EXT-X-BYTERANGE:(\d+)@(\d+)", line)
        if found:
            length, start = map(int, found.groups())
            ranged = {"Range": f"bytes={start}-{start + length - 1}"}
        elif line and not line.startswith("#"):
            segments.append((str(variant.join(aiohttp.client.URL(line))), ranged))
            ranged = {}
    return {
        "master": str(master),
        "variant": str(variant),
        "segment": segments[-1][0],
        "range": segments[-1][1],
        "segments": segments,
    }


async def one(http, kind: str, base: str, ctx: dict, token: str | None) -> None:
    video = ctx["video"]
    # An API client sends its token; a signed-in page (token None) its session and CSRF token.
    auth = {"Authorization": f"Token {token}"} if token else {"X-CSRFToken": CSRF_SECRET}
    if kind == "hello":
        request = http.get(f"{base}/healthz")
    elif kind == "home":
        request = http.get(f"{base}/")
    elif kind == "search":
        request = http.get(f"{base}/search/", params={"q": random.choice(["river", "robot city"])})
    elif kind == "watch":
        request = http.get(f"{base}/watch/{video}/")
    elif kind in ("master", "variant"):
        request = http.get(ctx["media"][kind])
    elif kind == "segment":
        request = http.get(ctx["media"]["segment"], headers=ctx["media"]["range"])
    elif kind == "like":
        request = http.put(
            f"{base}/api/v1/videos/{video}/like/",
            json={"liked": random.random() < 0.8},
            headers=auth,
        )
    elif kind == "comment":
        request = http.post(
            f"{base}/api/v1/videos/{video}/comments/",
            json={"body": f"Load test {random.random():.6f}"},
            headers=auth,
        )
    else:
        ws_base = base.replace("http", "ws", 1)
        async with http.ws_connect(f"{ws_base}/ws/videos/{video}/", origin=base) as ws:
            await asyncio.wait_for(ws.receive_json(), 5)
        return
    async with request as r:
        await r.read()
        if r.status >= 300:
            raise RuntimeError(f"{kind}: HTTP {r.status}")


async def level(
    bases: list[str], ctx: dict, clients: int, seconds: float, think: float, mix, signed_in=0.0,
    model: str = "uniform",
):  # fmt: skip
    timings: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    kinds, weights = zip(*mix.items(), strict=True)
    stop = time.monotonic() + seconds

    async def client(n: int) -> None:
        base = bases[n % len(bases)]
        token = ctx["tokens"][n % len(ctx["tokens"])]
        # Every k-th client is signed in: the same share at every level.
        member = signed_in > 0 and n % max(1, round(1 / signed_in)) == 0
        cookies = None
        if member:
            session = ctx["sessions"][n % len(ctx["sessions"])]
            cookies = {"sessionid": session, "csrftoken": CSRF_SECRET}
            token = None
        # Each client from an address of its own (all of 127/8 is loopback), as viewers are.
        address = (f"127.0.{1 + n // 250}.{1 + n % 250}", 0)
        # A browser's six connections per host, plus the page's two sockets.
        connector = aiohttp.TCPConnector(limit=8, local_addr=address)
        async with aiohttp.ClientSession(connector=connector, cookies=cookies) as http:
            # Spread the start: an audience arrives over time (a premiere's crowd arriving in
            # the same second is another test); viewers over half the level, up to 30 s.
            ramp = min(30.0, seconds / 2) if model == "viewers" else think
            await asyncio.sleep(random.random() * ramp)
            while model == "viewers" and time.monotonic() < stop:
                headers = {"X-CSRFToken": CSRF_SECRET} if member else {}
                try:
                    await viewer(
                        http, base, ctx, member=member, headers=headers, stop=stop,
                        record=lambda kind, s: timings[kind].append(s),
                    )  # fmt: skip
                except (TimeoutError, aiohttp.ClientError, RuntimeError) as exc:
                    kind = str(exc).split(":")[0] if isinstance(exc, RuntimeError) else "session"
                    errors[kind] += 1
                    if errors[kind] <= 3:
                        print(f"    error: {exc!r}", file=sys.stderr)
                    await asyncio.sleep(1 + random.random())  # a person retries, not a loop
            while model == "uniform" and time.monotonic() < stop:
                kind = random.choices(kinds, weights)[0]
                started = time.perf_counter()
                try:
                    await asyncio.wait_for(one(http, kind, base, ctx, token), 30)
                    timings[f"{kind}+" if member and kind in PAGES else kind].append(
                        time.perf_counter() - started
                    )
                except (TimeoutError, aiohttp.ClientError, RuntimeError) as exc:
                    errors[kind] += 1
                    if errors[kind] <= 3:
                        print(f"    error: {exc!r}", file=sys.stderr)
                await asyncio.sleep(random.expovariate(1 / think))

    await asyncio.gather(*(client(n) for n in range(clients)))
    return timings, errors


def start_front(workdir: Path, upstreams: list[str]) -> tuple[subprocess.Popen, str]:
    """nginx with deploy/nginx.conf in front of the Daphne processes."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    prefix = workdir / "nginx"
    prefix.mkdir()
    conf = render_nginx(prefix, port, upstreams, rtmp=False)
    proc = subprocess.Popen([*nginx_command(conf), "-g", "daemon off;"])
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as r:
                if r.status == 200:
                    return proc, base
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit(f"nginx did not start; see {prefix / 'error.log'}")


def cost_per_kind(servers, bases: list[str], ctx: dict, seconds: float) -> None:
    """Web CPU per request of each kind alone, at a load the servers keep up with: what each
    kind costs, whatever else the machine is doing."""
    pids = [s.proc.pid for s in servers]
    print("\n| kind | anonymous: web CPU per request | signed in |")
    print("|---|---|---|")
    for kind in ("hello", *MIX):
        costs = []
        for signed_in in (0.0, 1.0):
            if signed_in and kind not in (*PAGES, *WRITES, "ws"):
                costs.append(float("nan"))
                continue
            before = cpu_seconds(pids)
            timings, _ = asyncio.run(level(bases, ctx, 10, seconds, 0.1, {kind: 1}, signed_in))
            served = sum(len(v) for v in timings.values())
            costs.append((cpu_seconds(pids) - before) * 1000 / max(1, served))
        print(f"| {kind} | {costs[0]:.1f} ms | {costs[1]:.1f} ms |")


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of these processes so far (/proc), to put a cost on each request that
    other load on the machine does not blur."""
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] * 1000


def report(name: str, timings, errors, seconds: float) -> dict:
    total = sum(len(v) for v in timings.values())
    print(f"  {name}: {total} ok, {sum(errors.values())} errors, {total / seconds:.0f} req/s")
    for kind in sorted(timings):
        v = timings[kind]
        print(f"    {kind:8} n={len(v):5}  p50 {pct(v, 50):7.1f} ms  p99 {pct(v, 99):7.1f} ms")
    return {k: (pct(v, 50), pct(v, 99)) for k, v in timings.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", default="25,50,100,200")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--servers", type=int, default=2)
    parser.add_argument("--think", type=float, default=1.0)
    parser.add_argument("--front", choices=("nginx", "none"), default="nginx")
    parser.add_argument("--signed-in", type=float, default=0.2)
    parser.add_argument(
        "--model",
        choices=("viewers", "uniform"),
        default="viewers",
        help="viewers: sessions as the pages and player behave (benchmarks/viewer.py); "
        "uniform: a request from MIX every --think seconds (a stress test)",
    )
    parser.add_argument(
        "--cost",
        action="store_true",
        help="instead: each kind alone (anonymous, then signed in), web CPU per request",
    )
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="streamsite-load-"))
    env, ctx = prepare(workdir)
    if args.front == "nginx":
        env["PROXY_COUNT"] = "1"  # believe exactly the one proxy, as deploy/ runs it
    servers = [Server(env, workdir) for _ in range(args.servers)]
    front = None
    try:
        bases = [s.base for s in servers]
        if args.front == "nginx":
            front, base = start_front(workdir, [b.removeprefix("http://") for b in bases])
            bases = [base]
        ctx["media"] = asyncio.run(media_urls(bases[0], ctx["video"]))
        # Warm-up: templates compiled, connections open, caches filled on every server.
        asyncio.run(level(bases, ctx, 4 * args.servers, 3, 0.05, MIX, args.signed_in))
        if args.cost:
            cost_per_kind(servers, bases, ctx, args.seconds)
            return
        rows = []
        for clients in (int(c) for c in args.clients.split(",")):
            print(
                f"\n{clients} clients ({args.model}), {args.seconds:g} s each, "
                f"think {args.think:g} s"
            )
            hello_t, hello_e = asyncio.run(
                level(bases, ctx, clients, args.seconds, args.think, {"hello": 1})
            )
            hello = report("baseline /healthz", hello_t, hello_e, args.seconds)
            pids = [s.proc.pid for s in servers]
            cpu_before = cpu_seconds(pids)
            mix_t, mix_e = asyncio.run(
                level(
                    bases, ctx, clients, args.seconds, args.think, MIX, args.signed_in, args.model
                )
            )
            mixed = report("mixed traffic", mix_t, mix_e, args.seconds)
            served = sum(len(v) for v in mix_t.values())
            web_cpu_ms = (cpu_seconds(pids) - cpu_before) * 1000 / max(1, served)
            print(f"  web processes' CPU: {web_cpu_ms:.1f} ms per mixed request")
            writes = [x for k in WRITES for x in mix_t.get(k, [])]
            watch = mix_t.get("watch", []) + mix_t.get("watch+", [])
            row = {
                "clients": clients,
                "errors": sum(mix_e.values()),
                "rps": sum(len(v) for v in mix_t.values()) / args.seconds,
                "hello_p99": hello["hello"][1],
                "watch_p50": pct(watch, 50),
                "watch_p99": pct(watch, 99),
                "signed_in_watch_p99": mixed.get("watch+", (0, float("nan")))[1],
                "writes_p99": pct(writes, 99),
                "web_cpu_ms": web_cpu_ms,
            }
            rows.append(row)
            hello_p99 = row["hello_p99"]
            print(
                f"  watch p99 {row['watch_p99']:.0f} ms = {row['watch_p99'] / hello_p99:.1f}x "
                f"hello p99; writes p99 {row['writes_p99']:.0f} ms = "
                f"{row['writes_p99'] / hello_p99:.1f}x"
            )
        print(
            "\n| clients | req/s | errors | hello p99 | watch p50 | watch p99 "
            "| signed-in watch p99 | writes p99 |"
        )
        print("|---|---|---|---|---|---|---|---|")
        for r in rows:
            print(
                f"| {r['clients']} | {r['rps']:.0f} | {r['errors']} | {r['hello_p99']:.0f} ms | "
                f"{r['watch_p50']:.0f} ms | {r['watch_p99']:.0f} ms | "
                f"{r['signed_in_watch_p99']:.0f} ms | {r['writes_p99']:.0f} ms |"
            )
        out = ROOT / "benchmarks" / "out"
        out.mkdir(exist_ok=True)
        (out / "load.json").write_text(
            json.dumps(
                {"servers": args.servers, "front": args.front, "model": args.model, "rows": rows},
                indent=1,
            )
        )
        ratio = statistics.median(r["watch_p99"] / r["hello_p99"] for r in rows)
        print(f"median watch p99 / hello p99: {ratio:.1f}")
    finally:
        if front is not None:
            front.terminate()
            front.wait(10)
        for server in servers:
            server.stop()


if __name__ == "__main__":
    main()
