"""Back-up and restore (`manage.py backup DEST`, `manage.py restore SRC`).

A back-up is a directory: the database (`database.pgdump` from pg_dump's custom format on
PostgreSQL, or `database.json` from dumpdata, the portable fallback), `manifest.json` listing
every media object with its size and SHA-256, and, unless the bucket's own versioning keeps
the media (`--media none`), a copy of every object: in `DEST/media/` or in another storage
(`--media-to s3://backup-bucket?…`, bucket to bucket through the storage API). Restoring puts the
database into an empty one and the objects into the configured storage, each checked against
the manifest.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from django.apps import apps
from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import FileSystemStorage, Storage, default_storage
from django.core.management import call_command
from django.db import connection

MANIFEST = "manifest.json"
PG_DUMP = "database.pgdump"
JSON_DUMP = "database.json"
CHUNK = 1024 * 1024
# Rows that migrate makes itself: loading them again from JSON would clash.
_JSON_EXCLUDE = ["contenttypes", "auth.permission", "sessions", "admin.logentry"]


class BackupError(Exception):
    pass


@dataclass(frozen=True)
class MediaObject:
    name: str
    size: int
    sha256: str


def storage_for_url(url: str) -> Storage:
    """`file:///path` or `s3://bucket?endpoint_url=…&region=…` (credentials from AWS_*)."""
    parsed = urlparse(url)
    if parsed.scheme == "file":
        return FileSystemStorage(location=parsed.path, allow_overwrite=True)
    if parsed.scheme == "s3":
        from storages.backends.s3 import S3Storage

        query = {k: v[-1] for k, v in parse_qs(parsed.query).items()}
        return S3Storage(
            bucket_name=parsed.netloc,
            location=parsed.path.strip("/"),
            endpoint_url=query.get("endpoint_url"),
            region_name=query.get("region"),
            file_overwrite=True,
            default_acl=None,
        )
    raise BackupError(f"{url!r}: use file:///path or s3://bucket?endpoint_url=…")


def walk(storage: Storage, prefix: str = "") -> Iterator[str]:
    """Every object name in a storage, depth first."""
    try:
        dirs, files = storage.listdir(prefix)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{prefix}{name}"
    for directory in sorted(dirs):
        yield from walk(storage, f"{prefix}{directory}/")


def _copy(source: Storage, target: Storage | None, name: str) -> MediaObject:
    """Read one object, hashing it, and given a target write it there under the same name
    (through a temp file: storages may read a file more than once while saving it)."""
    digest = hashlib.sha256()
    size = 0
    with source.open(name, "rb") as fh, tempfile.TemporaryFile() as spool:
        for block in iter(lambda: fh.read(CHUNK), b""):
            digest.update(block)
            size += len(block)
            if target is not None:
                spool.write(block)
        if target is not None:
            spool.seek(0)
            stored = target.save(name, File(spool, name=name))
            if stored != name:
                raise BackupError(f"{name}: the target storage renamed it to {stored}.")
    return MediaObject(name=name, size=size, sha256=digest.hexdigest())


def _pg_env(db: dict) -> tuple[list[str], dict[str, str]]:
    args = ["-h", db["HOST"] or "127.0.0.1", "-p", str(db["PORT"] or 5432), "-U", db["USER"]]
    env = {**os.environ, "PGPASSWORD": db["PASSWORD"] or "", "PGCONNECT_TIMEOUT": "10"}
    return args, env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} is not installed (PostgreSQL client tools).")
    return found


def dump_database(dest: Path, fmt: str) -> str:
    if fmt == "pg":
        args, env = _pg_env(connection.settings_dict)
        name = connection.settings_dict["NAME"]
        argv = [_tool("pg_dump"), *args, "-Fc", "--no-owner", "--no-privileges"]
        subprocess.run([*argv, "-f", str(dest / PG_DUMP), name], env=env, check=True, timeout=3600)
        return PG_DUMP
    # Models without a table of their own (a permission carrier, say) have no rows to keep.
    unmanaged = [m._meta.label for m in apps.get_models() if not m._meta.managed]
    with open(dest / JSON_DUMP, "w", encoding="utf-8") as out:
        call_command(
            "dumpdata",
            exclude=[*_JSON_EXCLUDE, *unmanaged],
            natural_foreign=True,
            natural_primary=True,
            stdout=out,
        )
    return JSON_DUMP


def _database_is_empty() -> bool:
    with connection.cursor() as cursor:
        return not [t for t in connection.introspection.table_names(cursor)]


def restore_database(src: Path, dump: str) -> None:
    if not _database_is_empty():
        raise BackupError("The database is not empty: restore into a new, empty database.")
    if dump == PG_DUMP:
        if connection.vendor != "postgresql":
            raise BackupError("A pg_dump back-up restores into PostgreSQL only.")
        args, env = _pg_env(connection.settings_dict)
        argv = [_tool("pg_restore"), *args, "--no-owner", "--no-privileges", "--exit-on-error"]
        connection.close()
        argv += ["-d", connection.settings_dict["NAME"], str(src / dump)]
        subprocess.run(argv, env=env, check=True, timeout=3600)
        return
    call_command("migrate", interactive=False, verbosity=0)
    call_command("loaddata", str(src / dump), verbosity=0)


def backup(
    dest: Path,
    *,
    media_to: str | None,
    fmt: str | None = None,
    progress: Callable[[str], None] = lambda _: None,
) -> dict:
    """Write a back-up to `dest` (a new or empty directory); return its manifest."""
    dest.mkdir(parents=True, exist_ok=True)
    if any(dest.iterdir()):
        raise BackupError(f"{dest} is not empty.")
    if media_to == "none":
        target, mode = None, "versioning"
    else:
        target = storage_for_url(media_to or f"file://{(dest / 'media').resolve()}")
        mode = "copy"
    fmt = fmt or ("pg" if connection.vendor == "postgresql" else "json")
    database = dump_database(dest, fmt)
    progress(f"database: {database}")
    objects = [_copy(default_storage, target, name) for name in walk(default_storage)]
    progress(f"media: {len(objects)} objects ({mode})")
    manifest = {
        "created_at": datetime.now(UTC).isoformat(),
        "database": database,
        "media": {
            "mode": mode,
            "location": media_to if media_to not in (None, "none") else "media/",
            "objects": [o.__dict__ for o in objects],
        },
        "media_storage": settings.STORAGES["default"]["BACKEND"],
    }
    (dest / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return manifest


def restore(src: Path, *, media_from: str | None) -> dict:
    """Restore `src` into the configured (empty) database and storage; return the manifest."""
    manifest = json.loads((src / MANIFEST).read_text(encoding="utf-8"))
    media = manifest["media"]
    if media_from is None and media["mode"] != "copy":
        raise BackupError(
            "The media were left to the bucket's versioning: give --media-from (a bucket "
            "restored to the back-up's time)."
        )
    source = storage_for_url(media_from or f"file://{(src / 'media').resolve()}")
    restore_database(src, manifest["database"])
    for entry in media["objects"]:
        copied = _copy(source, default_storage, entry["name"])
        if (copied.size, copied.sha256) != (entry["size"], entry["sha256"]):
            raise BackupError(f"{entry['name']}: differs from the manifest (size or SHA-256).")
    return manifest
