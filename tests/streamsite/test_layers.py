"""The embedded channel layer hands sends from other threads' loops to its consumers' loop, and
a send handed over as that loop stops does not leave its sender waiting forever."""

from __future__ import annotations

import asyncio
import threading
import time

from streamsite.layers import ThreadSafeInMemoryChannelLayer


def _home_loop(layer: ThreadSafeInMemoryChannelLayer, channel: str):
    """A running loop in a thread of its own, the layer's home (a consumer joined from it)."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    asyncio.run_coroutine_threadsafe(layer.group_add("viewers", channel), loop).result(5)
    return loop, thread


def test_a_send_from_another_thread_reaches_the_home_loops_reader():
    layer = ThreadSafeInMemoryChannelLayer()
    loop, thread = _home_loop(layer, "socket.1")
    received = asyncio.run_coroutine_threadsafe(layer.receive("socket.1"), loop)

    asyncio.run(layer.group_send("viewers", {"type": "video.push", "text": "hi"}))

    assert received.result(5)["text"] == "hi"
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)


def test_a_send_handed_over_as_the_home_loop_stops_returns():
    layer = ThreadSafeInMemoryChannelLayer()
    loop, thread = _home_loop(layer, "socket.1")

    def stop_after_a_busy_moment() -> None:
        # The send is handed over while the loop still runs, and the loop stops before the
        # task that would deliver it gets a turn.
        time.sleep(0.3)
        loop.stop()

    loop.call_soon_threadsafe(stop_after_a_busy_moment)
    time.sleep(0.05)
    assert loop.is_running()

    async def send() -> None:
        await asyncio.wait_for(layer.group_send("viewers", {"type": "video.push"}), 5)

    asyncio.run(send())  # without the check, wait_for times out: the send never ran
    thread.join(5)
    assert not loop.is_running()
