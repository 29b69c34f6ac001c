"""7.g.1: a user who enters banned content too often is suspended.

The counts come from the profile (``parameters.abusive_users``: 3 in a row, 5 in one day in
TC260-003), the suspension period and the time zone of "a day" from ``guard.abuse`` of
assay.yaml. A banned input is one the input policy blocks. A clean input ends a run of banned
ones; a day's count starts again at local midnight. Every user's standing lives in the run
store (``guard_users``), so a restart forgets nothing; each suspension is recorded
(``guard_suspensions``) as evidence for 7.g.1. Requests of a suspended user are refused before
they are screened, and are not counted.

The standing of the users seen is kept in memory too (a clean input of a user in good standing
touches no database); the database is read the first time a user is seen and written when a
count changes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from assay.errors import ConfigError
from assay.guard_config import AbuseConfig
from assay.standard.models import Profile
from assay.store.abuse import AbuseLedger, SuspensionRecord, UserCounts

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Suspension:
    """A user's suspension: since when, until when and why."""

    user: str
    at: datetime
    until: datetime
    reason: Literal["consecutive", "per_day"]


class AbuseTracker:
    """Counts each user's banned inputs and suspends per 7.g.1. Thread-safe."""

    def __init__(
        self,
        ledger: AbuseLedger | None,
        *,
        consecutive_max: int,
        per_day_max: int,
        suspend_for: timedelta,
        timezone: str = "Asia/Shanghai",
        clock: Clock = utc_now,
    ) -> None:
        self.ledger = ledger  # None: counts in memory only (tests, a library user's choice)
        self.consecutive_max = consecutive_max
        self.per_day_max = per_day_max
        self.suspend_for = suspend_for
        try:
            self.zone = ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(
                f"unknown time zone {timezone!r} in guard.abuse.timezone",
                fix="use an IANA name such as Asia/Shanghai",
            ) from None
        self.clock = clock
        self._users: dict[str, UserCounts] = {}
        self._lock = threading.Lock()

    @classmethod
    def for_profile(
        cls,
        profile: Profile,
        config: AbuseConfig,
        ledger: AbuseLedger | None,
        *,
        clock: Clock = utc_now,
    ) -> AbuseTracker:
        """The tracker with the profile's counts (7.g.1) and the project's period."""
        params = profile.parameters.abusive_users
        return cls(
            ledger,
            consecutive_max=params.consecutive_max.value,
            per_day_max=params.per_day_max.value,
            suspend_for=timedelta(seconds=config.suspend_s),
            timezone=config.timezone,
            clock=clock,
        )

    def suspended_until(self, user: str) -> datetime | None:
        """When the user's suspension in force now ends; None when the user is not suspended."""
        now = self.clock()
        with self._lock:
            counts = self._counts(user)
        until = counts.suspended_until
        return until if until is not None and until > now else None

    def record(self, user: str, banned: bool) -> Suspension | None:
        """Count one screened input of ``user``; returns the suspension it triggered."""
        now = self.clock().astimezone(UTC)
        today = now.astimezone(self.zone).date().isoformat()
        with self._lock:
            counts = self._counts(user)
            day_count = counts.day_count if counts.day == today else 0
            if not banned:
                if counts.consecutive == 0:
                    return None
                self._store(replace(counts, consecutive=0, day=today, day_count=day_count))
                return None
            consecutive, day_count = counts.consecutive + 1, day_count + 1
            reason: Literal["consecutive", "per_day"] | None = None
            if consecutive >= self.consecutive_max:
                reason = "consecutive"
            elif day_count >= self.per_day_max:
                reason = "per_day"
            if reason is None:
                self._store(
                    replace(counts, consecutive=consecutive, day=today, day_count=day_count)
                )
                return None
            until = now + self.suspend_for
            # the run in a row is answered by the suspension; the day's count stands
            new = UserCounts(user, 0, today, day_count, until)
            record = SuspensionRecord(user, now, until, reason, consecutive, day_count)
            self._store(new, record)
            return Suspension(user, now, until, reason)

    def _counts(self, user: str) -> UserCounts:
        counts = self._users.get(user)
        if counts is None:
            counts = (self.ledger.get(user) if self.ledger else None) or UserCounts(user)
            self._users[user] = counts
        return counts

    def _store(self, counts: UserCounts, suspension: SuspensionRecord | None = None) -> None:
        self._users[counts.user] = counts
        if self.ledger is not None:
            self.ledger.put(counts, suspension)
