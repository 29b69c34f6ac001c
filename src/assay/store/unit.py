"""One connection and one transaction for everything a request reads and writes.

Each read and append of the store's tables opens its own connection when called alone (the
CLI, a notebook). Inside ``with unit(engine):`` they all run on the unit's one connection
instead, so a web request checks out one pooled connection and, when it writes, commits once:
:func:`reading` and :func:`writing` give the open unit's connection when there is one (for
this engine), else a fresh one. A unit opened with ``serial=KEY`` is a writer's: it takes the
lock of :func:`assay.store.locks.serial` first (SQLite: ``BEGIN IMMEDIATE`` before any read,
so the transaction never has to upgrade a read snapshot to a write, which SQLite refuses
without waiting); a unit without is a reader's. The open unit lives in a context variable,
so it follows the request into the worker thread that runs it and no further. A unit also
keeps a small memo (:func:`memo`) of what cannot change while its transaction lasts but by
its own writes (who is assigned to a queue), dropped with it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import Connection, Engine

from assay.store.locks import serial as serialise

_OPEN: ContextVar[tuple[Connection, dict[Any, Any]] | None] = ContextVar(
    "assay_store_unit", default=None
)


def _current(engine: Engine) -> Connection | None:
    found = _OPEN.get()
    return found[0] if found is not None and found[0].engine is engine else None


def memo(engine: Engine) -> dict[Any, Any] | None:
    """The open unit's memo (for this engine), or None outside a unit."""
    found = _OPEN.get()
    return found[1] if found is not None and found[0].engine is engine else None


@contextmanager
def unit(engine: Engine, *, serial: str | None = None) -> Iterator[Connection]:
    """One connection and transaction for the block (committed at its end, rolled back on an
    error); ``serial``: a writer's, serialised on that key from its first statement. Inside
    another unit of the same engine, that unit's connection (its lock taken too)."""
    conn = _current(engine)
    if conn is not None:
        if serial is not None:
            serialise(conn, serial)
        yield conn
        return
    with engine.begin() as conn:
        if serial is not None:
            serialise(conn, serial)
        token = _OPEN.set((conn, {}))
        try:
            yield conn
        finally:
            _OPEN.reset(token)


@contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    """A connection to read with: the open unit's, else a fresh one."""
    conn = _current(engine)
    if conn is not None:
        yield conn
        return
    with engine.connect() as conn:
        yield conn


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A connection in a transaction to write with: the open unit's (committed with it),
    else a fresh one committed at the end of the block."""
    conn = _current(engine)
    if conn is not None:
        yield conn
        return
    with engine.begin() as conn:
        yield conn
