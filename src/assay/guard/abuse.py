"""7.g.1: a user who enters banned content too often is suspended.

The counts come from the profile (``parameters.abusive_users``: 3 in a row, 5 in one day in
TC260-003), the suspension period and the time zone of "a day" from ``guard.abuse`` of
assay.yaml. A banned input is one the input policy blocks. A clean input ends a run of banned
ones; a day's count starts again at local midnight. Every user's standing lives in the run
store (``guard_users``), so a restart forgets nothing; each suspension is recorded
(``guard_suspensions``) as evidence for 7.g.1. Requests of a suspended user are refused before
they are screened, and are not counted.

Several guard workers may share one store. Every count of a banned input, and the end of a run
of them, is made in the store in one transaction serialised per user
(:meth:`~assay.store.abuse.AbuseLedger.change`), from the counts stored there, never from what
one worker remembers: no worker's count is lost, and a suspension is imposed once. What a
worker remembers of a user's standing spares the store a read for up to ``refresh_s``
(``guard.abuse``): a clean input of a user known to be in good standing touches no database,
and a suspension imposed by another worker is seen within ``refresh_s``. At most ``max_users``
users are remembered, each for ``idle_s`` after they were last seen; a user forgotten is read
from the store again (without a store, forgetting a user forgets their counts).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from assay.errors import ConfigError
from assay.guard_config import AbuseConfig
from assay.standard.models import Profile
from assay.store.abuse import AbuseLedger, Change, SuspensionRecord, UserCounts

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class _Known:
    """A user's standing as this worker knows it: read (or written) at ``read_at``, last
    asked about at ``seen_at`` (POSIX seconds of the tracker's clock)."""

    counts: UserCounts
    read_at: float
    seen_at: float


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
        max_users: int = 100_000,
        idle_s: float = 3600.0,
        refresh_s: float = 1.0,
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
        self.max_users = max_users
        self.idle_s = idle_s
        self.refresh_s = refresh_s
        self._users: OrderedDict[str, _Known] = OrderedDict()  # the least recently seen first
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
            max_users=config.max_users,
            idle_s=config.idle_s,
            refresh_s=config.refresh_s,
        )

    def __len__(self) -> int:
        """How many users' standing is remembered."""
        return len(self._users)

    def suspended_until(self, user: str) -> datetime | None:
        """When the user's suspension in force now ends; None when the user is not suspended."""
        now = self.clock()
        with self._lock:
            counts = self._standing(user, now.timestamp())
        until = counts.suspended_until
        return until if until is not None and until > now else None

    def record(self, user: str, banned: bool) -> Suspension | None:
        """Count one screened input of ``user``; returns the suspension it triggered."""
        now = self.clock().astimezone(UTC)
        stamp = now.timestamp()
        today = now.astimezone(self.zone).date().isoformat()

        def step(counts: UserCounts) -> Change:
            return self._step(counts, banned, now, today)

        with self._lock:
            if self.ledger is None or not banned:
                known = self._standing(user, stamp)
                if not banned and known.consecutive == 0:
                    return None  # nothing to end (as of ``refresh_s`` ago at most)
            if self.ledger is None:
                change = step(known)
                counts, record = change if change is not None else (known, None)
            else:  # counted from the stored counts, whatever this worker remembers
                counts, record = self.ledger.change(user, step)
            self._remember(counts, stamp)
        if record is None:
            return None
        return Suspension(
            user,
            record.at,
            record.until,
            "consecutive" if record.reason == "consecutive" else "per_day",
        )

    def _step(self, counts: UserCounts, banned: bool, now: datetime, today: str) -> Change:
        """The counts after one input, from ``counts`` as they stand (and the suspension it
        brings); None when they do not change."""
        day_count = counts.day_count if counts.day == today else 0
        if not banned:
            if counts.consecutive == 0:
                return None
            return replace(counts, consecutive=0, day=today, day_count=day_count), None
        consecutive, day_count = counts.consecutive + 1, day_count + 1
        reason: Literal["consecutive", "per_day"] | None = None
        if consecutive >= self.consecutive_max:
            reason = "consecutive"
        elif day_count >= self.per_day_max:
            reason = "per_day"
        if reason is None:
            return replace(counts, consecutive=consecutive, day=today, day_count=day_count), None
        until = now + self.suspend_for
        # the run in a row is answered by the suspension; the day's count stands
        new = UserCounts(counts.user, 0, today, day_count, until)
        return new, SuspensionRecord(counts.user, now, until, reason, consecutive, day_count)

    # -- what this worker remembers --------------------------------------------------------

    def _standing(self, user: str, stamp: float) -> UserCounts:
        """The user's counts: remembered, or read from the store when not remembered or
        remembered for longer than ``refresh_s``."""
        known = self._users.get(user)
        if known is not None and (self.ledger is None or stamp - known.read_at < self.refresh_s):
            known.seen_at = stamp
            self._users.move_to_end(user)
            return known.counts
        counts = (self.ledger.get(user) if self.ledger else None) or UserCounts(user)
        self._remember(counts, stamp)
        return counts

    def _remember(self, counts: UserCounts, stamp: float) -> None:
        self._users[counts.user] = _Known(counts, stamp, stamp)
        self._users.move_to_end(counts.user)
        self._forget(stamp)

    def _forget(self, stamp: float) -> None:
        """Forget the users beyond ``max_users`` and those unseen for ``idle_s``: the least
        recently seen first, so each call looks at no more users than it forgets, plus one."""
        users = self._users
        while users:
            oldest = next(iter(users.values()))
            if len(users) <= self.max_users and stamp - oldest.seen_at < self.idle_s:
                return
            users.popitem(last=False)
