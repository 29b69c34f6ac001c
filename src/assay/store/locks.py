"""Serialised transactions and the run lease: one process asks a run's questions at a time.

``serial(conn, key)`` makes the rest of a transaction run alone among every process that
serialises on the same key: a PostgreSQL transaction-scoped advisory lock, or SQLite's
``BEGIN IMMEDIATE`` (which takes the database's write lock at once). The schema is created, a
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
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, select, text

from assay.errors import RunLockedError
from assay.store import schema

HEARTBEAT_S = 10.0
STALE_S = 120.0
_HELD: set[str] = set()  # tokens of the leases this process holds now (its own rows)


def serial(conn: Connection, key: str) -> None:
    """Serialise the rest of ``conn``'s transaction with every other one on ``key``."""
    if conn.dialect.name == "postgresql":
        digest = hashlib.sha256(f"assay:{key}".encode()).digest()
        number = int.from_bytes(digest[:8], "big", signed=True)
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": number})
    elif conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")


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
