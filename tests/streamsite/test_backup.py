"""`manage.py backup` and `restore`: a processed video on S3 (moto) is backed up, restored
onto an EMPTY PostgreSQL database and an EMPTY bucket by another process, and plays from there
through a web node (master playlist and a segment answer 200)."""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
import time

import pytest
import requests
from django.core.files import File
from django.core.management import call_command
from django.db import connection

from apps.videos import services
from apps.videos.delivery.links import media_url
from tests.conftest import require
from tests.factories import CreatorFactory
from tests.fixtures.pipeline import wait_for_video
from tests.fixtures.processes import ROOT, process_env, start_daphne, stop
from tests.fixtures.s3 import BUCKET, bucket_keys

pytestmark = [pytest.mark.pipeline, pytest.mark.slow]
RESTORED_BUCKET = "streamsite-restored"


def _psql(sql: str) -> None:
    db = connection.settings_dict
    subprocess.run(
        ["psql", "-h", db["HOST"] or "127.0.0.1", "-p", str(db["PORT"] or 5432)]
        + ["-U", db["USER"], "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-q", "-c", sql],
        check=True,
        capture_output=True,
        timeout=60,
    )


def test_a_backup_restored_onto_an_empty_database_and_bucket_plays(
    s3, pipeline_worker, samples, tmp_path
):
    require(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    with open(samples["mkv_h264_3s.mkv"], "rb") as fh:
        video = services.video_create(
            owner=CreatorFactory(), title="Kept safe", upload=File(fh), filename="a.mkv"
        )
    video = wait_for_video(video.id)
    assert video.status == "ready" and video.progress == 100, video.error
    work = f"{video.output_prefix}work/"
    deadline = time.monotonic() + 10
    while any(k.startswith(work) for k in bucket_keys(s3, work)) and time.monotonic() < deadline:
        time.sleep(0.1)

    call_command("backup", str(tmp_path / "bk"))
    manifest = json.loads((tmp_path / "bk" / "manifest.json").read_text())
    names = {o["name"]: o for o in manifest["media"]["objects"]}
    assert set(names) == bucket_keys(s3, "")
    master = f"{video.output_prefix}master.m3u8"
    assert names[master]["size"] > 0 and len(names[master]["sha256"]) == 64
    assert (tmp_path / "bk" / "database.pgdump").stat().st_size > 0

    fresh = f"ss_restore_{secrets.token_hex(4)}"
    _psql(f"CREATE DATABASE {fresh}")
    s3.create_bucket(
        Bucket=RESTORED_BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    endpoint = s3.meta.endpoint_url
    server = process_env()["DATABASE_URL"].rsplit("/", 1)[0]
    env = process_env(
        DATABASE_URL=f"{server}/{fresh}",
        STORAGE_URL=f"s3://{RESTORED_BUCKET}?endpoint_url={endpoint}&region=eu-west-1",
    )
    node = None
    try:
        restored = subprocess.run(
            [sys.executable, "manage.py", "restore", str(tmp_path / "bk")],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert restored.returncode == 0, restored.stderr
        restored_keys = {
            o["Key"] for o in s3.list_objects_v2(Bucket=RESTORED_BUCKET).get("Contents", [])
        }
        assert restored_keys == set(names)

        node, base = start_daphne(env, tmp_path / "web.log")
        assert requests.get(f"{base}{video.get_absolute_url()}", timeout=15).status_code == 200
        playlist = requests.get(base + media_url(master, video.media_key), timeout=15)
        assert playlist.status_code == 200 and "#EXT-X-STREAM-INF" in playlist.text
        segment = video.renditions.first().segments[0][0]
        # The site redirects to the restored bucket's signed URL; the bytes come from there.
        answer = requests.get(base + media_url(segment, video.media_key), timeout=15)
        assert answer.status_code == 200 and answer.content[4:8] in (b"styp", b"moof")
        assert f"/{RESTORED_BUCKET}/" in answer.url and f"/{BUCKET}/" not in answer.url
    finally:
        if node is not None:
            stop(node)
        _psql(f"DROP DATABASE IF EXISTS {fresh} WITH (FORCE)")
