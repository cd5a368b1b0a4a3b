"""Shared fixtures: factories, real services, a Daphne live server and a real Chromium."""

from __future__ import annotations

import os
import shutil

import pytest

# Playwright's sync API keeps an event loop on the test thread; the ORM calls that tests make
# between browser steps are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# Tests start pipeline workers themselves (the `pipeline_worker` fixture), so the live server
# must not run its own embedded ones against the test database.
os.environ.setdefault("STREAMSITE_NO_EMBEDDED_WORKER", "1")
# Commands the tests start (manage.py with streamsite.settings) run the development setup.
os.environ.setdefault("DEBUG", "1")

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

pytest_plugins = [
    "tests.fixtures.database",
    "tests.fixtures.live_server",
    "tests.fixtures.media",
    "tests.fixtures.pipeline",
    "tests.fixtures.live_ingest",
    "tests.fixtures.s3",
]


def pytest_collection_modifyitems(config, items):
    """Browser tests run last (in one process): their Chromium starts once per module, and the
    live server and pipeline fixtures they share stay warm."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


def require(condition: bool, what: str) -> None:
    """Skip when a service is missing on a developer's machine; fail under REQUIRE_SERVICES=1."""
    if condition:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"{what} is required (REQUIRE_SERVICES=1) but not available")
    pytest.skip(f"{what} not available")


def _reset_channel_layers() -> None:
    from channels.layers import channel_layers

    from apps.videos.delivery.fanout import hub

    channel_layers.backends.clear()
    hub.__init__()


@pytest.fixture(autouse=True)
def _fresh_channel_layers():
    """Each test starts with new channel layers and a new video-push hub. A layer's locks and
    connections belong to the event loop that first used them; tests run each scenario in an
    event loop of its own (and the live server runs another), and a lock still held in an
    earlier loop otherwise fails every later receive ("bound to a different event loop")."""
    _reset_channel_layers()
    yield
    _reset_channel_layers()


@pytest.fixture(scope="session")
def chromium_path() -> str:
    require(os.path.exists(CHROMIUM) or bool(shutil.which("chromium")), "Chromium")
    return CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")


@pytest.fixture(scope="module")
def browser(chromium_path):
    """One Chromium per test module: while Playwright's sync API is open, the main thread has a
    running event loop (AsyncToSync refuses to run there), so it is closed before the next
    module, which under pytest-xdist may be any test file."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=chromium_path,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--autoplay-policy=no-user-gesture-required",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_site):
    context = browser.new_context(base_url=live_site, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def user(db):
    from tests.factories import UserFactory

    return UserFactory()


@pytest.fixture
def creator(db):
    from tests.factories import CreatorFactory

    return CreatorFactory()


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def fresh_cache(settings):
    """The configured cache (Redis when REDIS_URL is set) under a key prefix of this test's
    own, so counters (throttles, lockouts, view windows) start from zero."""
    import copy
    import uuid

    caches = copy.deepcopy(settings.CACHES)
    for config in caches.values():
        config["KEY_PREFIX"] = f"test-{uuid.uuid4().hex}"
        if "LocMemCache" in config["BACKEND"]:
            config["LOCATION"] = config["KEY_PREFIX"]
    settings.CACHES = caches
