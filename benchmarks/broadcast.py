"""Broadcast fan-out: time from `POST /api/v1/broadcasts/` to receipt at N connected `/ws/site/`
clients, on the Redis channel layer, against a baseline measured in the same run.

    REDIS_URL=redis://127.0.0.1:6379/5 [DATABASE_URL=postgres://…] \\
        .venv/bin/python benchmarks/broadcast.py [--clients 1000] [--rounds 10]

Daphne serves the site in a subprocess (production settings, DEBUG=0, one process); this
process opens the clients (the `websockets` library, one asyncio loop) and, per round:
  api:      t0, then the moderator's POST over HTTP (token auth): the view, the service, the
            database commit and the push on commit, as a moderator's client does it;
  baseline: t0, then one `group_send` of an equal message straight onto the Redis layer from
            this process: the layer's own fan-out, no HTTP, no database.
Two servers side by side, rounds alternating between them: /ws/site/ on the shipped Redis
Pub/Sub layer, and on the core Redis layer every other socket uses (`--layers` picks).
Latency = receipt time at each client - t0 (one clock: same process). Each broadcast is ended
afterwards (its `broadcast.ended` is drained before the next round). The client loop's own
work is inside the figures: with 1000 sockets in one Python process the last receipts wait
for the loop as well as for the server.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def pct(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


# /ws/site/'s layer on each server, and the alias this process uses to reach it for baselines.
LAYERS = {"pubsub": "site", "core": "default"}


def setup(workdir: Path) -> dict[str, str]:
    if not os.environ.get("REDIS_URL"):
        raise SystemExit("REDIS_URL is required: this measures the Redis channel layer.")
    base = "from streamsite.settings import *  # noqa: F403\n"
    (workdir / "bench_pubsub.py").write_text(base)
    # /ws/site/ on the core layer, as every other socket is: the comparison server.
    core = 'CHANNEL_LAYERS["site"] = CHANNEL_LAYERS["default"]  # noqa: F405\n'
    (workdir / "bench_core.py").write_text(base + core)
    sys.path.insert(0, str(workdir))
    env = {
        "DJANGO_SETTINGS_MODULE": "bench_pubsub",
        "PYTHONPATH": f"{workdir}{os.pathsep}{ROOT}",
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-" + secrets.token_hex(24),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "STREAMSITE_NO_EMBEDDED_WORKER": "1",
        "LOG_LEVEL": "WARNING",
        "DATABASE_URL": os.environ.get("DATABASE_URL") or f"sqlite:///{workdir}/bench.sqlite3",
        "STORAGE_URL": f"file://{workdir}/media",
        # Groups of this run only, whoever else uses the Redis database.
        "CHANNELS_PREFIX": "bench-" + secrets.token_hex(4),
        "DRAMATIQ_NAMESPACE": "streamsite-bench",
        # Write throttles would stop a long run; the bench is not about them.
        "API_WRITE_RATE": "100000/min",
    }
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return env


def moderator_token() -> str:
    from apps.users.models import User
    from apps.users.services import token_get_or_create

    user, _ = User.objects.get_or_create(username="bench-moderator", defaults={"is_staff": True})
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return token_get_or_create(user=user)


class Server:
    def __init__(self, env: dict[str, str], workdir: Path, name: str, index: int = 0) -> None:
        env = {**env, "DJANGO_SETTINGS_MODULE": f"bench_{name}"}
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        log = workdir / f"daphne-{name}-{index}.log"
        self.log = open(log, "wb")  # closed in stop()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(self.port),
             "streamsite.asgi:application"],
            env={**os.environ, **env}, stdout=self.log, stderr=subprocess.STDOUT, cwd=ROOT,
        )  # fmt: skip
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise SystemExit(f"Daphne did not start; see {log}")

    def cpu_ms(self) -> float:
        """CPU time the server process has used so far (Linux /proc): unlike wall time, it
        hardly depends on what else the shared machine runs."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


