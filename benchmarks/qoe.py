"""Quality of experience of the watch page under throttled networks, against a plain page with
hls.js defaults on the same files in the same run.

    .venv/bin/python benchmarks/qoe.py [--seconds 30] [--profiles 1.5,5,20] [--latency-ms 40]

For each profile Chromium's network is throttled through the DevTools protocol
(`Network.emulateNetworkConditions`: download rate in Mb/s, round-trip latency) and three
viewings of --seconds each are measured, each in a fresh browser context (cold cache):
  plain      a page holding only <video> and hls.js 1.7 with its default configuration;
  first      the watch page on a first visit (nothing remembered: lowest rung first);
  returning  the watch page again in the first visit's context (its remembered bandwidth;
             the resume position is cleared so it starts at 0 like the others).
Figures, measured in the page: time to first frame (navigation start -> first `playing`),
stalls (`waiting` events after the first frame) and stalled time (waiting -> playing), and the
average height of the picture played, weighted by media time played.

Self-contained: makes a 720p clip with ffmpeg's lavfi sources (noise added, so every rung
really uses its bitrate) into benchmarks/out/, sends it through the real pipeline in this
process and serves the site with Daphne in a subprocess (helpers of benchmarks/startup.py).
Without a PostgreSQL DATABASE_URL it runs on a throwaway SQLite database.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from clips import lavfi_clip
from startup import CHROMIUM, Server, make_ready_video, setup_django

# Installed before any page script; performance.now() counts from the navigation's start.
PROBE = """
window.__qoe = {ttff: null, waits: 0, stallMs: 0, waitStart: null, heightTime: 0, played: 0,
                last: null, heights: {}};
