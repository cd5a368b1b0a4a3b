"""Settings are read at import, so each case runs Django in a fresh interpreter."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "x7Gq!p2Lr9#vN4tZ8wK1mB6yH3cF0sJ5dA-eU_oI*gT&lQ^R%nV",
    "ALLOWED_HOSTS": "video.example.com",
    "DATABASE_URL": "sqlite:////tmp/streamsite-deploy-check.sqlite3",
}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    dropped = {*PRODUCTION, "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    clean["DJANGO_SETTINGS_MODULE"] = "streamsite.settings"
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_debug_off_refuses_to_start_without_secret_key():
    result = _manage("check", env={**PRODUCTION, "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG=0" in result.stderr


def test_nothing_set_refuses_to_start_with_a_clear_message():
    """DEBUG is off unless set, so a bare start is production: it needs a SECRET_KEY."""
    result = _manage("check", env={})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
    assert "DEBUG=1 for local development" in result.stderr
    assert _manage("check", env={"DEBUG": "1"}).returncode == 0


def test_production_settings_pass_the_deploy_check_without_warnings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr


def test_invalid_boolean_is_a_clear_error():
    result = _manage("check", env={"DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DEBUG='maybe' is not a boolean" in result.stderr


def test_production_static_build_succeeds(tmp_path):
    """The Docker image runs this: hashed, manifest-checked names for every static file."""
    result = _manage(
        "collectstatic", "--noinput", env={**PRODUCTION, "STATIC_ROOT": str(tmp_path / "static")}
    )
    assert result.returncode == 0, result.stderr[-2000:]
    manifest = (tmp_path / "static" / "staticfiles.json").read_text()
    assert "vendor/hls.js/hls.min.js" in manifest and "js/player.js" in manifest
