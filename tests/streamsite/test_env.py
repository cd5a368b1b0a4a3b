"""streamsite/env.py, the one reader of the environment: DATABASE_URL."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from streamsite.env import env_database


def test_sqlite_urls_relative_and_absolute(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "sqlite:///db.sqlite3")
    assert env_database("DATABASE_URL", "") == {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": "db.sqlite3",
    }
    monkeypatch.setenv("DATABASE_URL", "sqlite:////tmp/x.sqlite3")
    assert env_database("DATABASE_URL", "")["NAME"] == "/tmp/x.sqlite3"
    monkeypatch.delenv("DATABASE_URL")
    assert env_database("DATABASE_URL", "sqlite:////srv/d.db")["NAME"] == "/srv/d.db"


def test_postgres_url_with_quoted_password_and_options(monkeypatch):
    monkeypatch.setenv(
        "DATABASE_URL", "postgres://app:p%40ss%2Fw@db.example:6432/streamsite?sslmode=require"
    )
    assert env_database("DATABASE_URL", "") == {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "streamsite",
        "USER": "app",
        "PASSWORD": "p@ss/w",
        "HOST": "db.example",
        "PORT": "6432",
        "OPTIONS": {"sslmode": "require", "pool": {"min_size": 4, "max_size": 20, "timeout": 10}},
    }


def test_unknown_scheme_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "mysql://u@h/db")
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        env_database("DATABASE_URL", "")


def test_postgres_pool_is_sized_by_env_and_can_be_turned_off(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://app@db/streamsite")
    monkeypatch.setenv("DB_POOL_MAX", "2")
    monkeypatch.setenv("DB_POOL_TIMEOUT", "3")
    pool = env_database("DATABASE_URL", "")["OPTIONS"]["pool"]
    assert pool == {"min_size": 2, "max_size": 2, "timeout": 3}
    monkeypatch.setenv("DB_POOL_MAX", "0")
    assert "pool" not in env_database("DATABASE_URL", "")["OPTIONS"]
