"""The one reader of the environment: small typed readers, so settings.py reads as a list of
decisions, and each bad value is a clear error naming the variable."""

from __future__ import annotations

import ipaddress
import json
import os
from urllib.parse import parse_qsl, unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"{name}={raw!r} is not a boolean (use 1/0, true/false)")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ValueError(f"{name}={raw!r} is not an integer") from exc


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ValueError(f"{name}={raw!r} is not a number") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_networks(name: str, default: list[str]) -> list[str]:
    """Addresses or networks (`10.0.0.0/8`), each checked now rather than at first use."""
    networks = env_list(name, default)
    for network in networks:
        try:
            ipaddress.ip_network(network, strict=False)
        except ValueError as exc:
            raise ImproperlyConfigured(f"{name}: {exc}") from exc
    return networks


def env_json_list(name: str) -> list | None:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None

    try:
        value = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ImproperlyConfigured(f"{name} is not valid JSON: {exc}") from exc
    if not isinstance(value, list):
        raise ImproperlyConfigured(f"{name} must be a JSON list")
    return value


_POSTGRES_SCHEMES = {"postgres", "postgresql", "pgsql"}


def env_database(name: str, default: str) -> dict:
    """DATABASE_URL as Django's DATABASES entry: `sqlite:///relative.db`, `sqlite:////abs.db`,
    `postgres://user:password@host:port/name?sslmode=require` (query items become OPTIONS).

    PostgreSQL goes through psycopg's pool of at most `DB_POOL_MAX` connections per process (20;
    0 turns the pool off), waiting `DB_POOL_TIMEOUT` seconds (10) for one: the web process's
    WEB_THREADS request threads, websockets' database work and the reactions coalescer share
    it, and without it every thread keeps a connection of its own."""
    raw = os.environ.get(name) or default
    url = urlparse(raw)
    if url.scheme == "sqlite":
        # sqlite:///db.sqlite3 is relative, sqlite:////tmp/db.sqlite3 absolute.
        path = unquote(url.path[1:]) if url.path.startswith("/") else unquote(url.path)
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": path or ":memory:"}
    if url.scheme not in _POSTGRES_SCHEMES:
        raise ImproperlyConfigured(f"{name}: use postgres://… or sqlite:///…, not {url.scheme!r}")
    try:
        port = url.port
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} has an invalid port") from exc
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(url.path[1:]),
        "USER": unquote(url.username or ""),
        "PASSWORD": unquote(url.password or ""),
        "HOST": unquote(url.hostname or ""),
        "PORT": str(port or ""),
        "OPTIONS": dict(parse_qsl(url.query)) | _pool(),
    }


def _pool() -> dict:
    size = int(os.environ.get("DB_POOL_MAX") or 20)
    if size <= 0:
        return {}
    timeout = int(os.environ.get("DB_POOL_TIMEOUT") or 10)
    return {"pool": {"min_size": min(4, size), "max_size": size, "timeout": timeout}}
