"""Watch-page start-up, watch-page server time and search latency, each against a baseline
measured in the same run.

    createdb -h 127.0.0.1 -U postgres streamsite_bench
    DATABASE_URL=postgres://postgres@127.0.0.1/streamsite_bench \\
        .venv/bin/python benchmarks/startup.py [--runs 9] [--gets 200] [--rows 100000]

(a) first frame: Chromium navigates to /watch/<id>/ (hls.js, lowest rung first) and to the same
    page with its <video> given the source MP4 (faststart) as a plain `src` and the player
    scripts removed (baseline). Measured in the page: navigation start -> `playing`, and the
    media request's start -> `playing`. A fresh browser context (cold cache) per load.
(b) server time: round trips of GET /watch/<id>/ (first visit: counts a view and creates a
    session; repeat visit: with the session cookie) against GET /healthz, over keep-alive.
(c) search: `apps.videos.selectors.video_search` over `--rows` generated public videos
    (bulk_create, then one UPDATE filling search_vector), p50/p99 of the first result page
    and of its count, for exact-title, multi-word and typo queries. PostgreSQL only; the rows
    are kept between runs (owners `bench-search-*`) unless --fresh-search.

Self-contained: makes its clip with ffmpeg (lavfi), migrates, runs the real pipeline in this
process (a Dramatiq worker on the in-memory broker) and serves the site with Daphne in a
subprocess, in production mode (DEBUG=0, collected static files). Settings are
streamsite.settings, wrapped only to collect static files into a temporary directory.
Without a PostgreSQL DATABASE_URL, (a) and (b) run on a throwaway SQLite database.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


# --- setup ------------------------------------------------------------------------------------
def make_clip(seconds: int) -> Path:
    """A 720p30 clip with sound, keyframes every 2 s, moov first (a good progressive MP4)."""
    return lavfi_clip(
        f"startup_720p_{seconds}s.mp4",
        width=1280, height=720, seconds=seconds, video_bitrate="2500k",
        extra=["-g", "60", "-movflags", "+faststart"],
    )  # fmt: skip


def setup_django(workdir: Path) -> dict[str, str]:
    """Production-mode settings in this process and for the server subprocess."""
    (workdir / "bench_settings.py").write_text(
        "from streamsite.settings import *  # noqa: F403\n"
        f"STATIC_ROOT = {str(workdir / 'static')!r}\n"
        # Compressed but not hashed: the manifest storage's collectstatic fails on the vendored
        # scripts' `sourceMappingURL` comments (their .map files are not vendored). Serving cost
        # is the same.
        "STORAGES = {**STORAGES, 'staticfiles': "
        "{'BACKEND': 'whitenoise.storage.CompressedStaticFilesStorage'}}  # noqa: F405\n"
    )
    env = {
        "DJANGO_SETTINGS_MODULE": "bench_settings",
        "PYTHONPATH": f"{workdir}{os.pathsep}{ROOT}",
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-" + secrets.token_hex(24),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Plain HTTP on loopback: no redirect to HTTPS, cookies usable over http.
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "STREAMSITE_NO_EMBEDDED_WORKER": "1",
        "LOG_LEVEL": "WARNING",
        "DATABASE_URL": os.environ.get("DATABASE_URL") or f"sqlite:///{workdir}/bench.sqlite3",
        "STORAGE_URL": f"file://{workdir}/media",
        "PIPELINE_WORK_DIR": str(workdir / "work"),
        "DRAMATIQ_NAMESPACE": "streamsite-bench",
        # Playwright's sync API leaves an event loop on this thread; the ORM calls made
        # between browser steps are still plain synchronous code (as in tests/conftest.py).
        "DJANGO_ALLOW_ASYNC_UNSAFE": "true",
    }
    os.environ.update(env)
    os.environ.pop("REDIS_URL", None)  # in-memory broker and channel layer, local cache
    sys.path.insert(0, str(workdir))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    return env


def make_ready_video(source: Path):
    """The real pipeline, in process; returns the video once every rung is done."""
    import dramatiq

    from apps.users.models import User
    from apps.videos.models import Video
    from streamsite.broker import import_actor_modules, stop_worker

    owner, _ = User.objects.get_or_create(username="bench-startup")
    Video.objects.filter(owner=owner).delete()  # earlier runs' media lived in their temp dirs
    import_actor_modules()
    broker = dramatiq.get_broker()
    broker.flush_all()
    worker = dramatiq.Worker(broker, worker_threads=2, worker_timeout=100)
    worker.start()
    try:
        done = upload_and_wait(source, owner=owner, title="Start-up benchmark", poll_s=0.1)
        print(f"pipeline          {done.full_s:6.1f} s for {source.name}")
    finally:
        stop_worker(worker)
    return done.video


def store_progressive(video, source: Path) -> str:
    """The source MP4 under the video's output prefix: served by the same view, with Range."""
    from django.core.files import File
    from django.core.files.storage import default_storage
    from django.urls import reverse

    with open(source, "rb") as fh:
        name = default_storage.save(f"{video.output_prefix}bench/progressive.mp4", File(fh))
    return reverse("media", kwargs={"key": video.media_key, "name": name})


