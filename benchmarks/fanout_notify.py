"""Notification fan-out: a channel with 10,000 and 100,000 subscribers publishes a video; how
long until every subscriber's notification row exists, and what the creator's requests cost
meanwhile, against the same requests just before (ratios, one run, one machine).

    REDIS_URL=redis://127.0.0.1:6379/6 DATABASE_URL=postgres://postgres@127.0.0.1:5432/ss_x \\
        .venv/bin/python benchmarks/fanout_notify.py [--sizes 10000 100000] [--samples 40]

It makes a database of its own next to DATABASE_URL's (`<name>_fanout`, dropped at the end),
migrates it, and per size:
  1. makes the subscribers with set-based SQL (INSERT … SELECT generate_series), and a ready
     private video plus an unlisted one of the creator;
  2. baseline: `--samples` PATCHes of the second video's description by the creator's API
     client (token auth), one after the other, against Daphne (DEBUG=0, one process);
  3. publish: the creator's PATCH `visibility=public` of the first video (its latency is the
     "publish request"); its commit queues the fan-out job, which `manage.py worker` (one
     process, the notifications queue only) runs: batched INSERT … SELECT, pushes to
     /ws/site/ groups on the Redis Pub/Sub layer;
  4. during: the same PATCHes as in 2, back to back, until the announcement is done (polled
     every 20 ms), then the count of rows is checked against the subscribers.
Latencies include this process's HTTP client; the machine is shared, so read the ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def bench_database(url: str) -> tuple[str, str]:
    """(admin URL, bench URL): a database of this run's own beside DATABASE_URL's."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/") + "_fanout"
    admin = urlunsplit(parts._replace(path="/postgres"))
    return admin, urlunsplit(parts._replace(path="/" + name))


def psql(admin_url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql)


def setup(workdir: Path, db_url: str) -> dict[str, str]:
    env = {
        "DJANGO_SETTINGS_MODULE": "streamsite.settings",
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-" + secrets.token_hex(24),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "STREAMSITE_NO_EMBEDDED_WORKER": "1",
        "LOG_LEVEL": "WARNING",
        "DATABASE_URL": db_url,
        "STORAGE_URL": f"file://{workdir}/media",
        "CHANNELS_PREFIX": "bench-" + secrets.token_hex(4),
        "DRAMATIQ_NAMESPACE": "streamsite-bench-" + secrets.token_hex(4),
        "API_WRITE_RATE": "100000/min",
        "NOTIFICATION_DIGEST_INTERVAL_S": "0",
        "TUS_CLEANUP_INTERVAL_S": "0",
    }
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return env


class Process:
    def __init__(self, argv: list[str], workdir: Path, name: str) -> None:
        self.log = open(workdir / f"{name}.log", "wb")  # closed in stop()
        self.proc = subprocess.Popen(
            argv, env=dict(os.environ), stdout=self.log, stderr=subprocess.STDOUT, cwd=ROOT
        )

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


def start_server(workdir: Path) -> tuple[Process, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = Process(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port),
         "streamsite.asgi:application"],
        workdir, "daphne",
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as r:
                if r.status == 200:
                    return server, base
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"Daphne did not start; see {workdir}/daphne.log")


def patch(base: str, token: str, video_id: str, body: dict) -> float:
    request = urllib.request.Request(
        f"{base}/api/v1/videos/{video_id}/",
        method="PATCH",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
    )
    t0 = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as response:
        response.read()
    return (time.perf_counter() - t0) * 1000


