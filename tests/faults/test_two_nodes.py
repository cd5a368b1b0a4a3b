"""Two web nodes over one PostgreSQL and one Redis: a reaction sent to node A reaches a viewer on
node B; node A killed, B keeps serving, and a page that was on A reconnects (through the
balancer) to B and catches up with what it missed."""

from __future__ import annotations

import asyncio
import json
import signal
import urllib.request

import pytest
import websockets
from playwright.sync_api import expect

from apps.broadcasts.services import broadcast_issue
from apps.users.services import token_get_or_create
from tests.factories import ModeratorFactory, UserFactory, VideoFactory
from tests.faults.balancer import FailoverBalancer
from tests.fixtures.processes import process_env, start_daphne, stop

pytestmark = [pytest.mark.redis]


class Node:
    def __init__(self, env: dict[str, str], log) -> None:
        self.process, self.base = start_daphne(env, log)
        self.port = int(self.base.rsplit(":", 1)[1])

    def kill(self) -> None:
        stop(self.process, signal.SIGKILL)


@pytest.fixture
def nodes(transactional_db, tmp_path):
    env = process_env()
    a = Node(env, tmp_path / "a.log")
    b = None
    try:
        b = Node(env, tmp_path / "b.log")
        yield a, b
    finally:
        a.kill()
        if b is not None:
            b.kill()


def _post(base: str, path: str, user, body: dict) -> int:
    request = urllib.request.Request(
        base + path, method="POST", data=json.dumps(body).encode(),
        headers={"Authorization": f"Token {token_get_or_create(user=user)}",
                 "Content-Type": "application/json"},
    )  # fmt: skip
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status


def test_a_reaction_on_one_node_reaches_a_viewer_on_the_other(nodes):
    a, b = nodes
    video = VideoFactory()
    sender = UserFactory()

    async def scenario() -> dict:
        ws_url = f"ws://127.0.0.1:{b.port}/ws/videos/{video.id}/"
        async with websockets.connect(ws_url, origin=b.base) as ws:
            await asyncio.wait_for(ws.recv(), 5)  # the snapshot: joined
            status = await asyncio.to_thread(
                _post, a.base, f"/api/v1/videos/{video.id}/reactions/", sender, {"emoji": "🔥"}
            )
            assert status == 200
            while True:
                message = json.loads(await asyncio.wait_for(ws.recv(), 10))
                if message["type"] == "reaction":
                    return message

    message = asyncio.run(scenario())
    assert message["emoji"] == "🔥" and message["counts"]["🔥"] == 1

    a.kill()
    with urllib.request.urlopen(f"{b.base}/watch/{video.id}/", timeout=10) as response:
        assert response.status == 200


@pytest.mark.browser
def test_pages_on_a_dead_node_reconnect_to_the_other_and_catch_up(nodes, browser):
    a, b = nodes
    balancer = FailoverBalancer([a.port, b.port])
    context = browser.new_context(base_url=f"http://127.0.0.1:{balancer.port}")
    try:
        page = context.new_page()
        page.goto("/")
        page.wait_for_function("() => document.getElementById('banners').dataset.socket === 'open'")
        page.evaluate("() => { window.__notReloaded = true; }")

        a.kill()  # the page's socket was on A: the balancer now only finds B
        page.wait_for_function(
            "() => document.getElementById('banners').dataset.socket !== 'open'", timeout=15_000
        )
        broadcast_issue(by=ModeratorFactory(), message="Issued while node A was down")

        expect(page.get_by_text("Issued while node A was down")).to_be_visible(timeout=30_000)
        page.wait_for_function("() => document.getElementById('banners').dataset.socket === 'open'")
        assert page.evaluate("() => window.__notReloaded === true")
        # The page keeps working against B: a reload is served.
        assert page.goto("/").status == 200
    finally:
        context.close()
        balancer.stop()
