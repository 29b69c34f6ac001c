"""The guard's per-user counts of banned inputs and its suspensions (7.g.1), in the run store.

:class:`AbuseLedger` reads and writes the ``guard_users`` and ``guard_suspensions`` tables of a
:class:`~assay.store.runstore.RunStore` (SQLite by default, PostgreSQL by URL); the counting
rules live in :mod:`assay.guard.abuse`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import insert, select, update

from assay.store import schema
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
        table = schema.guard_users
        with self.engine.connect() as conn:
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

    def put(self, counts: UserCounts, suspension: SuspensionRecord | None = None) -> None:
        """Write ``counts`` (and the suspension they led to) in one transaction."""
        table = schema.guard_users
        values = {
            "consecutive": counts.consecutive,
            "day": counts.day,
            "day_count": counts.day_count,
            "suspended_until": counts.suspended_until,
            "updated_at": datetime.now(UTC),
        }
        with self.engine.begin() as conn:
            done = conn.execute(update(table).where(table.c.user == counts.user).values(**values))
            if done.rowcount == 0:
                conn.execute(insert(table).values(user=counts.user, **values))
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


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite gives back naive datetimes: they were written in UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)