const q = window.__qoe;
const mine = (e) => e.target && e.target.id === 'player';
document.addEventListener('playing', (e) => {
  if (!mine(e)) return;
  const now = performance.now();
  if (q.ttff === null) q.ttff = now;
  if (q.waitStart !== null) { q.stallMs += now - q.waitStart; q.waitStart = null; }
}, true);
document.addEventListener('waiting', (e) => {
  if (mine(e) && q.ttff !== null && q.waitStart === null) {
    q.waits += 1; q.waitStart = performance.now();
  }
}, true);
setInterval(() => {
  const v = document.getElementById('player');
  if (!v) return;
  const t = v.currentTime;
  if (q.last !== null && t > q.last && t - q.last < 2 && v.videoHeight) {
    q.heightTime += v.videoHeight * (t - q.last);
    q.played += t - q.last;
    q.heights[v.videoHeight] = (q.heights[v.videoHeight] || 0) + (t - q.last);
  }
  q.last = t;
}, 100);
"""
RESULT = """() => {
  const q = window.__qoe;
  const open = q.waitStart !== null ? performance.now() - q.waitStart : 0;
  return {ttff: q.ttff, waits: q.waits, stallMs: q.stallMs + open,
          height: q.played ? q.heightTime / q.played : 0, played: q.played, heights: q.heights};
}"""
PLAIN = """<!doctype html><html><head><meta charset="utf-8"><title>plain hls.js</title></head>
<body><video id="player" muted playsinline width="1240" height="697"></video>
<script src="/static/vendor/hls.js/hls.min.js"></script>
<script>
const video = document.getElementById('player');
const hls = new Hls();
hls.loadSource(%r);
hls.attachMedia(video);
hls.on(Hls.Events.MANIFEST_PARSED, () => video.play());
</script></body></html>"""


def view(browser, url: str, *, mbps: float, latency_ms: float, seconds: float, context=None,
         route_html: str | None = None, before: str = "") -> tuple[dict, object]:  # fmt: skip
    """One viewing of `url` for `seconds` under the profile; returns (figures, context)."""
    context = context or browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    if before:
        page.add_init_script(before)
    page.add_init_script(PROBE)
    if route_html is not None:
        page.route(url, lambda route: route.fulfill(body=route_html, content_type="text/html"))
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": latency_ms,
            "downloadThroughput": mbps * 1e6 / 8,
            "uploadThroughput": mbps * 1e6 / 8,
        },
    )
    # Only the navigation's start matters (the clock starts there); "load" can wait long on a
    # throttled line for images the measure does not need.
    page.goto(url, wait_until="commit", timeout=60_000)
    page.wait_for_timeout(seconds * 1000)
    figures = page.evaluate(RESULT)
    page.close()
    return figures, context


def line(name: str, runs: list[dict]) -> str:
    ttff = statistics.median(r["ttff"] or float("nan") for r in runs)
    waits = sum(r["waits"] for r in runs)
    stall = sum(r["stallMs"] for r in runs) / 1000
    height = statistics.mean(r["height"] for r in runs)
    mix = {}
    for r in runs:
        for h, s in r["heights"].items():
            mix[int(h)] = mix.get(int(h), 0) + s
    total = sum(mix.values()) or 1
    shares = " ".join(f"{h}p {100 * s / total:.0f}%" for h, s in sorted(mix.items()))
    return (
        f"  {name:<10} first frame {ttff:6.0f} ms   stalls {waits:2d} ({stall:5.1f} s)   "
        f"avg height {height:5.0f}   [{shares}]"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30, help="measured per viewing")
    parser.add_argument("--profiles", default="1.5,5,20", help="download rates, Mb/s")
    parser.add_argument("--latency-ms", type=float, default=40)
    parser.add_argument("--runs", type=int, default=1, help="viewings per variant and profile")
    parser.add_argument("--clip-seconds", type=int, default=48)
    args = parser.parse_args()

    clip = lavfi_clip(
        f"qoe_720p_{args.clip_seconds}s.mp4",
        width=1280, height=720, seconds=args.clip_seconds, video_bitrate="6000k",
        extra=["-g", "60", "-vf", "noise=alls=14:allf=t", "-movflags", "+faststart"],
    )  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="streamsite-qoe-") as tmp:
        workdir = Path(tmp)
        env = setup_django(workdir)
        from playwright.sync_api import sync_playwright

        from apps.videos.delivery.links import media_url

        video = make_ready_video(clip)
        rungs = ", ".join(
            f"{r.name} {(r.bandwidth + video.plan.get('audio', {}).get('peak_bps', 0)) / 1e6:.2f}"
            for r in video.renditions.order_by("height")
        )
        print(f"video {video.id}: {video.width}x{video.height}; rungs (peak Mb/s): {rungs}")
        server = Server(env, workdir)
        watch = f"{server.base}/watch/{video.id}/"
        plain_url = f"{server.base}/qoe-plain/"
        plain_html = PLAIN % media_url(video.master_playlist, video.media_key)
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(
                    executable_path=CHROMIUM, headless=True,
                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                          "--autoplay-policy=no-user-gesture-required"],
                )  # fmt: skip
                for mbps in (float(p) for p in args.profiles.split(",")):
                    results: dict[str, list[dict]] = {"plain": [], "first": [], "returning": []}
                    for _ in range(args.runs):
                        common = {"mbps": mbps, "latency_ms": args.latency_ms}
                        common["seconds"] = args.seconds
                        figures, ctx = view(browser, plain_url, route_html=plain_html, **common)
                        ctx.close()
                        results["plain"].append(figures)
                        figures, ctx = view(browser, watch, **common)
                        results["first"].append(figures)
                        figures, ctx = view(
                            browser, watch, context=ctx, **common,
                            before="localStorage.removeItem('streamsite.positions');",
                        )  # fmt: skip
                        results["returning"].append(figures)
                        ctx.close()
                    profile = f"{mbps:g} Mb/s, {args.latency_ms:g} ms latency"
                    print(f"\n{profile}, {args.seconds:g} s each")
                    for name, runs in results.items():
                        print(line(name, runs))
                browser.close()
        finally:
            server.stop()


if __name__ == "__main__":
    main()
