"""The PostgreSQL backend (django-prometheus's, for its metrics) with a connection pool that
fails fast while the database is unreachable and takes it back at once when it answers again.

psycopg's pool alone makes a request wait its whole `timeout` (DB_POOL_TIMEOUT, 10 s) for a
connection its background workers cannot make, and after an outage it reconnects only at its
next back-off step (1, 2, 4 … 128 s: up to two minutes after a long outage). Here, once a
connection attempt has failed, the clients waiting are told at once (503), and a request that
finds no idle connection tries to connect itself (within DB_CONNECT_TIMEOUT): refused, it fails
at once; accepted, the database is back and the new connection serves it, then joins the pool.
"""

from __future__ import annotations

from time import monotonic, sleep

import psycopg
from django.core.exceptions import ImproperlyConfigured
from django.db.backends.base.base import NO_DB_ALIAS
from django_prometheus.db.backends.postgresql import base
from psycopg_pool import ConnectionPool, PoolTimeout

# A connection that fails its check makes the next one wait this long (not the pool's back-off
# of 1, 2, 4 … s): after a crash every idle connection is broken and is thrown away in turn.
CHECK_RETRY_S = 0.05
TOO_MANY_CONNECTIONS = "53300"


class FailFastPool(ConnectionPool):
    unreachable = False  # the last connection attempt failed

    def _connect(self, timeout: float | None = None):
        try:
            conn = super()._connect(timeout)
        except psycopg.Error as exc:
            if exc.sqlstate == TOO_MANY_CONNECTIONS:  # the server is up: wait for a connection
                raise
            self.unreachable = True
            with self._lock:
                waiting = list(self._waiting)
                self._waiting.clear()
            for client in waiting:
                client.fail(psycopg.OperationalError(f"database unreachable: {exc}"))
            raise
        self.unreachable = False
        return conn

    def getconn(self, timeout: float | None = None):
        deadline = monotonic() + (self.timeout if timeout is None else timeout)
        self._check_open_getconn()
        while True:
            if self.unreachable and not self._pool:
                return self._connect_now()
            try:
                conn = self._getconn_unchecked(deadline - monotonic())
            except PoolTimeout:
                raise PoolTimeout(f"couldn't get a connection after {self.timeout} s") from None
            try:
                self._check_connection(conn)
            except Exception:  # noqa: BLE001 - broken: the pool replaces it, we take another
                self._putconn(conn, from_getconn=True)
                sleep(CHECK_RETRY_S)
                continue
            return conn

    def _connect_now(self):
        """A connection made for this request, outside the pool's back-off; raises at once
        while the server refuses. It is counted in the pool, which keeps it when returned."""
        conn = self._connect()
        with self._lock:
            self._nconns += 1
        return conn


class DatabaseWrapper(base.DatabaseWrapper):
    @property
    def pool(self):
        """Django's own pool property (5.2), building a FailFastPool."""
        pool_options = self.settings_dict["OPTIONS"].get("pool")
        if self.alias == NO_DB_ALIAS or not pool_options:
            return None
        if self.alias not in self._connection_pools:
            if self.settings_dict.get("CONN_MAX_AGE", 0) != 0:
                raise ImproperlyConfigured("Pooling doesn't support persistent connections.")
            connect_kwargs = self.get_connection_params()
            connect_kwargs["autocommit"] = True
            pool = FailFastPool(
                kwargs=connect_kwargs,
                open=False,
                configure=self._configure_connection,
                check=ConnectionPool.check_connection
                if self.settings_dict["CONN_HEALTH_CHECKS"]
                else None,
                **({} if pool_options is True else pool_options),
            )
            self._connection_pools.setdefault(self.alias, pool)
        return self._connection_pools[self.alias]
