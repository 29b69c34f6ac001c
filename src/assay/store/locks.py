"""Serialised transactions and the run lease: one process asks a run's questions at a time.

``serial(conn, key)`` makes the rest of a transaction run alone among every process that
serialises on the same key: a PostgreSQL transaction-scoped advisory lock, or SQLite's
``BEGIN IMMEDIATE`` (which takes the database's write lock at once). On SQLite the threads of one
process first queue on a lock of their own (:func:`watch` the engine): SQLite's busy handler
makes a waiting writer sleep and poll (up to the busy timeout), a thread lock wakes the next
writer the moment the last one commits; other processes still wait on SQLite's lock, with
the busy timeout. ``serial`` inside a transaction that writes already is a no-op (SQLite has
one writer, and a PostgreSQL advisory lock is re-entrant). The schema is created, a
run id is checked and inserted, and a lease is taken under it, so two processes never both
see "not there yet" and then collide on a primary key.

A :class:`Lease` is a row of ``leases`` (holder pid, host, heartbeat) kept fresh by a
background thread. Another process that wants the run sees who holds it and stops; a lease
whose process is gone (same host: the pid no longer exists; another host: no heartbeat for
``stale_s``) is taken over, so a killed run resumes at once.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import socket
import threading
import weakref
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, event, select, text

from assay.errors import RunLockedError
from assay.store import schema

HEARTBEAT_S = 10.0
STALE_S = 120.0
_HELD: set[str] = set()  # tokens of the leases this process holds now (its own rows)
# the writers' lock of each SQLite engine of this process (one per engine: see ``watch``)
_WRITERS: weakref.WeakKeyDictionary[Engine, threading.Lock] = weakref.WeakKeyDictionary()
_HOLDS = "assay_writer_lock"  # the connection's info key while its transaction holds it


def serial(conn: Connection, key: str) -> None:
    """Serialise the rest of ``conn``'s transaction with every other one on ``key``."""
    if conn.dialect.name == "postgresql":
        digest = hashlib.sha256(f"assay:{key}".encode()).digest()
        number = int.from_bytes(digest[:8], "big", signed=True)
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": number})
    elif conn.dialect.name == "sqlite":
        raw: Any = conn.connection.dbapi_connection
        if raw is not None and raw.in_transaction:
            return  # it writes already: it holds SQLite's one write lock
        lock = _WRITERS.get(conn.engine)
        if lock is not None:
            lock.acquire()
            conn.info[_HOLDS] = lock
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            _let_go(conn)
            raise


def watch(engine: Engine) -> None:
    """Give a SQLite engine its writers' lock (see :func:`serial`), let go of when the
    transaction that took it ends."""
    if engine.dialect.name != "sqlite" or engine in _WRITERS:
        return
    _WRITERS[engine] = threading.Lock()
    event.listen(engine, "commit", _let_go)
    event.listen(engine, "rollback", _let_go)
    event.listen(engine.pool, "checkin", _checked_in)


def _let_go(conn: Connection) -> None:
    lock = conn.info.pop(_HOLDS, None)
    if lock is not None:
        lock.release()


def _checked_in(_dbapi: Any, record: Any) -> None:  # pragma: no cover - a safety net
    lock = record.info.pop(_HOLDS, None) if record is not None else None
    if lock is not None:
        lock.release()


@dataclass(frozen=True)
class Holder:
    pid: int
    host: str
    started_at: datetime
    heartbeat_at: datetime

    def describe(self) -> str:
        return f"pid {self.pid} on {self.host}, since {_utc(self.started_at):%Y-%m-%d %H:%M:%S} UTC"


class Lease:
    """The right to ask one run's questions, held until :meth:`release`."""

    def __init__(
        self,
        engine: Engine,
        run_id: str,
        *,
        heartbeat_s: float = HEARTBEAT_S,
        stale_s: float = STALE_S,
    ) -> None:
        self.engine = engine
        self.run_id = run_id
        self.token = secrets.token_hex(16)
        self.pid = os.getpid()
        self.host = socket.gethostname()
        self.heartbeat_s = heartbeat_s
        self.stale_s = stale_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def acquire(self) -> Lease:
        leases = schema.leases
        now = datetime.now(UTC)
        with self.engine.begin() as conn:
            serial(conn, f"lease:{self.run_id}")
            row = conn.execute(select(leases).where(leases.c.run_id == self.run_id)).first()
            if row is not None:
                holder = Holder(row.pid, row.host, row.started_at, row.heartbeat_at)
                if self._alive(holder, row.token, now):
                    raise RunLockedError(
                        f"run {self.run_id} is being asked by another process: {holder.describe()}",
                        fix="wait for it to end or stop it; a run whose process died is "
                        f"taken over at once on the same host, after {self.stale_s:.0f} s "
                        "from another",
                    )
                conn.execute(leases.delete().where(leases.c.run_id == self.run_id))
            conn.execute(
                leases.insert().values(
                    run_id=self.run_id,
                    token=self.token,
                    pid=self.pid,
                    host=self.host,
                    started_at=now,
                    heartbeat_at=now,
                )
            )
        _HELD.add(self.token)
        self._thread = threading.Thread(target=self._beat, name="assay-lease", daemon=True)
        self._thread.start()
        return self

    def release(self) -> None:
        _HELD.discard(self.token)
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        leases = schema.leases
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    leases.delete().where(
                        (leases.c.run_id == self.run_id) & (leases.c.token == self.token)
                    )
                )
        except Exception:  # the store is gone: the lease dies with this process
            pass

    def __enter__(self) -> Lease:
        return self.acquire()

    def __exit__(self, *_exc: Any) -> None:
        self.release()

    def _alive(self, holder: Holder, token: str, now: datetime) -> bool:
        fresh = (now - _utc(holder.heartbeat_at)).total_seconds() < self.stale_s
        if holder.host != self.host:
            return fresh
        if holder.pid == self.pid:  # this process: held unless released (maybe in an outage)
            return token in _HELD
        try:
            os.kill(holder.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            pass
        return fresh

    def _beat(self) -> None:
        leases = schema.leases
        while not self._stop.wait(self.heartbeat_s):
            try:
                with self.engine.begin() as conn:
                    conn.execute(
                        leases.update()
                        .where((leases.c.run_id == self.run_id) & (leases.c.token == self.token))
                        .values(heartbeat_at=datetime.now(UTC))
                    )
            except Exception:  # an outage: the writer waits for the store, the lease too
                continue


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
