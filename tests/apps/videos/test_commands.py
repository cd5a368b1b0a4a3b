"""Operator commands: import_video (the upload path without HTTP) and cleanup_media."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command

from tests.factories import VideoFactory

ROOT = Path(__file__).resolve().parents[3]


def _embedded_env(root: Path) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "STORAGE_URL"}
    }
    return env | {
        "DJANGO_SETTINGS_MODULE": "streamsite.settings",
        "DATABASE_URL": f"sqlite:///{root}/db.sqlite3",
        "STORAGE_URL": f"file://{root}/media",
        "PIPELINE_WORK_DIR": str(root / "work"),
        "LOG_LEVEL": "INFO",
    }


@pytest.fixture(scope="module")
def _migrated_install(tmp_path_factory) -> Path:
    """migrate and seed_demo once (5-13 s of subprocesses); each test copies the database."""
    root = tmp_path_factory.mktemp("embedded")
    env = _embedded_env(root)
    for args in (["migrate", "--noinput"], ["seed_demo", "--no-media"]):
        subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True
        )
    return root


@pytest.fixture
def embedded_env(tmp_path, _migrated_install):
    """A fresh embedded install (SQLite, in-memory broker, local files) in a temp dir."""
    for db in _migrated_install.glob("db.sqlite3*"):  # with a WAL file, if one is left
        shutil.copyfile(db, tmp_path / db.name)
    return _embedded_env(tmp_path)


def _import_video(env, path: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "import_video", str(path), "--owner", "creator",
         "--title", "Imported", *extra],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


@pytest.mark.pipeline
def test_import_video_wait_prints_the_id_and_finishes(embedded_env, samples):
    result = _import_video(embedded_env, samples["tiny_360p_4s.mp4"], "--wait")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1 and len(lines[0]) >= 8  # the id alone; logs went to stderr
    video_id = lines[0]
    check = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c",
         f"from apps.videos.models import Video; v = Video.objects.get(pk='{video_id}'); "
         "print(v.status, v.progress, v.renditions.count())"],
        cwd=ROOT, env=embedded_env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert check.stdout.splitlines()[-1].split() == ["ready", "100", "3"]


@pytest.mark.pipeline
def test_import_video_wait_fails_with_the_reason(embedded_env, samples):
    result = _import_video(embedded_env, samples["audio_only.mp4"], "--wait")
    assert result.returncode == 1
    assert "audio" in result.stderr.lower()
    assert result.stdout.strip()  # the id is still printed first


def test_import_video_refuses_unknown_owner(embedded_env, samples):
    result = subprocess.run(
        [sys.executable, "manage.py", "import_video", str(samples["tiny_360p_4s.mp4"]),
         "--owner", "nobody", "--title", "x"],
        cwd=ROOT, env=embedded_env, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 1 and "nobody" in result.stderr


@pytest.mark.django_db
def test_cleanup_media_removes_orphans_and_old_generations_only(settings, tmp_path):
    """Old generations go; a folder whose video row is gone goes once it is an hour old, but
    not one written just now (an upload stores its original before committing its row)."""
    from datetime import timedelta

    from django.utils import timezone

    settings.MEDIA_ROOT = str(tmp_path / "media")
    live = VideoFactory(generation=2)
    uploading = "videos/newupload12/source/original"
    keep = [f"videos/{live.id}/source/original", f"videos/{live.id}/g2/master.m3u8", uploading]
    drop = [f"videos/{live.id}/g1/master.m3u8", "videos/deadbeef123/g1/v/144p/seg_00000.m4s"]
    for name in keep + drop:
        default_storage.save(name, io.BytesIO(b"x"))
    hours_ago = (timezone.now() - timedelta(hours=2)).timestamp()
    os.utime(default_storage.path(drop[1]), (hours_ago, hours_ago))
    out = io.StringIO()
    call_command("cleanup_media", "--dry-run", stdout=out)
    assert all(default_storage.exists(n) for n in keep + drop)
    call_command("cleanup_media", stdout=out)
    assert all(default_storage.exists(n) for n in keep)
    assert not any(default_storage.exists(n) for n in drop)


@pytest.mark.django_db
def test_cleanup_media_sweeps_thumbnail_folders_no_video_names(settings, tmp_path):
    """A custom thumbnail replaced or cleared while storage was down leaves its folder behind;
    cleanup_media removes it (listing it first with --dry-run), but never the video's current
    thumbnail, nor a folder written in the last hour (an upload about to commit)."""
    from datetime import timedelta

    from django.utils import timezone

    from apps.videos.pipeline import layout

    settings.MEDIA_ROOT = str(tmp_path / "media")
    video = VideoFactory()
    current = {"320": layout.custom_thumbnail_name(video.id, "now", 320, "webp")}
    video.custom_thumbnails = current
    video.save(update_fields=["custom_thumbnails"])
    stale = [layout.custom_thumbnail_name(video.id, "old", w, "webp") for w in (320, 640)]
    fresh = layout.custom_thumbnail_name(video.id, "new", 320, "webp")
    for name in [*current.values(), *stale, fresh]:
        default_storage.save(name, io.BytesIO(b"x"))
    hours_ago = (timezone.now() - timedelta(hours=2)).timestamp()
    for name in [*current.values(), *stale]:
        os.utime(default_storage.path(name), (hours_ago, hours_ago))

    out = io.StringIO()
    call_command("cleanup_media", "--dry-run", stdout=out)
    report = out.getvalue()
    assert f"orphaned thumbnail folder videos/{video.id}/thumbs/old/" in report
    assert all(name in report for name in stale)
    assert "thumbs/now/" not in report and "thumbs/new/" not in report
    assert report.splitlines()[-1] == (
        "would remove 2 file(s), 1 orphaned thumbnail folder(s) among them"
    )
    assert all(default_storage.exists(name) for name in stale)

    call_command("cleanup_media", stdout=io.StringIO())
    assert not any(default_storage.exists(name) for name in stale)
    assert not os.path.exists(default_storage.path(f"videos/{video.id}/thumbs/old"))
    assert default_storage.exists(current["320"]) and default_storage.exists(fresh)
