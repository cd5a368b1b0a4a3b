"""Capacity figures measured on this machine, and the estimate for N daily viewers built on them.

    .venv/bin/pip install -r benchmarks/requirements.txt     # matplotlib, for the plots
    .venv/bin/python benchmarks/capacity.py [--seconds 30] [--daily-viewers 1000000]

Measured here (the real pipeline, in this process, on two 1080p30 lavfi clips of --seconds):
- "easy": SMPTE HD bars, still (next to nothing changes: the floor of each rung);
- "hard": testsrc2 with strong temporal noise (every frame new: rungs reach their caps).
Per rung: average and peak bitrate from the stored segments, hence bytes per viewer-hour (video
plus the 128 kb/s audio); storage per hour of video for the whole ladder; transcode CPU-seconds
(this process and its ffmpeg children, user + system) per minute of video.

Read from earlier runs when present: benchmarks/out/load.json (benchmarks/load.py: requests/s a
Daphne process serves within the goals). The viewing model (minutes per viewer, peak share,
rung mix, signed-in share, hours uploaded per day) is a set of stated assumptions, options
below; docs/capacity.md explains each. Prints a Markdown table and writes the plots to
docs/img/capacity-*.png.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from clips import lavfi_clip  # noqa: E402
from startup import setup_django  # noqa: E402
from uploads import upload_and_wait  # noqa: E402

AUDIO_BPS = 128_000
# Share of viewing time per rung: players on phones, laptops and TVs (an assumption, see docs).
RUNG_MIX = {"144p": 0.02, "240p": 0.05, "360p": 0.18, "480p": 0.25, "720p": 0.32, "1080p": 0.18}
IMG = ROOT / "docs" / "img"


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def measure(kind: str, seconds: int) -> dict:
    import dramatiq

    from apps.users.models import User
    from streamsite.broker import import_actor_modules, stop_worker

    extra = ["-g", "60"]
    if kind == "hard":
        extra += ["-vf", "noise=alls=40:allf=t+u"]
    clip = lavfi_clip(
        f"capacity_{kind}_1080p_{seconds}s.mp4", width=1920, height=1080, seconds=seconds,
        video_bitrate="8000k", extra=extra, source="smptehdbars" if kind == "easy" else "testsrc2",
    )  # fmt: skip
    owner, _ = User.objects.get_or_create(username="bench-capacity")
    import_actor_modules()
    broker = dramatiq.get_broker()
    broker.flush_all()
    worker = dramatiq.Worker(broker, worker_threads=2, worker_timeout=100)
    worker.start()
    before, started = cpu_seconds(), time.perf_counter()
    try:
        done = upload_and_wait(clip, owner=owner, title=f"capacity {kind}", poll_s=0.2)
    finally:
        stop_worker(worker)
    cpu, wall = cpu_seconds() - before, time.perf_counter() - started
    video = done.video
    rungs = {}
    total_bytes = 0
    for rendition in video.renditions.filter(generation=video.generation):
        size = sum(int(s[2]) for s in rendition.segments)
        total_bytes += size
        rungs[rendition.name] = {
            "height": rendition.height,
            "avg_bps": size * 8 / video.duration,
            "peak_bps": rendition.bandwidth,
        }
    total_bytes += AUDIO_BPS / 8 * video.duration
    return {
        "kind": kind,
        "duration": video.duration,
        "cpu_s_per_min": cpu / (video.duration / 60),
        "wall_s_per_min": wall / (video.duration / 60),
        "storage_gb_per_hour": total_bytes / video.duration * 3600 / 1e9,
        "rungs": rungs,
    }


def viewer_hour_gb(bps: float) -> float:
    return (bps + AUDIO_BPS) / 8 * 3600 / 1e9


def estimate(args, media: dict, rps_per_process: float) -> dict:
    """The whole site for args.daily_viewers, from the hard clip's (upper) figures."""
    hard = media["hard"]["rungs"]
    mix = {r: share for r, share in RUNG_MIX.items() if r in hard}
    norm = sum(mix.values())
    avg_bps = sum(hard[r]["avg_bps"] * s for r, s in mix.items()) / norm + AUDIO_BPS
    minutes = args.daily_viewers * args.minutes_per_viewer
    concurrent_peak = minutes * args.peak_share / 60
    # Web requests per viewer-minute: a page or API call every two minutes of watching, the
    # view beacon, and a history save every 10 s for signed-in viewers. Segments and playlists
    # come from the CDN, not the web nodes.
    req_per_viewer_min = 0.5 + 0.2 + args.signed_in * 6
    web_rps_peak = concurrent_peak * req_per_viewer_min / 60
    db_writes_per_viewer_hour = 60 * (0.2 + args.signed_in * 6 + 0.05)
    transcode_cpu_s_day = args.upload_hours * 60 * media["hard"]["cpu_s_per_min"]
    return {
        "avg_bps": avg_bps,
        "concurrent_peak": concurrent_peak,
        "egress_peak_gbps": concurrent_peak * avg_bps / 1e9,
        "egress_tb_day": minutes * 60 * avg_bps / 8 / 1e12,
        "web_rps_peak": web_rps_peak,
        "web_processes": web_rps_peak / rps_per_process,
        "sockets_peak": concurrent_peak * 2,
        "socket_processes": concurrent_peak * 2 / args.sockets_per_process,
        "db_writes_per_viewer_hour": db_writes_per_viewer_hour,
        "db_writes_s_peak": concurrent_peak * db_writes_per_viewer_hour / 3600,
        "transcode_cores_avg": transcode_cpu_s_day / 86400,
        "transcode_cores_peak": transcode_cpu_s_day / 86400 * args.upload_peak_factor,
        "storage_tb_per_day": args.upload_hours * media["hard"]["storage_gb_per_hour"] / 1000,
    }