class Server:
    """Daphne in a subprocess, as `make run` and the Docker image serve the site."""

    def __init__(self, env: dict[str, str], workdir: Path) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.log = open(workdir / "daphne.log", "wb")  # closed in stop()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(self.port),
             "streamsite.asgi:application"],
            env={**os.environ, **env}, stdout=self.log, stderr=subprocess.STDOUT, cwd=ROOT,
        )  # fmt: skip
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 30
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
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


# --- figures ------------------------------------------------------------------------------------
def pct(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def summary(values: list[float]) -> str:
    return (
        f"median {statistics.median(values):7.1f} ms   p95 {pct(values, 95):7.1f} ms   "
        f"(n={len(values)})"
    )


# --- (a) first frame ------------------------------------------------------------------------------
# Installed before any page script; times in the page's own clock (performance.now() counts
# from the navigation's start). `loadstart` is when the <video> starts loading: the `src`
# parsed (progressive) or hls.js attaching its MediaSource (right after loadSource()).
FIRST_FRAME = """
window.__ttff = {};
const mark = (name, e) => {
  if (e.target.id === 'player' && !(name in window.__ttff)) window.__ttff[name] = performance.now();
};
document.addEventListener('loadstart', (e) => mark('loadstart', e), true);
document.addEventListener('playing', (e) => mark('playing', e), true);
"""
PLAYER_SCRIPTS = re.compile(
    r'<script src="/static/(?:vendor/hls\.js|js/player)[^"]*"[^>]*></script>'
)


def first_frame(base: str, video_id: str, mp4_url: str, runs: int) -> dict[str, dict]:
    from playwright.sync_api import sync_playwright

    watch = f"{base}/watch/{video_id}/"

    def through(route, progressive: bool) -> None:
        # Both variants take the same path: the real page from the server, via Playwright.
        response = route.fetch(url=watch)
        html = response.text()
        if progressive:
            html = PLAYER_SCRIPTS.sub("", html)
            html = html.replace(
                '<video id="player"', f'<video id="player" autoplay src="{mp4_url}"'
            )
        route.fulfill(response=response, body=html)

    results: dict[str, dict] = {
        variant: {"html": [], "loadstart": [], "playing": [], "player": []}
        for variant in ("hls.js", "progressive")
    }
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--autoplay-policy=no-user-gesture-required",
                  "--disable-background-networking", "--disable-component-update"],
        )  # fmt: skip
        order = list(results)
        for i in range(runs + 1):  # the first round warms the server up and is discarded
            for variant in order if i % 2 else reversed(order):
                context = browser.new_context(viewport={"width": 1280, "height": 800})
                page = context.new_page()
                page.add_init_script(FIRST_FRAME)
                page.route(watch, lambda route, v=variant: through(route, v == "progressive"))
                page.goto(watch)
                page.wait_for_function("() => 'playing' in window.__ttff", timeout=20_000)
                marks = page.evaluate(
                    """() => ({...window.__ttff,
                        html: performance.getEntriesByType('navigation')[0].responseEnd})"""
                )
                if i:
                    for name in ("html", "loadstart", "playing"):
                        results[variant][name].append(marks[name])
                    results[variant]["player"].append(marks["playing"] - marks["loadstart"])
                context.close()
        browser.close()
    return results


# --- (b) server time ----------------------------------------------------------------------------
def server_time(port: int, video_id: str, gets: int) -> dict[str, list[float]]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)

    def get(path: str, cookie: str = "") -> tuple[float, http.client.HTTPResponse]:
        start = time.perf_counter()
        conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = conn.getresponse()
        response.read()
        elapsed = (time.perf_counter() - start) * 1000
        if response.status != 200:
            raise SystemExit(f"GET {path} answered {response.status}")
        return elapsed, response

    watch = f"/watch/{video_id}/"
    _, first = get(watch)
    session = re.search(r"sessionid=[^;]+", first.getheader("Set-Cookie") or "")
    cookie = session.group(0) if session else ""
    for _ in range(20):  # warm-up
        get("/healthz")
        get(watch, cookie)
    times: dict[str, list[float]] = {"healthz": [], "watch, first visit": [], "watch, repeat": []}
    for _ in range(gets):  # interleaved, so drift in the machine's load hits all three alike
        times["healthz"].append(get("/healthz")[0])
        times["watch, first visit"].append(get(watch)[0])
        times["watch, repeat"].append(get(watch, cookie)[0])
    conn.close()
    return times


