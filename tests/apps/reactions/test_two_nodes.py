"""Two web nodes (real Daphne processes) over one Redis: a reaction sent to node A reaches a
viewer on node B; node A dies, B keeps serving, and A's viewers reconnect to B and catch up."""

from __future__ import annotations

import json
import signal

import pytest
import requests
from rest_framework.authtoken.models import Token
from websockets.exceptions import ConnectionClosed

from tests.factories import CreatorFactory, VideoFactory
from tests.fixtures.processes import process_env, start_daphne, stop

pytestmark = pytest.mark.slow
FIRE = "👍"


def _socket(base: str, video_id: str):
    from websockets.sync.client import connect

    url = f"{base.replace('http://', 'ws://')}/ws/videos/{video_id}/"
    return connect(url, origin=base, open_timeout=10)


def _next(sock, kind: str) -> dict:
    while True:
        message = json.loads(sock.recv(timeout=10))
        if message.get("type") == kind:
            return message


def test_a_reaction_crosses_nodes_and_viewers_of_a_dead_node_reconnect(transactional_db, tmp_path):
    video = VideoFactory()
    token = Token.objects.create(user=CreatorFactory()).key
    env = process_env()
    node_a, base_a = start_daphne(env, tmp_path / "a.log")
    node_b, base_b = start_daphne(env, tmp_path / "b.log")
    sockets = []
    try:
        on_a, on_b = _socket(base_a, video.id), _socket(base_b, video.id)
        sockets += [on_a, on_b]
        _next(on_a, "counts")
        _next(on_b, "counts")
        sent = requests.post(
            f"{base_a}/api/v1/videos/{video.id}/reactions/",
            json={"emoji": FIRE, "t": 1},
            headers={"Authorization": f"Token {token}"},
            timeout=10,
        )
        assert sent.status_code in (200, 201), sent.text
        arrived = _next(on_b, "reaction")
        assert arrived["burst"] == {FIRE: 1}

        stop(node_a, signal.SIGKILL)
        with pytest.raises(ConnectionClosed):
            while True:  # what A had sent before it died, then the drop
                on_a.recv(timeout=10)
        assert requests.get(f"{base_b}{video.get_absolute_url()}", timeout=10).status_code == 200
        # The page's socket reconnects (to B, the node left) and catches up from its snapshot.
        again = _socket(base_b, video.id)
        sockets.append(again)
        assert _next(again, "counts")["reactions"].get(FIRE) == 1
    finally:
        for sock in sockets:
            sock.close()
        stop(node_a, signal.SIGKILL)
        stop(node_b)