def plots(media: dict, args, rps_per_process: float) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib missing: pip install -r benchmarks/requirements.txt (no plots)")
        return
    IMG.mkdir(parents=True, exist_ok=True)
    names = list(media["hard"]["rungs"])
    fig, ax = plt.subplots(figsize=(7, 3.6))
    x = range(len(names))
    for offset, kind in ((-0.2, "easy"), (0.2, "hard")):
        rungs = media[kind]["rungs"]
        avg = [viewer_hour_gb(rungs[n]["avg_bps"]) for n in names]
        peak = [viewer_hour_gb(rungs[n]["peak_bps"]) for n in names]
        ax.bar([i + offset for i in x], avg, width=0.4, label=f"{kind}: average")
        ax.scatter([i + offset for i in x], peak, marker="_", s=200, color="black")
    ax.set_xticks(list(x), names)
    ax.set_ylabel("GB per viewer-hour")
    ax.set_title("Bytes per viewer-hour per rung (bars: average, marks: peak segment)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(IMG / "capacity-rungs.png", dpi=110)

    viewers = [10**k for k in (4, 4.5, 5, 5.5, 6, 6.5, 7)]
    rows = [estimate(argparse.Namespace(**{**vars(args), "daily_viewers": v}), media,
                     rps_per_process) for v in viewers]  # fmt: skip
    fig, (a, b) = plt.subplots(1, 2, figsize=(9, 3.6))
    a.loglog(viewers, [r["egress_peak_gbps"] for r in rows], marker="o")
    a.set_xlabel("daily viewers")
    a.set_ylabel("peak egress, Gb/s")
    a.grid(True, which="both", alpha=0.3)
    uploads = f"transcode cores, peak ({args.upload_hours:g} h uploaded a day)"
    series = (
        ("web_processes", "web processes (requests)"),
        ("socket_processes", "web processes (sockets)"),
        ("transcode_cores_peak", uploads),
    )
    for key, label in series:
        b.loglog(viewers, [max(r[key], 0.01) for r in rows], marker="o", label=label)
    b.set_xlabel("daily viewers")
    b.set_ylabel("count")
    b.legend(fontsize=8)
    b.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(IMG / "capacity-scale.png", dpi=110)
    print(f"plots: {IMG / 'capacity-rungs.png'}, {IMG / 'capacity-scale.png'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--daily-viewers", type=float, default=1_000_000)
    parser.add_argument("--minutes-per-viewer", type=float, default=25)
    parser.add_argument("--peak-share", type=float, default=0.10, help="of a day's viewing")
    parser.add_argument("--signed-in", type=float, default=0.3, help="share of viewers")
    parser.add_argument("--upload-hours", type=float, default=200, help="video hours per day")
    parser.add_argument("--upload-peak-factor", type=float, default=3.0)
    parser.add_argument("--sockets-per-process", type=float, default=1000)
    parser.add_argument("--rps-per-process", type=float, default=0, help="0: from load.json")
    args = parser.parse_args()

    setup_django(Path(tempfile.mkdtemp(prefix="streamsite-capacity-")))
    media = {kind: measure(kind, args.seconds) for kind in ("easy", "hard")}
    rps = args.rps_per_process
    load = ROOT / "benchmarks" / "out" / "load.json"
    if not rps and load.exists():
        data = json.loads(load.read_text())
        good = [r for r in data["rows"] if r["errors"] == 0] or data["rows"]
        rps = max(r["rps"] for r in good) / data["servers"]
    rps = rps or 100.0
    (ROOT / "benchmarks" / "out").mkdir(exist_ok=True)
    (ROOT / "benchmarks" / "out" / "capacity.json").write_text(json.dumps(media, indent=1))

    print("\n| rung | easy avg | hard avg | hard peak | GB/viewer-hour (easy–hard) |")
    print("|---|---|---|---|---|")
    for name, hard in media["hard"]["rungs"].items():
        easy = media["easy"]["rungs"][name]
        print(
            f"| {name} | {easy['avg_bps'] / 1e6:.2f} Mb/s | {hard['avg_bps'] / 1e6:.2f} Mb/s | "
            f"{hard['peak_bps'] / 1e6:.2f} Mb/s | {viewer_hour_gb(easy['avg_bps']):.2f}–"
            f"{viewer_hour_gb(hard['avg_bps']):.2f} |"
        )
    for kind in ("easy", "hard"):
        m = media[kind]
        print(
            f"{kind}: {m['cpu_s_per_min']:.0f} CPU-s and {m['wall_s_per_min']:.0f} s wall per "
            f"minute of 1080p video; {m['storage_gb_per_hour']:.2f} GB stored per hour (ladder)"
        )
    e = estimate(args, media, rps)
    print(f"\nFor {args.daily_viewers:,.0f} daily viewers ({rps:.0f} req/s per web process):")
    for key, value in e.items():
        print(f"  {key:28} {value:,.1f}")
    plots(media, args, rps)


if __name__ == "__main__":
    main()