def make_channel(size: int, tag: str):
    """The creator, `size` subscribers (set-based SQL), a private ready video and another."""
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.utils import timezone

    from apps.subscriptions.models import ChannelProfile
    from apps.users.models import User
    from apps.users.roles import CREATORS
    from apps.users.services import token_get_or_create
    from apps.videos.models import Video

    creator = User.objects.create(username=f"creator-{tag}")
    creator.groups.add(Group.objects.get_or_create(name=CREATORS)[0])
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO users_user (password, is_superuser, username, first_name, last_name,
                   email, is_staff, is_active, date_joined, display_name, bio, ad_free)
               SELECT '!', false, %s || g, '', '', '', false, true, now(), '', '', false
               FROM generate_series(1, %s) g""",
            [f"fan-{tag}-", size],
        )
        cursor.execute(
            """INSERT INTO subscriptions_subscription (user_id, channel_id, notify, created_at)
               SELECT id, %s, 'all', now() FROM users_user WHERE username LIKE %s""",
            [creator.pk, f"fan-{tag}-%"],
        )
    ChannelProfile.objects.create(user=creator, subscribers=size)
    made_s = time.perf_counter() - t0
    now = timezone.now()
    fields = dict(owner=creator, status="ready", progress=100, duration=10.0, published_at=now)
    target = Video.objects.create(title=f"Premiere {tag}", visibility="private", **fields)
    # Unlisted, so that none of its edits announces it.
    other = Video.objects.create(title=f"Other {tag}", visibility="unlisted", **fields)
    return token_get_or_create(user=creator), target.id, other.id, made_s


def creator_loop(base, token, video_id, stop: threading.Event, limit: int) -> list[float]:
    latencies: list[float] = []
    i = 0
    while not stop.is_set() and len(latencies) < limit:
        i += 1
        latencies.append(patch(base, token, video_id, {"description": f"edit {i}"}))
    return latencies


def run_size(base: str, size: int, samples: int) -> dict:
    from apps.notifications.models import Announcement, Notification

    tag = f"{size}-{secrets.token_hex(3)}"
    token, target, other, made_s = make_channel(size, tag)
    for _ in range(3):  # warm up the connection pool and the view
        patch(base, token, other, {"description": "warm"})
    before = creator_loop(base, token, other, threading.Event(), samples)
    # The same kind of request as the publish, on a video that announces nothing.
    plain_publish_like = patch(base, token, other, {"visibility": "private"})
    patch(base, token, other, {"visibility": "unlisted"})

    stop = threading.Event()
    during: list[float] = []
    t_publish = time.perf_counter()
    publish_ms = patch(base, token, target, {"visibility": "public"})
    worker = threading.Thread(
        target=lambda: during.extend(creator_loop(base, token, other, stop, 10**9))
    )
    worker.start()
    deadline = time.perf_counter() + 600
    done_s = None
    while time.perf_counter() < deadline:
        if Announcement.objects.filter(subject=target, done_at__isnull=False).exists():
            done_s = time.perf_counter() - t_publish
            break
        time.sleep(0.02)
    stop.set()
    worker.join()
    rows = Notification.objects.filter(subject=target).count()
    return {
        "size": size,
        "users_made_s": made_s,
        "done_s": done_s,
        "rows": rows,
        "publish_ms": publish_ms,
        "visibility_patch_ms": plain_publish_like,
        "before": before,
        "during": during,
    }


def report(r: dict) -> None:
    before, during = r["before"], r["during"]
    b50, d50 = statistics.median(before), statistics.median(during) if during else float("nan")
    b95, d95 = pct(before, 95), pct(during, 95) if during else float("nan")
    rate = r["rows"] / r["done_s"] if r["done_s"] else 0
    print(f"\n== {r['size']:,} subscribers (made with SQL in {r['users_made_s']:.1f} s)")
    print(f"  every row present after {r['done_s']:.2f} s ({r['rows']:,} rows, {rate:,.0f}/s)")
    ratio = r["publish_ms"] / r["visibility_patch_ms"]
    print(
        f"  publish PATCH {r['publish_ms']:.0f} ms vs the same PATCH announcing nothing "
        f"{r['visibility_patch_ms']:.0f} ms (ratio {ratio:.2f})"
    )
    print(
        f"  creator PATCH before: p50 {b50:.0f} ms p95 {b95:.0f} ms (n={len(before)}); "
        f"during: p50 {d50:.0f} ms p95 {d95:.0f} ms (n={len(during)})"
    )
    print(f"  ratio during/before: p50 {d50 / b50:.2f}, p95 {d95 / b95:.2f}")
    if r["rows"] != r["size"]:
        print(f"  !! {r['rows']} rows for {r['size']} subscribers")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--samples", type=int, default=40)
    args = parser.parse_args()
    db = os.environ.get("DATABASE_URL", "")
    if not db.startswith("postgres") or not os.environ.get("REDIS_URL"):
        raise SystemExit("Set DATABASE_URL (PostgreSQL) and REDIS_URL: this is production's path.")
    admin, bench_db = bench_database(db)
    name = urlsplit(bench_db).path.lstrip("/")
    psql(admin, f'DROP DATABASE IF EXISTS "{name}"')
    psql(admin, f'CREATE DATABASE "{name}"')
    processes: list[Process] = []
    try:
        with tempfile.TemporaryDirectory(prefix="fanout-notify-") as tmp:
            workdir = Path(tmp)
            setup(workdir, bench_db)
            server, base = start_server(workdir)
            processes.append(server)
            processes.append(
                Process(
                    [
                        sys.executable,
                        "manage.py",
                        "worker",
                        "--processes",
                        "1",
                        "--threads",
                        "1",
                        "--queues",
                        "notifications",
                    ],
                    workdir,
                    "worker",
                )  # fmt: skip
            )
            time.sleep(3)  # the worker process imports Django and the actors
            try:
                results = [run_size(base, size, args.samples) for size in args.sizes]
            except Exception:
                for log in ("daphne", "worker"):
                    tail = (workdir / f"{log}.log").read_text(errors="replace")[-3000:]
                    print(f"--- {log}.log (end)\n{tail}", file=sys.stderr)
                raise
            for p in processes:
                p.stop()
            processes = []
            for r in results:
                report(r)
    finally:
        for p in processes:
            p.stop()
        from django.db import connections

        connections.close_all()
        psql(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
