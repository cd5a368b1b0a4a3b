"""Uploads, timed. `upload_and_wait`: an upload through the real pipeline, shared by the
benchmarks that need a video. Run as a script: the completion of a resumable (tus) upload on
S3 (moto's server in a subprocess), against the way it was done before, in the same run.

    .venv/bin/python benchmarks/uploads.py [--mb 50] [--chunk-mb 8] [--rounds 3]

(a) join: the same stored parts (`--mb` in `--chunk-mb` parts, as the upload page sends them)
    joined into one object two ways, alternating: through Python as the completing PATCH did
    before (every part downloaded into a temporary file, then uploaded again) and with
    `apps.videos.uploads.parts.StoredParts.store_as` (an S3 multipart upload whose parts are
    copied in the bucket, UploadPartCopy). Prints both times, their ratio, and the bytes this
    process fetched from and sent to S3 for each.
(b) tus: whole tus uploads through Django's test client (no HTTP in front: the web node's own
    work), each PATCH timed; prints the completing PATCH's time and bytes against the others.
    `STREAMSITE_ROOT=/path/to/an/old/checkout` runs (b) on that code (it skips (a) when the
    code has no StoredParts), for a before/after of the completing PATCH itself.

moto copies parts in its own Python process where S3 copies them inside the service, so (a)'s
server-side figure is an upper bound of what a real bucket costs the web node: none of its CPU
or network. Nothing is transcoded (the bytes are random; the queue has no worker). SQLite.
"""

from __future__ import annotations

import argparse
import functools
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(os.environ.get("STREAMSITE_ROOT") or Path(__file__).resolve().parent.parent)
MIB = 1024 * 1024
BUCKET = "streamsite-bench"


@dataclass
class Processed:
    video: object  # apps.videos.models.Video
    full_s: float  # upload stored to every rung done
    ready_s: float  # upload stored to status `ready` (watchable)


def upload_and_wait(source: Path, *, owner, title: str, poll_s: float = 0.05) -> Processed:
    """Store `source` as `owner`'s upload and poll until every rung is done; a failed video
    ends the benchmark with its reason. Workers must already be running."""
    from django.core.files import File

    from apps.videos import services
    from apps.videos.models import Video

    start = time.perf_counter()
    with open(source, "rb") as fh:
        video = services.video_create(
            owner=owner, title=title, upload=File(fh, name=source.name),
            filename=source.name, enforce_role=False,
        )  # fmt: skip
    ready_s = None
    while True:
        video = Video.objects.get(pk=video.pk)
        if video.status == "failed":
            raise SystemExit(f"pipeline failed: {video.error}")
        if video.status == "ready" and ready_s is None:
            ready_s = time.perf_counter() - start
        if video.status == "ready" and video.progress == 100:
            return Processed(video, time.perf_counter() - start, ready_s)
        time.sleep(poll_s)


# --- the tus completion on S3 (run as a script) -----------------------------------------------
def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_moto(workdir: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    log = open(workdir / "moto.log", "wb")  # open as long as the server runs
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("moto's server did not start (see moto.log)")


def setup_django(workdir: Path, endpoint: str) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="streamsite.settings",
        DEBUG="1",
        ALLOWED_HOSTS="testserver,127.0.0.1",
        LOG_LEVEL="WARNING",
        STREAMSITE_NO_EMBEDDED_WORKER="1",
        DATABASE_URL=f"sqlite:///{workdir}/bench.sqlite3",
        STORAGE_URL=f"s3://{BUCKET}?endpoint_url={endpoint}&region=eu-west-1",
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench-secret",
        PIPELINE_WORK_DIR=str(workdir / "work"),
        DAILY_UPLOADS="0",
        MAX_UPLOAD_MB="4096",
    )
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    import boto3
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    boto3.client("s3", endpoint_url=endpoint, region_name="eu-west-1").create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )


class Traffic:
    """Bytes this process fetches from and sends to S3 through the storage's client."""

    def __init__(self) -> None:
        from django.core.files.storage import default_storage

        self.fetched = self.sent = 0
        events = default_storage.connection.meta.client.meta.events
        events.register("after-call.s3.GetObject", self._fetched)
        events.register("before-send.s3", self._sent)

    def _fetched(self, parsed, **_kwargs) -> None:
        self.fetched += int(parsed.get("ContentLength") or 0)

    def _sent(self, request, **_kwargs) -> None:
        self.sent += int(request.headers.get("Content-Length") or 0)

    def measure(self, work) -> tuple[float, int, int, float]:
        """(seconds, bytes fetched, bytes sent, this process's CPU seconds) of `work()`."""
        fetched, sent = self.fetched, self.sent
        start, cpu = time.perf_counter(), time.process_time()
        work()
        elapsed = time.perf_counter() - start
        return elapsed, self.fetched - fetched, self.sent - sent, time.process_time() - cpu


def join_through_python(parts: list[tuple[str, int]], name: str) -> None:
    """The completing PATCH's join before: every part downloaded, the whole uploaded again."""
    import shutil

    from django.core.files import File
    from django.core.files.storage import default_storage

    with tempfile.TemporaryFile() as whole:
        for part, _size in parts:
            with default_storage.open(part, "rb") as fh:
                shutil.copyfileobj(fh, whole, length=MIB)
        whole.seek(0)
        default_storage.save(name, File(whole, name="original"))


