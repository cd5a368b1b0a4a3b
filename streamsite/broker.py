"""The one place the Dramatiq broker is configured.

Embedded default (no BROKER_URL or REDIS_URL): a StubBroker consumed by worker threads inside
the server process (`start_embedded_worker`). Production: Redis (`BROKER_URL=redis://…`, or
REDIS_URL alone) or RabbitMQ (`BROKER_URL=amqp://…`), consumed by `manage.py worker` processes on
any number of hosts. Either redelivers a job whose worker died before acknowledging it: RabbitMQ
as soon as the worker's connection drops, Redis after DRAMATIQ_HEARTBEAT_TIMEOUT_MS.
"""

from __future__ import annotations

import logging
import os
import threading
from collections import Counter
from itertools import chain

import dramatiq
import pika.exceptions
from django.conf import settings
from django.db import close_old_connections, connections
from dramatiq.brokers.rabbitmq import RabbitmqBroker
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker
from dramatiq.middleware import (
    AgeLimit,
    Callbacks,
    CurrentMessage,
    Pipelines,
    Retries,
    ShutdownNotifications,
    TimeLimit,
)

from streamsite.app_modules import app_modules

logger = logging.getLogger(__name__)
_lock = threading.Lock()
_embedded_worker: dramatiq.Worker | None = None


class DbConnections(dramatiq.Middleware):
    """Worker threads are not request threads: close their database connections as Django
    would around a request, or they go stale (and keep test databases busy after a run)."""

    def before_process_message(self, broker, message) -> None:
        close_old_connections()

    def after_process_message(self, broker, message, *, result=None, exception=None) -> None:
        close_old_connections()

    def after_skip_message(self, broker, message) -> None:
        close_old_connections()

    def after_worker_thread_shutdown(self, broker, thread) -> None:
        connections.close_all()


