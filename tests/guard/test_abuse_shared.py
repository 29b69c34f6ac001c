"""The 7.g.1 tracker with several guard workers on one store, and its memory bounded: two
trackers (two engines, as two worker processes have) on one SQLite file count every banned
input once, suspend once, and see each other's suspensions; a tracker remembers at most
``max_users`` users, each for ``idle_s``."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

from assay.guard import AbuseTracker
from assay.guard_config import AbuseConfig
from assay.standard.loader import load_profile
from assay.store.abuse import AbuseLedger
from assay.store.runstore import RunStore

MORNING = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


class Clock:
    def __init__(self) -> None:
        self.now = MORNING

    def __call__(self) -> datetime:
        return self.now


def _tracker(path: Path, clock: Clock, **config: float) -> AbuseTracker:
    store = RunStore(f"sqlite:///{path}")  # an engine of its own, as another worker has
    settings = AbuseConfig.model_validate({"suspend_s": 3600, **config})
    return AbuseTracker.for_profile(load_profile(), settings, AbuseLedger(store), clock=clock)


def test_two_workers_count_a_run_together(tmp_path: Path) -> None:
    clock = Clock()
    db = tmp_path / "runs.sqlite"
    one, two = _tracker(db, clock), _tracker(db, clock)
    assert one.suspended_until("u") is None
    assert two.suspended_until("u") is None  # both remember the user in good standing
    assert one.record("u", banned=True) is None
    assert two.record("u", banned=True) is None
    suspension = one.record("u", banned=True)  # the third in a row, whichever worker saw it
    assert suspension is not None
    assert suspension.reason == "consecutive"
    assert [s.reason for s in AbuseLedger(RunStore(f"sqlite:///{db}")).suspensions("u")] == [
        "consecutive"
    ]
    clock.now += timedelta(seconds=1)  # guard.abuse.refresh_s: the other worker reads again
    assert two.suspended_until("u") == suspension.until


def test_a_clean_input_on_one_worker_ends_a_run_begun_on_the_other(tmp_path: Path) -> None:
    clock = Clock()
    db = tmp_path / "runs.sqlite"
    one, two = _tracker(db, clock, refresh_s=0), _tracker(db, clock, refresh_s=0)
    for banned, tracker in [(True, one), (True, one), (False, two), (True, one), (True, two)]:
        assert tracker.record("u", banned=banned) is None
    counts = AbuseLedger(RunStore(f"sqlite:///{db}")).get("u")
    assert counts is not None
    assert (counts.consecutive, counts.day_count) == (2, 4)


def test_concurrent_workers_lose_no_count(tmp_path: Path) -> None:
    clock = Clock()
    db = tmp_path / "runs.sqlite"
    workers = [_tracker(db, clock), _tracker(db, clock)]
    users = [f"u{i}" for i in range(8)]
    start = threading.Barrier(len(workers))
    failures: list[BaseException] = []

    def work(tracker: AbuseTracker) -> None:
        start.wait()
        try:
            for user in users:
                for _ in range(2):
                    tracker.record(user, banned=True)
        except BaseException as exc:  # every failure is reported, none may happen
            failures.append(exc)

    threads = [threading.Thread(target=work, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert failures == []
    ledger = AbuseLedger(RunStore(f"sqlite:///{db}"))
    for user in users:  # 4 banned inputs: one suspension at the third, then one more in a row
        counts = ledger.get(user)
        assert counts is not None
        assert (counts.consecutive, counts.day_count) == (1, 4), user
        assert len(ledger.suspensions(user)) == 1, user


def test_the_users_remembered_are_bounded(tmp_path: Path) -> None:
    clock = Clock()
    db = tmp_path / "runs.sqlite"
    tracker = _tracker(db, clock, max_users=10, idle_s=60)
    for i in range(100):
        tracker.record(f"u{i}", banned=True)
    assert len(tracker) == 10
    assert tracker.record("u0", banned=True) is None  # forgotten, read again: its second
    counts = AbuseLedger(RunStore(f"sqlite:///{db}")).get("u0")
    assert counts is not None
    assert counts.consecutive == 2
    clock.now += timedelta(seconds=61)
    tracker.record("new", banned=False)
    assert len(tracker) == 1  # the idle ones are gone


def test_a_tracker_without_a_store_is_bounded_too() -> None:
    clock = Clock()
    tracker = AbuseTracker.for_profile(load_profile(), AbuseConfig(max_users=5), None, clock=clock)
    for i in range(50):
        tracker.record(f"u{i}", banned=True)
    assert len(tracker) == 5
