"""What the guard's operations cost per request: the rate limiter, the 7.g.1 tracker with a
SQLite store (a clean input of a user it remembers; a banned input, one transaction; two
trackers on one file), and screening a streamed reply field by field.

No peer: these are the guard's own bookkeeping, measured so that it stays small beside the
keyword check (bench/guard.py). CPU time is printed beside wall time; on a shared machine CPU
time is the figure to trust.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from _common import cpu_seconds, record

from assay.banks.models import KeywordEntry
from assay.guard import AbuseTracker, Guard, Screener
from assay.guard.choice import ChoiceScreen
from assay.guard.ratelimit import RateLimiter
from assay.guard_config import AbuseConfig, GuardConfig, RateLimitConfig
from assay.standard.loader import load_profile
from assay.store.abuse import AbuseLedger
from assay.store.runstore import RunStore
from assay.text.keywords import KeywordEngine

BENCH = "guard_ops"


def per_call(fn: Callable[[int], object], n: int) -> tuple[float, float, float]:
    """p50 and p99 wall microseconds of ``n`` calls, and mean CPU microseconds."""
    times = []
    cpu = cpu_seconds()
    for i in range(n):
        started = time.perf_counter()
        fn(i)
        times.append(time.perf_counter() - started)
    spent = cpu_seconds() - cpu
    times.sort()
    p50 = statistics.median(times) * 1e6
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))] * 1e6
    return p50, p99, spent / n * 1e6


def _show(name: str, figures: tuple[float, float, float]) -> None:
    p50, p99, cpu = figures
    record(BENCH, name, f"p50 {p50:,.1f} us wall, p99 {p99:,.1f} us; CPU {cpu:,.1f} us")


def limiter(n: int) -> None:
    limits = RateLimiter(RateLimitConfig(per_second=1e9, per_minute=1e9), time.monotonic)
    _show("rate limit, one key", per_call(lambda i: limits.take("key:a"), n))
    _show("rate limit, 10,000 keys", per_call(lambda i: limits.take(f"key:{i % 10000}"), n))


def tracker(folder: Path, n: int) -> None:
    moment = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)
    config = AbuseConfig(suspend_s=3600, refresh_s=3600)  # what is remembered stays fresh

    def make(name: str) -> AbuseTracker:
        ledger = AbuseLedger(RunStore(f"sqlite:///{folder / name}"))
        return AbuseTracker.for_profile(load_profile(), config, ledger, clock=lambda: moment)

    one = make("runs.sqlite")
    for i in range(1000):
        one.suspended_until(f"u{i}")
    _show("7.g.1 admit, a user remembered", per_call(lambda i: one.suspended_until("u1"), n))
    _show(
        "7.g.1 clean input, a user remembered",
        per_call(lambda i: one.record(f"u{i % 1000}", banned=False), n),
    )
    _show(
        "7.g.1 banned input (one SQLite transaction)",
        per_call(lambda i: one.record(f"b{i}", banned=True), min(n, 2000)),
    )
    two = make("runs.sqlite")
    pair = (one, two)
    _show(
        "7.g.1 banned input, two trackers on one file",
        per_call(lambda i: pair[i % 2].record(f"c{i // 2}", banned=True), min(n, 2000)),
    )


def streams(n: int) -> None:
    entries = [KeywordEntry(keyword=f"违禁词{i:05d}", risk_ids=("A.1.d",)) for i in range(2000)]
    guard = Guard(KeywordEngine(entries), load_profile(), GuardConfig())
    text = "今天天气很好，我们去公园散步吧，顺便买点水果回来。" * 40  # ~1 KB
    chunks = [text[i : i + 8] for i in range(0, len(text), 8)]

    def plain(_: int) -> None:
        screener = Screener(guard)
        for chunk in chunks:
            screener.push(chunk)
        screener.finish()

    def fields(_: int) -> None:
        screen = ChoiceScreen(guard)
        for chunk in chunks:
            screen.delta({"content": chunk})
        screen.finish()

    def two_fields(_: int) -> None:
        screen = ChoiceScreen(guard)
        for chunk in chunks:
            screen.delta({"reasoning_content": chunk})
        for chunk in chunks:
            screen.delta({"content": chunk})
        screen.finish()

    reps = max(20, n // 100)
    _show(f"stream of 1 KB in {len(chunks)} chunks, one Screener", per_call(plain, reps))
    _show("the same through ChoiceScreen (content)", per_call(fields, reps))
    _show("reasoning + content, 1 KB each, through ChoiceScreen", per_call(two_fields, reps))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=20000)
    args = parser.parse_args()
    limiter(args.calls)
    with tempfile.TemporaryDirectory() as tmp:
        tracker(Path(tmp), args.calls)
    streams(args.calls)


if __name__ == "__main__":
    main()