class Outstanding(dramatiq.Middleware):
    """Messages enqueued in this process and not yet acknowledged. The in-memory broker is
    consumed only here, and cannot list what its worker threads have fetched (waiting in their
    buffer or running): the pipeline's watchdog must know that work is still coming."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._live: Counter[str] = Counter()
        self._messages: dict[str, dramatiq.Message] = {}

    def after_enqueue(self, broker, message, delay) -> None:
        with self._lock:
            self._live[message.message_id] += 1
            self._messages[message.message_id] = message

    def after_ack(self, broker, message) -> None:
        self._settled(message)

    def after_nack(self, broker, message) -> None:
        self._settled(message)

    def _settled(self, message) -> None:
        with self._lock:
            self._live[message.message_id] -= 1
            if self._live[message.message_id] <= 0:
                del self._live[message.message_id]
                self._messages.pop(message.message_id, None)

    def messages(self) -> list[dramatiq.Message]:
        with self._lock:
            return list(self._messages.values())

    def clear(self) -> None:
        with self._lock:
            self._live.clear()
            self._messages.clear()


class _RabbitmqBroker(RabbitmqBroker):
    """Dramatiq 2.2.1's close() iterates its live sets of channels and connections while the
    worker's threads, still shutting down, remove theirs: "Set changed size during iteration",
    and a worker stopped by SIGTERM exited 1 after handing its job back. Closes a snapshot."""

    def close(self) -> None:
        for channel_or_conn in [*self.channels, *self.connections]:
            try:
                channel_or_conn.close()
            except pika.exceptions.AMQPError:
                pass  # already closed or the server is gone: nothing left to release


class EmbeddedBroker(StubBroker):
    """The in-memory broker of the embedded default, which knows its outstanding messages."""

    def __init__(self) -> None:
        self.outstanding = Outstanding()
        super().__init__(middleware=[*_middleware(), self.outstanding])

    def flush_all(self) -> None:
        super().flush_all()
        self.outstanding.clear()


def outstanding_messages() -> list[dramatiq.Message] | None:
    """Every message enqueued and not yet acknowledged: waiting, delayed for a retry, or being
    processed (Redis keeps a message in its queue's hash until the worker acknowledges it).
    None when the broker cannot list them and holds some: RabbitMQ only counts its messages."""
    broker = dramatiq.get_broker()
    if isinstance(broker, RabbitmqBroker):
        import_actor_modules()
        for name in broker.get_declared_queues():
            ready, delayed, _dead = broker.get_queue_message_counts(name)
            if ready or delayed:
                return None
        return []
    if isinstance(broker, RedisBroker):
        # Queues are declared as actors are imported: a web process may not have yet, and a
        # queue it does not know of would look empty.
        import_actor_modules()
        names = chain(broker.get_declared_queues(), broker.get_declared_delay_queues())
        return [
            dramatiq.Message.decode(data)
            for name in names
            for data in broker.client.hvals(f"{broker.namespace}:{name}.msgs")
        ]
    if isinstance(broker, EmbeddedBroker):
        return broker.outstanding.messages()
    return []


def _middleware() -> list:
    return [
        AgeLimit(),
        TimeLimit(),
        ShutdownNotifications(),
        Callbacks(),
        Pipelines(),
        Retries(min_backoff=2_000, max_backoff=120_000),
        CurrentMessage(),
        DbConnections(),
    ]


def is_rabbitmq(url: str) -> bool:
    return url.startswith(("amqp://", "amqps://"))


def setup_broker() -> dramatiq.Broker:
    broker: dramatiq.Broker
    if is_rabbitmq(settings.BROKER_URL):
        # Durable queues, persistent messages, and a send returns once RabbitMQ has the
        # message (publisher confirms): an enqueue that returned is not lost in a restart.
        broker = _RabbitmqBroker(
            url=settings.BROKER_URL, middleware=_middleware(), confirm_delivery=True
        )
    elif settings.BROKER_URL:
        broker = RedisBroker(
            url=settings.BROKER_URL,
            namespace=settings.DRAMATIQ_NAMESPACE,
            middleware=_middleware(),
            # A worker that stops heart-beating (SIGKILL, lost machine) has its unacknowledged
            # messages re-queued for the others after this long.
            heartbeat_timeout=settings.DRAMATIQ_HEARTBEAT_TIMEOUT_MS,
            maintenance_chance=settings.DRAMATIQ_MAINTENANCE_CHANCE,
        )
    else:
        broker = EmbeddedBroker()
        broker.emit_after("process_boot")
    dramatiq.set_broker(broker)
    return broker


def is_embedded() -> bool:
    return not settings.BROKER_URL


# Set by `manage.py worker` in its chunk workers when it also runs a pool for the short queues.
SHORT_JOB_POOL_ENV = "STREAMSITE_SHORT_JOB_POOL"


def short_jobs_have_own_pool() -> bool:
    """Whether a short job queued now starts at once on workers of its own. Not in the embedded
    worker (or a single custom pool): there it waits behind the chunks its threads fetched."""
    return os.environ.get(SHORT_JOB_POOL_ENV) == "1"


def start_embedded_worker(threads: int | None = None) -> dramatiq.Worker | None:
    """Consume the in-memory queues in this process; a no-op when a real broker is configured."""
    global _embedded_worker
    if not is_embedded():
        return None
    with _lock:
        if _embedded_worker is None:
            import_actor_modules()
            worker = dramatiq.Worker(
                dramatiq.get_broker(),
                worker_threads=threads or settings.EMBEDDED_WORKER_THREADS,
                worker_timeout=100,
            )
            worker.start()
            _embedded_worker = worker
            logger.info("embedded worker started", extra={"threads": worker.worker_threads})
    return _embedded_worker


def stop_embedded_worker() -> None:
    global _embedded_worker
    with _lock:
        if _embedded_worker is not None:
            stop_worker(_embedded_worker, timeout_ms=5_000)
            _embedded_worker = None


def stop_worker(worker: dramatiq.Worker, timeout_ms: int = 10_000) -> None:
    """Stop an in-process worker and detach it from the broker: Dramatiq leaves its hook
    installed, and a later queue declaration would start consumers for the stopped worker."""
    worker.stop(timeout=timeout_ms)
    worker.broker.middleware[:] = [
        m for m in worker.broker.middleware if getattr(m, "worker", None) is not worker
    ]


def import_actor_modules() -> None:
    """Actors register themselves with the broker on import; workers need all of them."""
    app_modules("actors")


def ping() -> None:
    """Raise if the broker cannot be reached (used by /readyz)."""
    broker = dramatiq.get_broker()
    if isinstance(broker, RedisBroker):
        broker.client.ping()
    elif isinstance(broker, RabbitmqBroker):
        try:
            # This thread's connection: a dead one raises here, and is replaced next time.
            broker.connection.process_data_events(time_limit=0)
        except Exception:
            del broker.connection
            raise
