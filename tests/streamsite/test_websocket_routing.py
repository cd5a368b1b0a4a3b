"""A websocket handshake on a path with no route is refused cleanly, as a client error."""

from __future__ import annotations

import asyncio
import logging

import pytest
import websockets
from channels.testing import WebsocketCommunicator

from streamsite.asgi import application


def test_unrouted_path_is_refused_and_logged_as_a_client_error(caplog):
    async def scenario():
        comm = WebsocketCommunicator(
            application, "/ws/no-such-thing/", headers=[(b"origin", b"http://127.0.0.1")]
        )
        connected, code = await comm.connect()
        assert not connected
        assert code == 4404

    with caplog.at_level(logging.INFO):
        asyncio.run(scenario())
    refused = [r for r in caplog.records if r.getMessage() == "websocket path not found"]
    assert refused and refused[0].levelno == logging.WARNING
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.django_db(transaction=True)
def test_real_server_answers_an_unrouted_handshake_with_403_not_500(live_site):
    url = live_site.replace("http://", "ws://") + "/ws/no-such-thing/"

    async def scenario() -> int:
        try:
            async with websockets.connect(url, origin="http://127.0.0.1", open_timeout=10):
                return 101
        except websockets.InvalidStatus as exc:
            return exc.response.status_code

    assert asyncio.run(scenario()) == 403
