"""The guard's per-user counts of banned inputs and its suspensions (7.g.1), in the run store.

:class:`AbuseLedger` reads and writes the ``guard_users`` and ``guard_suspensions`` tables of a
:class:`~assay.store.runstore.RunStore` (SQLite by default, PostgreSQL by URL); the counting
rules live in :mod:`assay.guard.abuse`. Several guard workers may share one store: a change of a
user's counts (:meth:`AbuseLedger.change`) reads and writes them in one transaction serialised
with every other change of that user's, so no worker's count is lost and a suspension is
decided, and recorded, once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from assay.store import schema
from assay.store.locks import serial
from assay.store.runstore import RunStore


@dataclass(frozen=True)
class UserCounts:
    """One user's standing: banned inputs in a row, on ``day``, and any suspension."""

    user: str
    consecutive: int = 0
    day: str = ""
    day_count: int = 0
    suspended_until: datetime | None = None


@dataclass(frozen=True)
class SuspensionRecord:
    user: str
    at: datetime
    until: datetime
    reason: str  # consecutive / per_day
    consecutive: int
    day_count: int


class AbuseLedger:
    """Typed reads and writes of the guard's user tables."""

    def __init__(self, store: RunStore) -> None:
        self.engine = store.engine

    def get(self, user: str) -> UserCounts | None:
        with self.engine.connect() as conn:
            return _read(conn, user)

    def change(
        self, user: str, step: Callable[[UserCounts], Change]
    ) -> tuple[UserCounts, SuspensionRecord | None]:
        """Apply ``step`` to the user's counts as stored (zero when none are) and write what it
        returns, all in one transaction serialised with every other change of the user's:
        the counts as they now stand and the suspension written, if any. ``step`` returns
        None for counts it leaves as they are."""
        with self.engine.begin() as conn:
            serial(conn, f"guard-user:{user}")
            current = _read(conn, user) or UserCounts(user)
            change = step(current)
            if change is None:
                return current, None
            counts, suspension = change
            self._write(conn, counts, suspension)
        return counts, suspension

    def put(self, counts: UserCounts, suspension: SuspensionRecord | None = None) -> None:
        """Write ``counts`` (and the suspension they led to) in one transaction, whatever
        is stored: for one writer (a test, an import); guard workers :meth:`change`."""
        with self.engine.begin() as conn:
            self._write(conn, counts, suspension)

    def _write(
        self, conn: Connection, counts: UserCounts, suspension: SuspensionRecord | None
    ) -> None:
        table = schema.guard_users
        values: dict[str, Any] = {
            "consecutive": counts.consecutive,
            "day": counts.day,
            "day_count": counts.day_count,
            "suspended_until": counts.suspended_until,
            "updated_at": datetime.now(UTC),
        }
        done = conn.execute(update(table).where(table.c.user == counts.user).values(**values))
        if done.rowcount == 0:  # a new user: inserted, unless a writer without the lock was first
            conn.execute(_insert_or_ignore(conn).values(user=counts.user, **values))
        if suspension is not None:
            conn.execute(
                insert(schema.guard_suspensions).values(
                    user=suspension.user,
                    at=suspension.at,
                    until=suspension.until,
                    reason=suspension.reason,
                    consecutive=suspension.consecutive,
                    day_count=suspension.day_count,
                )
            )

    def suspensions(self, user: str | None = None) -> list[SuspensionRecord]:
        """The suspensions imposed (on ``user``, or on everyone), oldest first."""
        table = schema.guard_suspensions
        query = select(table).order_by(table.c.id)
        if user is not None:
            query = query.where(table.c.user == user)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [
            SuspensionRecord(
                user=r.user,
                at=_aware(r.at) or r.at,
                until=_aware(r.until) or r.until,
                reason=r.reason,
                consecutive=r.consecutive,
                day_count=r.day_count,
            )
            for r in rows
        ]


Change = tuple[UserCounts, SuspensionRecord | None] | None  # what a step of counting writes


def _insert_or_ignore(conn: Connection) -> Any:
    """An INSERT of a user's row that does nothing when the row exists already."""
    table = schema.guard_users
    if conn.dialect.name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert(table).on_conflict_do_nothing()
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table).on_conflict_do_nothing()
    return insert(table)


def _read(conn: Connection, user: str) -> UserCounts | None:
    table = schema.guard_users
    row = conn.execute(select(table).where(table.c.user == user)).first()
    if row is None:
        return None
    return UserCounts(
        user=row.user,
        consecutive=row.consecutive,
        day=row.day,
        day_count=row.day_count,
        suspended_until=_aware(row.suspended_until),
    )


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite gives back naive datetimes: they were written in UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)