def api(base: str, token: str, method: str, path: str, body: dict | None = None) -> dict | None:
    request = urllib.request.Request(
        base + path,
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        raw = response.read()
    return json.loads(raw) if raw else None


class Clients:
    """N sockets; each records when it receives the broadcast with the awaited message (the
    id of the API's broadcast is known only after the POST returns, often after the push)."""

    def __init__(self, ports: list[int], count: int) -> None:
        self.ports = ports
        self.count = count
        self.sockets: list = []
        self.awaited: object = None
        self.received: list[float] = []
        self.ended = 0
        self.done = asyncio.Event()

    async def connect(self, batch: int = 50) -> None:
        import websockets

        async def one(i: int):
            # Spread over the server processes, as a load balancer would.
            port = self.ports[i % len(self.ports)]
            ws = await websockets.connect(
                f"ws://127.0.0.1:{port}/ws/site/", origin=f"http://127.0.0.1:{port}",
                max_queue=None,
            )  # fmt: skip
            self.sockets.append(ws)

        for start in range(0, self.count, batch):
            await asyncio.gather(*(one(start + i) for i in range(min(batch, self.count - start))))
        self.readers = [asyncio.create_task(self.read(ws)) for ws in self.sockets]

    async def read(self, ws) -> None:
        async for raw in ws:
            now = time.perf_counter()
            msg = json.loads(raw)
            if msg.get("type") == "broadcast" and msg.get("message") == self.awaited:
                self.received.append(now)
                if len(self.received) == self.count:
                    self.done.set()
            elif msg.get("type") == "broadcast.ended":
                self.ended += 1

    def expect(self, awaited) -> None:
        self.awaited, self.received, self.ended = awaited, [], 0
        self.done = asyncio.Event()

    async def close(self) -> None:
        for task in self.readers:
            task.cancel()
        await asyncio.gather(*(ws.close() for ws in self.sockets), return_exceptions=True)


class Servers:
    """One or more Daphne processes with the same settings (replicas behind a balancer)."""

    def __init__(self, env: dict[str, str], workdir: Path, name: str, count: int) -> None:
        self.all: list[Server] = []
        for i in range(count):
            self.all.append(Server(env, workdir, name, i))
        self.base = self.all[0].base
        self.ports = [server.port for server in self.all]

    def cpu_ms(self) -> float:
        return sum(server.cpu_ms() for server in self.all)

    def stop(self) -> None:
        for server in self.all:
            server.stop()


async def one_round(clients, layer, kind: str, n: int, server, token: str) -> tuple[list, float]:
    from apps.broadcasts.push.events import SITE_GROUP, shown_event

    message = f"{kind} round {n} {secrets.token_hex(4)}"
    clients.expect(message)
    created = None
    base = server.base
    cpu0 = server.cpu_ms()
    t0 = time.perf_counter()
    if kind == "api":
        created = await asyncio.to_thread(
            api, base, token, "POST", "/api/v1/broadcasts/",
            {"message": message, "severity": "info"},
        )  # fmt: skip
    else:
        await layer.group_send(
            SITE_GROUP,
            shown_event({"type": "broadcast", "id": -(n + 1), "severity": "info",
                         "message": message, "video": None, "expires_at": None}),
        )  # fmt: skip
    try:
        await asyncio.wait_for(clients.done.wait(), timeout=60)
    except TimeoutError:
        print(f"  round {n} {kind}: only {len(clients.received)} receipts in 60 s")
    latencies = [(t - t0) * 1000 for t in clients.received]
    cpu = server.cpu_ms() - cpu0
    if created is not None:
        await asyncio.to_thread(api, base, token, "DELETE", f"/api/v1/broadcasts/{created['id']}/")
        deadline = time.monotonic() + 30
        while clients.ended < clients.count and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
    await asyncio.sleep(0.5)
    return latencies, cpu


async def run(args, servers: dict, token: str) -> tuple[dict, dict]:
    from channels.layers import get_channel_layer

    clients = {}
    for name, server in servers.items():
        clients[name] = Clients(server.ports, args.clients)
        started = time.perf_counter()
        await clients[name].connect()
        took = time.perf_counter() - started
        print(f"{name}: connected {len(clients[name].sockets)} clients in {took:.1f} s")
    await asyncio.sleep(1)
    rounds: dict[tuple[str, str], list[list[float]]] = {
        (name, kind): [] for name in servers for kind in ("api", "baseline")
    }
    cpu: dict[tuple[str, str], list[float]] = {key: [] for key in rounds}
    names = list(servers)
    for n in range(args.rounds):
        # Alternate the order, so neither layer nor path always goes first.
        for name in names if n % 2 == 0 else names[::-1]:
            for kind in ("api", "baseline") if n % 4 < 2 else ("baseline", "api"):
                layer = get_channel_layer(LAYERS[name])
                latencies, used = await one_round(
                    clients[name], layer, kind, n, servers[name], token
                )
                rounds[(name, kind)].append(latencies)
                cpu[(name, kind)].append(used)
    for group in clients.values():
        await group.close()
    return rounds, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument(
        "--layers",
        nargs="+",
        choices=list(LAYERS),
        default=list(LAYERS),
        help="servers to compare: /ws/site/ on Redis Pub/Sub (shipped) and on the core layer",
    )
    parser.add_argument(
        "--processes", type=int, default=1, help="Daphne processes per layer (clients spread)"
    )
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-broadcast-"))
    env = setup(workdir)
    token = moderator_token()
    servers = {}
    try:
        for name in args.layers:
            servers[name] = Servers(env, workdir, name, args.processes)
        rounds, cpu = asyncio.run(run(args, servers, token))
    finally:
        for server in servers.values():
            server.stop()
    print(
        f"\n{args.clients} clients per server, {args.rounds} rounds each "
        f"({args.processes} Daphne process(es) per layer, Redis; "
        "latency = POST or group_send -> receipt)"
    )
    figures = {}
    for (name, kind), per_round in rounds.items():
        every = [v for r in per_round for v in r]
        missing = sum(args.clients - len(r) for r in per_round)
        p99s = [pct(r, 99) for r in per_round if r]
        figures[(name, kind)] = (pct(every, 50), pct(every, 99))
        print(
            f"{name:6s} {kind:8s}  p50 {pct(every, 50):7.1f} ms   p99 {pct(every, 99):7.1f} ms   "
            f"median of round p99s {statistics.median(p99s):7.1f} ms   max {max(every):7.1f} ms"
            f"   missing {missing}   server CPU {statistics.median(cpu[(name, kind)]):6.0f} ms"
        )
    for name in args.layers:
        via, bare = figures[(name, "api")], figures[(name, "baseline")]
        print(
            f"{name:6s} api/baseline      p50 {via[0] / bare[0]:.2f}   p99 {via[1] / bare[1]:.2f}"
        )
    if len(args.layers) == 2:
        new, old = figures[("pubsub", "api")], figures[("core", "api")]
        print(f"api pubsub/core          p50 {new[0] / old[0]:.2f}   p99 {new[1] / old[1]:.2f}")
    if "pubsub" in args.layers:
        p99 = figures[("pubsub", "api")][1]
        print(f"goal p99 < 1000 ms (shipped layer, API path): {'met' if p99 < 1000 else 'NOT met'}")


if __name__ == "__main__":
    main()
