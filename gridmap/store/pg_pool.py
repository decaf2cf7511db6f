"""Connections for the PostGIS store: URL parsing, a small thread-safe pool, errors.

A connection is only ever used by one thread at a time (Streamlit runs sessions in
threads). Server-side prepared statements are off, so a transaction-mode pgbouncer
can sit in between. Passwords never appear in messages.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg.conninfo import conninfo_to_dict
from psycopg.pq import TransactionStatus
from psycopg.types.string import TextLoader

from gridmap.store.errors import StoreError

# A pooled connection idle for longer than this is pinged before it is reused.
_PING_AFTER_S = 30.0


def _conninfo(url: str) -> str:
    """A libpq connection URL from a gridmap store URL."""
    for prefix in ("postgresql+psycopg://", "postgres+psycopg://"):
        if url.startswith(prefix):
            return "postgresql://" + url.removeprefix(prefix)
    if url.startswith(("postgresql://", "postgres://")):
        return url
    raise StoreError(f"not a PostgreSQL URL: {_mask(url)!r}; use postgresql://user@host:port/database")


def _mask(url: str) -> str:
    """The URL without its password, for messages and ``repr``."""
    try:
        params = conninfo_to_dict(url.replace("+psycopg", ""))
    except psycopg.ProgrammingError:
        return "postgresql://<unparsable URL>"
    user = f"{params['user']}@" if params.get("user") else ""
    port = f":{params['port']}" if params.get("port") else ""
    return f"postgresql://{user}{params.get('host', '')}{port}/{params.get('dbname', '')}"


class _Pool:
    """A few idle connections kept for reuse; each is lent to one thread at a time."""

    def __init__(self, conninfo: str, display: str, max_idle: int = 4) -> None:
        self._conninfo = conninfo
        self._display = display
        self._max_idle = max_idle
        self._idle: list[tuple[psycopg.Connection, float]] = []
        self._lock = threading.Lock()
        self._closed = False

    def _connect(self) -> psycopg.Connection:
        options: dict[str, Any] = {"autocommit": True, "prepare_threshold": None}
        if "connect_timeout" not in conninfo_to_dict(self._conninfo):
            options["connect_timeout"] = 10
        try:
            conn = psycopg.connect(self._conninfo, application_name="gridmap", **options)
        except psycopg.OperationalError as exc:
            raise StoreError(f"cannot connect to PostgreSQL at {self._display}: {_first_line(exc)}") from exc
        # jsonb comes back as its text, exactly like the SQLite backend's TEXT column,
        # so base.decode_frame parses both the same way.
        conn.adapters.register_loader("jsonb", TextLoader)
        return conn

    def _take(self) -> psycopg.Connection:
        while True:
            with self._lock:
                if self._closed:
                    raise StoreError(f"the store {self._display} is closed")
                if not self._idle:
                    break
                conn, since = self._idle.pop()
            if _usable(conn, time.monotonic() - since):
                return conn
            conn.close()
        return self._connect()

    def _give_back(self, conn: psycopg.Connection) -> None:
        healthy = not conn.closed and not conn.broken and conn.info.transaction_status == TransactionStatus.IDLE
        with self._lock:
            if healthy and not self._closed and len(self._idle) < self._max_idle:
                self._idle.append((conn, time.monotonic()))
                return
        conn.close()

    @contextmanager
    def connection(self) -> Iterator[psycopg.Connection]:
        conn = self._take()
        try:
            yield conn
        finally:
            self._give_back(conn)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for conn, _ in idle:
            conn.close()


def _usable(conn: psycopg.Connection, idle_s: float) -> bool:
    if conn.closed or conn.broken:
        return False
    if idle_s < _PING_AFTER_S:
        return True
    try:
        conn.execute("SELECT 1")
    except psycopg.Error:
        return False
    return True


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


@contextmanager
def _db_errors(what: str) -> Iterator[None]:
    """Turn constraint and data errors into a StoreError naming ``what``."""
    try:
        yield
    except psycopg.errors.UniqueViolation as exc:
        raise StoreError(f"{what}: {_first_line(exc)} (an id already exists?)") from exc
    except (psycopg.IntegrityError, psycopg.DataError) as exc:
        raise StoreError(f"{what}: {_first_line(exc)}") from exc
