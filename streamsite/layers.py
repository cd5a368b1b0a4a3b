"""The embedded default's channel layer: in memory, but safe to publish to from worker threads.

Channels' InMemoryChannelLayer keeps asyncio queues bound to the server's event loop. Pipeline
jobs run in worker threads, each `async_to_sync` call on a loop of its own, and their messages
would sit in a queue whose reader is never woken. This layer remembers the loop its consumers
live on and hands sends from any other loop over to it.

A send handed over as that loop stops (the server shutting down, a test's `asyncio.run`
ending) would never run: it is dropped, with the sockets it was for, instead of leaving the
sender (the reactions coalescer, a worker) waiting forever.
"""

from __future__ import annotations

import asyncio

from channels.layers import InMemoryChannelLayer

# How often a sender waiting on the home loop checks that the loop still runs.
HOME_CHECK_S = 0.25


class ThreadSafeInMemoryChannelLayer(InMemoryChannelLayer):
    _home: asyncio.AbstractEventLoop | None = None

    def _remember(self) -> None:
        if self._home is None or self._home.is_closed():
            self._home = asyncio.get_running_loop()

    async def _on_home(self, coro) -> None:
        home = self._home
        running = asyncio.get_running_loop()
        if home is None or home is running or home.is_closed() or not home.is_running():
            await coro
            return
        handed = asyncio.run_coroutine_threadsafe(coro, home)
        waiter = asyncio.wrap_future(handed)
        try:
            while not (await asyncio.wait({waiter}, timeout=HOME_CHECK_S))[0]:
                if home.is_closed() or not home.is_running():
                    handed.cancel()
                    return
        except asyncio.CancelledError:
            handed.cancel()
            raise
        if not waiter.cancelled():  # cancelled there: the loop shut down with its readers
            waiter.result()

    async def receive(self, channel):
        self._remember()
        return await super().receive(channel)

    async def group_add(self, group, channel):
        self._remember()
        return await super().group_add(group, channel)

    async def send(self, channel, message):
        await self._on_home(super().send(channel, message))

    async def group_send(self, group, message):
        await self._on_home(super().group_send(group, message))
