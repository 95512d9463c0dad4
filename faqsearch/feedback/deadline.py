"""How long the feedback store may wait on its database, and what enforces each bound.

A PostgreSQL server that stops answering (frozen, overloaded, behind a dead link) must cost a
visitor's request a few seconds at most, never a thread for good. Each wait has its own bound:

- opening a connection: psycopg's ``connect_timeout``, enforced by psycopg itself;
- a free connection of the pool: SQLAlchemy's ``pool_timeout``;
- a statement or a lock on a live server: PostgreSQL's ``statement_timeout`` and ``lock_timeout``;
- a peer host that vanished: TCP keepalives;
- a server whose process is stopped (``SIGSTOP``) or hung: nothing of the above. Its kernel still
  accepts the query and acknowledges keepalives, and its own timers do not run, so a read would
  wait for ever. :func:`transaction` arms a timer that shuts the connection's socket down when
  the operation overruns: the waiting read then fails at once and the connection is discarded.
"""

from __future__ import annotations

import os
import socket
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout


@dataclass(frozen=True)
class DatabaseLimits:
    """Seconds each wait on the database may last, and how many threads may wait at once.

    ``operation_s`` bounds one whole transaction (connection, statements, commit); the finer
    bounds are below it so that a live but slow server reports its own error first.
    ``concurrent`` threads at most are inside database work at once: the next one is refused at
    once (the HTTP service answers 503) instead of holding a thread that searches need. Ten, as
    many as a PostgreSQL pool's connections, leaves 30 of the service's 40 threads to searches;
    fewer refused healthy writes under heavy CPU load (each write then lasts longer).
    """

    connect_s: float = 3.0
    pool_s: float = 2.0
    statement_s: float = 3.0
    lock_s: float = 2.0
    operation_s: float = 5.0
    concurrent: int = 10

    def __post_init__(self):
        waits = (self.connect_s, self.pool_s, self.statement_s, self.lock_s, self.operation_s)
        if min(waits) <= 0 or self.concurrent < 1:
            raise ValueError("every timeout must be greater than 0 and concurrent at least 1. "
                             f"Currently, the timeouts are {waits} and concurrent is {self.concurrent}.")


class DatabaseTimeout(RuntimeError):
    """The database did not answer within a bound of :class:`DatabaseLimits`; asking again at once
    would only make the caller wait twice as long."""


class _SocketTimer:
    """Shut the socket of a DBAPI connection down after ``seconds``, unless cancelled first."""

    def __init__(self, dbapi_connection, seconds: float):
        self.fired = False
        self._lock = threading.Lock()
        fileno = getattr(dbapi_connection, "fileno", None)  # psycopg has one; sqlite3 (no socket) not
        self._fd = fileno() if callable(fileno) else -1
        self._timer = threading.Timer(seconds, self._fire) if self._fd >= 0 else None
        if self._timer is not None:
            self._timer.daemon = True
            self._timer.start()

    def _fire(self) -> None:
        with self._lock:
            if self._fd < 0:
                return
            self.fired = True
            # A duplicate of the descriptor: shutting it down acts on the socket both share, and
            # closing it leaves the driver's own descriptor valid (the driver closes that one).
            with socket.socket(fileno=os.dup(self._fd)) as shared:
                try:
                    shared.shutdown(socket.SHUT_RDWR)
                except OSError:  # already closed by the peer: the read fails anyway
                    pass

    def cancel(self) -> None:
        with self._lock:
            self._fd = -1  # once the operation is over the descriptor may be reused: never touch it
        if self._timer is not None:
            self._timer.cancel()


def lock_busy(exc: BaseException) -> bool:
    """True when ``exc`` (or the error behind it) is PostgreSQL's ``lock_timeout``: a lock another
    session holds, on a server that answers."""
    try:
        from psycopg import errors
    except ImportError:  # SQLite only
        return False
    while exc is not None:
        if isinstance(getattr(exc, "orig", None), errors.LockNotAvailable):
            return True
        exc = exc.__cause__
    return False


def _timed_out(exc: BaseException) -> bool:
    """True for a bound of :class:`DatabaseLimits` reached: pool, connection, statement or lock."""
    if isinstance(exc, PoolTimeout):
        return True
    try:
        from psycopg import errors
    except ImportError:  # SQLite only: none of these errors can occur
        return False
    return isinstance(getattr(exc, "orig", None), (errors.ConnectionTimeout, errors.QueryCanceled,
                                                   errors.LockNotAvailable))


@contextmanager
def transaction(engine: Engine, seconds: float) -> Iterator[Connection]:
    """A connection of ``engine`` in one transaction that may last ``seconds`` once connected.

    Getting the connection has its own bounds (the pool's and the driver's, see :func:`connect`
    in :mod:`faqsearch.feedback.database`). Raises :class:`DatabaseTimeout` when a bound is
    reached (the transaction is then rolled back, or dropped with its connection), and the
    database's own error otherwise.
    """
    try:
        con = engine.connect()
    except SQLAlchemyError as exc:
        if _timed_out(exc):
            raise DatabaseTimeout(f"no connection within {seconds:g} s: {exc}") from exc
        raise
    with con:
        timer = _SocketTimer(con.connection.dbapi_connection, seconds)
        try:
            with con.begin():
                yield con
        except (SQLAlchemyError, OSError) as exc:
            if timer.fired or _timed_out(exc):
                raise DatabaseTimeout(f"no answer within {seconds:g} s: {exc}") from exc
            raise
        finally:
            timer.cancel()
            if timer.fired:  # the socket is shut: the connection must not go back to the pool
                con.invalidate()


class Gate:
    """At most ``size`` threads inside at once; one more is refused at once, never made to wait."""

    def __init__(self, size: int):
        if size < 1:
            raise ValueError(f"size must be at least 1. Currently, size is {size}.")
        self.size = size
        self._inside = 0
        self._lock = threading.Lock()

    @property
    def full(self) -> bool:
        return self._inside >= self.size

    def enter(self) -> bool:
        """True when the caller got in (it must then :meth:`leave`), False when the gate is full."""
        with self._lock:
            if self._inside >= self.size:
                return False
            self._inside += 1
            return True

    def leave(self) -> None:
        with self._lock:
            self._inside -= 1
