"""`manage.py backup` and `restore` on any database: the portable JSON dump, the manifest's
sizes and hashes, and the refusals (a non-empty target, an unknown media URL)."""

from __future__ import annotations

import hashlib
import json
import os

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from tests.factories import VideoFactory


@pytest.mark.django_db
def test_a_json_backup_lists_every_object_with_its_hash(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media-root")
    video = VideoFactory(title="Kept")
    name = default_storage.save(f"{video.output_prefix}master.m3u8", ContentFile(b"#EXTM3U\n"))
    call_command("backup", str(tmp_path / "bk"), "--format", "json")
    manifest = json.loads((tmp_path / "bk" / "manifest.json").read_text())
    assert manifest["database"] == "database.json" and manifest["media"]["mode"] == "copy"
    assert manifest["media"]["objects"] == [
        {"name": name, "size": 8, "sha256": hashlib.sha256(b"#EXTM3U\n").hexdigest()}
    ]
    assert (tmp_path / "bk" / "media" / name).read_bytes() == b"#EXTM3U\n"
    rows = json.loads((tmp_path / "bk" / "database.json").read_text())
    assert any(r["model"] == "videos.video" and r["fields"]["title"] == "Kept" for r in rows)

    with pytest.raises(CommandError, match="not empty"):
        call_command("backup", str(tmp_path / "bk"))
    # This database has tables and rows: a restore must not mix a back-up into it.
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(tmp_path / "bk"))


@pytest.mark.django_db
def test_media_left_to_versioning_needs_a_source_to_restore_from(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media-root")
    call_command("backup", str(tmp_path / "bk"), "--format", "json", "--media-to", "none")
    assert not (tmp_path / "bk" / "media").exists()
    with pytest.raises(CommandError, match="versioning"):
        call_command("restore", str(tmp_path / "bk"))
    with pytest.raises(CommandError, match="file:///path or s3://"):
        call_command("backup", str(tmp_path / "other"), "--media-to", "ftp://x")


@pytest.mark.django_db(transaction=True)
def test_a_json_backup_restores_into_an_empty_sqlite_database(tmp_path, settings):
    """The portable path: dumpdata, then migrate + loaddata into a new database elsewhere."""
    import subprocess
    import sys

    from tests.fixtures.processes import ROOT

    settings.MEDIA_ROOT = str(tmp_path / "media-root")
    video = VideoFactory(title="Portable")
    name = default_storage.save(f"{video.output_prefix}master.m3u8", ContentFile(b"#EXTM3U\n"))
    call_command("backup", str(tmp_path / "bk"), "--format", "json")
    env = {
        key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "REDIS_URL")
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "streamsite.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'restored.sqlite3'}",
        "STORAGE_URL": f"file://{tmp_path / 'restored-media'}",
    }
    restored = subprocess.run(
        [sys.executable, "manage.py", "restore", str(tmp_path / "bk")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert restored.returncode == 0, restored.stderr[-3000:]
    assert (tmp_path / "restored-media" / name).read_bytes() == b"#EXTM3U\n"
    shown = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c"]
        + [
            f"from apps.videos.models import Video; print(Video.objects.get(pk='{video.pk}').title)"
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert shown.stdout.strip().splitlines()[-1] == "Portable", shown.stderr[-2000:]
