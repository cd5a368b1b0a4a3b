"""The HTTP handler (streamsite/http.py): a sync view's request runs whole on one of a few reused
threads; async views, request bodies and streamed responses work as under Django's handler."""

from __future__ import annotations

import asyncio
import threading

import pytest
from asgiref.testing import ApplicationCommunicator
from django.core import signals

from streamsite.asgi import application


def _scope(path: str, method: str = "GET", headers=()) -> dict:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1"), *headers],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 80),
    }


async def _request(path: str, method: str = "GET", body: bytes = b"", headers=()) -> tuple:
    app = ApplicationCommunicator(application, _scope(path, method, headers))
    await app.send_input({"type": "http.request", "body": body, "more_body": False})
    start = await app.receive_output(timeout=20)
    content = b""
    while True:
        message = await app.receive_output(timeout=20)
        content += message.get("body", b"")
        if not message.get("more_body"):
            break
    await app.wait(timeout=5)
    return start["status"], dict(start["headers"]), content


@pytest.fixture
def request_threads():
    """Which thread each request started and finished on."""
    seen: list[tuple[str, str]] = []

    def started(**kwargs) -> None:
        seen.append(("started", threading.current_thread().name))

    def finished(**kwargs) -> None:
        seen.append(("finished", threading.current_thread().name))

    signals.request_started.connect(started)
    signals.request_finished.connect(finished)
    yield seen
    signals.request_started.disconnect(started)
    signals.request_finished.disconnect(finished)


# The pool's threads outlive a test: one may hold a connection an earlier test's live server
# opened, which the request-started signal checks.
@pytest.mark.django_db(transaction=True)
def test_a_sync_view_runs_whole_on_one_reused_thread(request_threads, settings):
    async def scenario():
        for _ in range(30):
            status, _, content = await _request("/healthz")
            assert status == 200 and content == b"ok\n"

    asyncio.run(scenario())
    assert len(request_threads) == 60
    pairs = list(zip(request_threads[::2], request_threads[1::2], strict=True))
    assert all(s == "started" and f == ("finished", t) for (s, t), f in pairs)
    # The pool's threads, never more of them than WEB_THREADS: Django's own handler starts a
    # thread per request, thirty for thirty requests.
    names = {t for _, t in request_threads}
    assert all(name.startswith("http_") for name in names), names
    assert len(names) <= settings.WEB_THREADS < 30


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_share_the_pool_and_all_answer():
    async def scenario():
        return await asyncio.gather(*(_request("/healthz") for _ in range(40)))

    results = asyncio.run(scenario())
    assert [status for status, _, _ in results] == [200] * 40


@pytest.mark.django_db(transaction=True)
def test_a_posted_body_reaches_the_view_and_errors_are_answered():
    async def scenario():
        refused = await _request(
            "/api/v1/auth/token/",
            "POST",
            body := b'{"username": "nobody", "password": "wrong"}',
            [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))],
        )
        missing = await _request("/no/such/page/")
        return refused, missing

    (status, headers, content), (missing, _, _) = asyncio.run(scenario())
    assert status == 400 and b"Unable to sign in" in content
    assert headers[b"Content-Type"].startswith(b"application/json")
    assert missing == 404


@pytest.mark.django_db(transaction=True)
def test_an_async_view_keeps_the_event_loop_path():
    status, _, content = asyncio.run(_request("/readyz"))
    assert status in (200, 503) and b"database" in content