def bench_join(data: bytes, chunk: int, rounds: int, traffic: Traffic) -> None:
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    try:
        from apps.videos.uploads.parts import StoredParts
    except ImportError:
        print("(a) join: skipped, this code has no apps.videos.uploads.parts")
        return
    parts = []
    for offset in range(0, len(data), chunk):
        name = default_storage.save(
            f"bench-parts/{offset:019d}", ContentFile(data[offset : offset + chunk])
        )
        parts.append((name, len(data[offset : offset + chunk])))
    ways = {
        "through Python": lambda: join_through_python(parts, "bench-joined/python"),
        "in the bucket": lambda: StoredParts(parts).store_as("bench-joined/bucket"),
    }
    figures: dict[str, list] = {way: [] for way in ways}
    for index in range(rounds):
        order = list(ways) if index % 2 == 0 else list(reversed(ways))
        for way in order:
            figures[way].append(traffic.measure(ways[way]))
    for path in ("bench-joined/python", "bench-joined/bucket"):
        with default_storage.open(path, "rb") as fh:
            assert fh.read() == data, f"{path} does not hold the upload"
    print(f"(a) join of {len(data) / MIB:.0f} MiB in {len(parts)} parts, {rounds} rounds:")
    for way, runs in figures.items():
        seconds = statistics.median(run[0] for run in runs)
        cpu = statistics.median(run[3] for run in runs)
        fetched, sent = runs[-1][1] / MIB, runs[-1][2] / MIB
        print(
            f"    {way:15s} median {seconds:6.3f} s (CPU here {cpu:6.3f} s)   fetched "
            f"{fetched:6.1f} MiB, sent {sent:6.1f} MiB"
        )
    for index, what in ((0, "time"), (3, "CPU here")):
        before = statistics.median(run[index] for run in figures["through Python"])
        after = statistics.median(run[index] for run in figures["in the bucket"])
        print(f"    {what}: through Python / in the bucket = {before / after:.1f}x")


def _tus_patch(client, url: str, offset: int, body: bytes, answers: list) -> None:
    answers.append(
        client.generic(
            "PATCH",
            url,
            body,
            content_type="application/offset+octet-stream",
            HTTP_UPLOAD_OFFSET=str(offset),
            HTTP_TUS_RESUMABLE="1.0.0",
        )
    )


def bench_tus(data: bytes, chunk: int, rounds: int, traffic: Traffic) -> None:
    import base64

    from django.contrib.auth.models import Group
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    from apps.users.models import User

    user, _ = User.objects.get_or_create(username="bench-uploads", is_staff=True)
    user.groups.add(Group.objects.get_or_create(name="Creators")[0])
    token, _ = Token.objects.get_or_create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    tus = {"HTTP_TUS_RESUMABLE": "1.0.0"}
    meta = ",".join(
        f"{key} {base64.b64encode(value.encode()).decode()}"
        for key, value in {"filename": "bench.mp4", "title": "Upload benchmark"}.items()
    )
    completing, others = [], []
    for _ in range(rounds):
        created = client.post(
            "/api/v1/uploads/", HTTP_UPLOAD_LENGTH=str(len(data)), HTTP_UPLOAD_METADATA=meta, **tus
        )
        assert created.status_code == 201, created.content
        url = created["Location"]
        for offset in range(0, len(data), chunk):
            body = data[offset : offset + chunk]
            answers: list = []
            patch = functools.partial(_tus_patch, client, url, offset, body, answers)
            figure = traffic.measure(patch)
            assert answers[0].status_code == 204, answers[0].content
            last = offset + len(body) == len(data)
            (completing if last else others).append(figure)
        assert answers[0].has_header("Video-Id")
    size = f"{len(data) / MIB:.0f} MiB in {chunk / MIB:g} MiB PATCHes"
    print(f"(b) tus upload of {size}, {rounds} rounds:")
    for name, runs in (("completing PATCH", completing), ("other PATCHes", others)):
        seconds = statistics.median(run[0] for run in runs)
        cpu = statistics.median(run[3] for run in runs)
        fetched, sent = runs[-1][1] / MIB, runs[-1][2] / MIB
        print(
            f"    {name:16s} median {seconds:6.3f} s (CPU here {cpu:6.3f} s)   fetched "
            f"{fetched:5.1f} MiB, sent {sent:5.1f} MiB"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=int, default=50)
    parser.add_argument("--chunk-mb", type=float, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    data = os.urandom(args.mb * MIB)
    data = b"\x00\x00\x00\x18ftypmp42" + data[12:]  # not sniffed as text or a picture
    chunk = int(args.chunk_mb * MIB)
    with tempfile.TemporaryDirectory(prefix="bench-uploads-") as tmp:
        workdir = Path(tmp)
        server, endpoint = start_moto(workdir)
        try:
            setup_django(workdir, endpoint)
            traffic = Traffic()
            print(f"code: {ROOT}")
            bench_join(data, chunk, args.rounds, traffic)
            bench_tus(data, chunk, args.rounds, traffic)
        finally:
            server.terminate()
            server.wait(10)


if __name__ == "__main__":
    main()
