"""Ad decisions against the plain video detail API, at 200 concurrent clients, in one run.

    createdb -h 127.0.0.1 -U postgres streamsite_bench_ads
    DATABASE_URL=postgres://postgres@127.0.0.1/streamsite_bench_ads \\
        REDIS_URL=redis://127.0.0.1:6379/8 \\
        .venv/bin/python benchmarks/ads.py [--clients 200] [--seconds 10] [--rounds 3]

What is compared: GET /api/v1/ads/decision/?video={id} (a weighted draw among 6 running
campaigns, targeting, and the atomic reservation: a conditional upsert of the day's counter
and a conditional UPDATE of the campaign's total, in one transaction; clients keep their
`ads_viewer` cookie like browsers) and GET /api/v1/videos/{id}/ (the baseline), both
anonymous, over keep-alive connections. The phases alternate (detail, decision, detail, ...)
for --rounds rounds so that drift in the shared machine's load hits both alike; figures are
over every round. Prints requests/s, p50 and p99 per endpoint and the ratios (goal: a
decision costs no more than 2x a video detail).

Self-contained: migrates, makes its rows (100 public videos, 6 campaigns with banner and
pre-roll creatives; no media is needed for a decision) and serves the site with Daphne in a
subprocess in production mode (DEBUG=0), on PostgreSQL with the Redis cache. The client is
asyncio in this process with raw HTTP/1.1, so it shares the machine with the server.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import random
import secrets
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def setup_django(workdir: Path) -> dict[str, str]:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database (see the docstring).")
    if not os.environ.get("REDIS_URL"):
        raise SystemExit("Set REDIS_URL (the decision's campaign snapshot is cached there).")
    env = {
        "DJANGO_SETTINGS_MODULE": "streamsite.settings",
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-" + secrets.token_hex(24),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "STREAMSITE_NO_EMBEDDED_WORKER": "1",
        "LOG_LEVEL": "WARNING",
        "STORAGE_URL": f"file://{workdir}/media",
        "CACHE_PREFIX": "bench-ads",
        # 200 clients on a shared PostgreSQL: at most this many connections, for both endpoints.
        "DB_POOL_MAX": os.environ.get("DB_POOL_MAX", "24"),
        # Every client is on loopback: one address, which the decision's throttle would stop.
        "API_AD_DECISION_RATE": "100000000/min",
    }
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return env


def make_rows(videos: int = 100) -> list[str]:
    """Public ready videos and six campaigns (weights, a tag-targeted one, a capped one)."""
    from datetime import timedelta

    from django.core.cache import cache
    from django.utils import timezone
    from PIL import Image

    from apps.ads import creatives
    from apps.ads.models import Advertiser, Campaign, Creative
    from apps.users.models import User
    from apps.videos.models import Video

    owner, _ = User.objects.get_or_create(username="bench-ads-creator")
    Video.objects.filter(owner=owner).delete()
    Advertiser.objects.filter(name__startswith="bench-").delete()
    Creative.objects.filter(video__owner__username="streamsite-ads").delete()
    now = timezone.now()
    rows = Video.objects.bulk_create(
        Video(owner=owner, title=f"Bench video {i}", description="A benchmark row.",
              tags="music,live" if i % 2 else "travel", status="ready", progress=100,
              duration=60.0, width=1280, height=720, published_at=now,
              master_playlist=f"videos/bench{i}/g1/master.m3u8")
        for i in range(videos)
    )  # fmt: skip
    system = creatives.ads_system_user()
    for n, (weight, tags, daily_cap) in enumerate(
        [(100, "", None), (50, "", None), (20, "travel", None), (10, "", 10_000_000),
         (5, "music", None), (1, "", None)]
    ):  # fmt: skip
        advertiser = Advertiser.objects.create(name=f"bench-{n}")
        campaign = Campaign.objects.create(
            advertiser=advertiser, name=f"Bench {n}", status="active",
            starts_at=now - timedelta(days=1), weight=weight, target_tags=tags,
            daily_cap=daily_cap,
        )  # fmt: skip
        image = io.BytesIO()
        Image.new("RGB", (300, 250), (n * 40, 80, 160)).save(image, format="PNG")
        image.seek(0)
        creatives.creative_create_banner(
            campaign=campaign, name=f"banner {n}", click_url="https://example.com/", upload=image
        )
        ad = Video.objects.create(
            owner=system, title=f"Ad {n}", visibility="unlisted", status="ready", progress=100,
            duration=15.0, width=640, height=360, master_playlist=f"videos/ad{n}/g1/master.m3u8",
        )  # fmt: skip
        Creative.objects.create(
            campaign=campaign, kind="preroll", name=f"preroll {n}",
            click_url="https://example.com/", video=ad,
        )  # fmt: skip
    cache.clear()
    return [v.id for v in rows]


class Server:
    def __init__(self, env: dict[str, str], workdir: Path) -> None:
        import socket
        import subprocess

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.log = open(workdir / "daphne.log", "wb")  # closed in stop()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(self.port),
             "streamsite.asgi:application"],
            env={**os.environ, **env}, stdout=self.log, stderr=subprocess.STDOUT, cwd=ROOT,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        import http.client

        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise SystemExit(f"Daphne did not start; see {workdir / 'daphne.log'}")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)
        self.log.close()


async def _client(port: int, paths: list[str], until: float, times: list[float],
                  statuses: dict[int, int]) -> None:  # fmt: skip
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    cookie = ""
    rng = random.Random()
    try:
        while time.perf_counter() < until:
            path = rng.choice(paths)
            extra = f"Cookie: {cookie}\r\n" if cookie else ""
            start = time.perf_counter()
            writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{extra}\r\n".encode())
            status_line = await reader.readline()
            length = 0
            while True:
                line = await reader.readline()
                if line in (b"\r\n", b""):
                    break
                name, _, value = line.decode("latin-1").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
                elif name.lower() == "set-cookie" and value.strip().startswith("ads_viewer="):
                    cookie = value.strip().split(";")[0]
            if length:
                await reader.readexactly(length)
            times.append((time.perf_counter() - start) * 1000)
            status = int(status_line.split()[1])
            statuses[status] = statuses.get(status, 0) + 1
    finally:
        writer.close()


async def _phase(port: int, paths: list[str], clients: int, seconds: float):
    times: list[float] = []
    statuses: dict[int, int] = {}
    until = time.perf_counter() + seconds
    start = time.perf_counter()
    await asyncio.gather(*(_client(port, paths, until, times, statuses) for _ in range(clients)))
    return times, statuses, time.perf_counter() - start


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="streamsite-bench-ads-"))
    env = setup_django(workdir)
    ids = make_rows()
    server = Server(env, workdir)
    endpoints = {
        "video detail": [f"/api/v1/videos/{i}/" for i in ids],
        "ad decision": [f"/api/v1/ads/decision/?video={i}" for i in ids],
    }
    results: dict[str, dict] = {k: {"times": [], "statuses": {}, "seconds": 0.0} for k in endpoints}
    try:
        for paths in endpoints.values():  # warm-up: connections, caches, code paths
            asyncio.run(_phase(server.port, paths, 20, 2))
        for _ in range(args.rounds):
            for name, paths in endpoints.items():
                times, statuses, seconds = asyncio.run(
                    _phase(server.port, paths, args.clients, args.seconds)
                )
                r = results[name]
                r["times"] += times
                r["seconds"] += seconds
                for k, v in statuses.items():
                    r["statuses"][k] = r["statuses"].get(k, 0) + v
    finally:
        server.stop()
    print(f"{args.clients} clients, {args.rounds} rounds of {args.seconds:.0f} s per endpoint, "
          f"PostgreSQL + Redis cache, Daphne (one process), DEBUG=0")  # fmt: skip
    figures = {}
    for name, r in results.items():
        rate = len(r["times"]) / r["seconds"]
        figures[name] = (rate, pct(r["times"], 50), pct(r["times"], 99))
        print(f"{name:13s} {rate:7.0f} req/s   p50 {figures[name][1]:7.1f} ms   "
              f"p99 {figures[name][2]:7.1f} ms   statuses {r['statuses']}")  # fmt: skip
    detail, decision = figures["video detail"], figures["ad decision"]
    print(f"ratio (decision / detail): time per request {detail[0] / decision[0]:.2f}x, "
          f"p99 {decision[2] / detail[2]:.2f}x   (goal <= 2x)")  # fmt: skip
    from apps.ads.models import Campaign

    served = sum(Campaign.objects.values_list("served", flat=True))
    print(f"campaign reservations recorded: {served}")


if __name__ == "__main__":
    main()