from clips import lavfi_clip  # noqa: E402
from search_rows import fill_search_rows, search_latency  # noqa: E402
from uploads import upload_and_wait  # noqa: E402


# --- main ---------------------------------------------------------------------------------------
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=20, help="length of the test clip")
    parser.add_argument("--runs", type=int, default=9, help="page loads per variant for (a)")
    parser.add_argument("--gets", type=int, default=200, help="GETs per path for (b)")
    parser.add_argument("--rows", type=int, default=100_000, help="videos for (c)")
    parser.add_argument("--queries", type=int, default=100, help="queries per kind for (c)")
    parser.add_argument("--fresh-search", action="store_true", help="rebuild the search rows")
    parser.add_argument("--skip-search", action="store_true")
    parser.add_argument("--search-only", action="store_true", help="only figure (c)")
    args = parser.parse_args()

    clip = None if args.search_only else make_clip(args.seconds)
    with tempfile.TemporaryDirectory(prefix="streamsite-startup-") as tmp:
        workdir = Path(tmp)
        env = setup_django(workdir)
        from django.db import connection

        print(f"database          {connection.vendor} ({connection.settings_dict['NAME']})")
        if not args.search_only:
            video = make_ready_video(clip)
            rungs = ", ".join(r.name for r in video.renditions.order_by("height"))
            print(f"video             {video.id}: {video.width}x{video.height}, rungs {rungs}")
            mp4_url = store_progressive(video, clip)
            server = Server(env, workdir)
            try:
                print(f"\n(a) first frame in Chromium, {args.runs} cold page loads per variant")
                frames = first_frame(server.base, video.id, mp4_url, args.runs)
                for variant, marks in frames.items():
                    print(
                        f"  {variant:<12} HTML in {statistics.median(marks['html']):5.0f} ms, "
                        f"<video> loading at {statistics.median(marks['loadstart']):5.0f} ms "
                        f"(medians, from navigation start)"
                    )
                    print(f"  {'':<12} navigation -> playing  {summary(marks['playing'])}")
                    print(f"  {'':<12} loadstart  -> playing  {summary(marks['player'])}")
                for name, label in (("playing", "navigation"), ("player", "loadstart")):
                    ratio = statistics.median(frames["hls.js"][name]) / statistics.median(
                        frames["progressive"][name]
                    )
                    print(f"  ratio hls.js / progressive, {label} -> playing: {ratio:.2f}")

                print(f"\n(b) server round trips over keep-alive, {args.gets} each, interleaved")
                times = server_time(server.port, video.id, args.gets)
                for name, values in times.items():
                    print(f"  {name:<19} {summary(values)}")
                base = statistics.median(times["healthz"])
                for name in ("watch, first visit", "watch, repeat"):
                    ratio = statistics.median(times[name]) / base
                    print(f"  ratio {name} / healthz (median): {ratio:.1f}")
            finally:
                server.stop()

        if args.skip_search:
            return
        if connection.vendor != "postgresql":
            print("\n(c) search: skipped (needs DATABASE_URL=postgres://…)")
            return
        print(f"\n(c) search over {args.rows} videos, PostgreSQL, {args.queries} queries per kind")
        fill_search_rows(args.rows, args.fresh_search)
        results = search_latency(args.queries)
        every_page: list[float] = []
        for kind, values in results.items():
            every_page += values["page"]
            print(
                f"  {kind:<12} first page p50 {pct(values['page'], 50):6.1f} ms  "
                f"p99 {pct(values['page'], 99):6.1f} ms   count p50 "
                f"{pct(values['count'], 50):6.1f} ms  p99 {pct(values['count'], 99):6.1f} ms"
            )
        p99 = pct(every_page, 99)
        verdict = "meets" if p99 < 50 else "MISSES"
        print(f"  all kinds    first page p50 {pct(every_page, 50):6.1f} ms  p99 {p99:6.1f} ms"
              f"   ({verdict} the p99 < 50 ms target)")  # fmt: skip


if __name__ == "__main__":
    main()
