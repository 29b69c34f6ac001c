"""Execute: ask the target every planned question not yet answered, and store each reply.

Workers take questions from a queue; a writer (:class:`~assay.store.sink.ReplySink`) commits the
replies that arrived together in one transaction, a few milliseconds after they arrive, and
holds them through a store outage. A failed call is stored as an error with its
reason. A run killed at any moment resumes from the store: answered questions are not asked
again (their replies are committed), and errors are re-asked only with ``retry_errors``.

Every question ends answered, recorded as an error, or not asked (counted in ``skipped``, left
for a resume): never two of these, never none. Nothing is sent once a spend cap of the
:class:`Budget` is reached, and the run stops early (``Progress.stopped`` says why) when the
target refuses a request with HTTP 401, 403 or 404 (a wrong key, permission, URL or model: every
other request would fail alike) or fails ``max_consecutive_failures`` times in a row.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from assay.banks.models import Question
from assay.errors import NotSentError, TargetError
from assay.store.runstore import ReplyRecord, RunStore
from assay.store.sink import Patience, ReplySink
from assay.targets.base import Metered, Target, TargetReply
from assay.targets.limits import Budget
from assay.targets.sheet import SheetMatches

__all__ = [
    "DEFAULT_MAX_CONSECUTIVE_FAILURES",
    "REFUSED",
    "Budget",
    "Progress",
    "Stop",
    "execute",
    "to_ask",
]

REFUSED = frozenset({401, 403, 404})  # the endpoint refuses everyone: stop at once
DEFAULT_MAX_CONSECUTIVE_FAILURES = 20


@dataclass(frozen=True)
class Stop:
    """Why a run stopped before asking everything: the endpoint ``refused`` a request (HTTP
    401/403/404), or requests kept ``failing`` (``failures`` in a row)."""

    kind: Literal["refused", "failing"]
    status: int | None
    message: str  # the server's own message, else the error's reason
    failures: int


@dataclass
class Progress:
    total: int
    done: int = 0  # asked: answered or recorded as an error
    errors: int = 0
    skipped: int = 0  # not asked: a spend cap, or the run stopped early
    started: float = field(default_factory=time.perf_counter)
    stopped: Stop | None = None
    requests: int = 0  # requests sent, retries included
    tokens: int = 0  # tokens billed, errors included
    unmetered: int = 0  # replies whose usage could not be read
    usage_problems: int = 0  # replies kept with a malformed usage
    sheet: SheetMatches | None = None  # an answer sheet's replies: how each was matched


def to_ask(
    store: RunStore, run_id: str, questions: Sequence[Question], *, retry_errors: bool
) -> list[tuple[Question, int]]:
    """The questions still to ask, each with the attempt number it will be."""
    attempts = store.attempts(run_id)
    out = []
    for q in questions:
        seen = attempts.get(q.id)
        if seen is None:
            out.append((q, 1))
        elif not seen[1] and retry_errors:
            out.append((q, seen[0] + 1))
    return out


class _Watch:
    """Counts failures in a row and stops the run on a refusal or too many of them."""

    def __init__(self, budget: Budget, limit: int | None) -> None:
        self.budget = budget
        self.limit = limit or None
        self.in_a_row = 0
        self.stop: Stop | None = None

    async def saw(self, record: ReplyRecord, error: TargetError | None) -> None:
        if record.ok:
            self.in_a_row = 0
            return
        self.in_a_row += 1
        message = (error.server_message if error is not None else None) or record.error or ""
        if record.status_code in REFUSED:
            await self._stop(Stop("refused", record.status_code, message, self.in_a_row))
        elif self.limit is not None and self.in_a_row >= self.limit:
            await self._stop(Stop("failing", record.status_code, message, self.in_a_row))

    async def _stop(self, stop: Stop) -> None:
        if self.stop is None:
            self.stop = stop
            await self.budget.halt(f"the run stopped: {stop.message}")


async def execute(
    store: RunStore,
    run_id: str,
    target: Target,
    work: Sequence[tuple[Question, int]],
    *,
    workers: int,
    budget: Budget | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    max_consecutive_failures: int | None = DEFAULT_MAX_CONSECUTIVE_FAILURES,
    patience: Patience | None = None,
    spill: Path | None = None,
) -> Progress:
    """Ask every question of ``work`` and store the replies; returns the final counts.
    ``workers`` is the run's concurrency: the questions asked at once, and the requests a
    metered target keeps in flight. Through a store outage the replies are held and the asking
    waits (see :mod:`assay.store.sink`)."""
    budget = budget or Budget()
    workers = max(1, workers)
    metered = isinstance(target, Metered)
    if isinstance(target, Metered):
        target.meter(budget, workers)
    progress = Progress(total=len(work))
    watch = _Watch(budget, max_consecutive_failures)
    queue: asyncio.Queue[tuple[Question, int]] = asyncio.Queue()
    for item in work:
        queue.put_nowait(item)
    sink = ReplySink(store, run_id, patience=patience or Patience(), spill=spill)
    writer = asyncio.create_task(sink.run())

    async def worker() -> None:
        while budget.allows():
            if not await sink.ready():  # the store is away: wait; it stopped: ask nothing more
                return
            try:
                question, attempt = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            asked = await _ask(target, question, attempt, None if metered else budget)
            if asked is None:
                continue  # not sent: a cap or a stop; counted as skipped below
            record, error = asked
            await sink.put(record)
            progress.done += 1
            progress.errors += not record.ok
            progress.usage_problems += record.usage_problem is not None
            await watch.saw(record, error)
            if on_progress is not None:
                on_progress(progress)

    try:
        await asyncio.gather(*(worker() for _ in range(min(workers, len(work) or 1))))
    finally:
        await sink.close()
        await writer  # raises the store's error, if it failed (after keeping the replies)
    progress.skipped = progress.total - progress.done
    progress.stopped = watch.stop
    progress.requests, progress.tokens = budget.requests, budget.tokens
    progress.unmetered = budget.unmetered
    return progress


async def _ask(
    target: Target, question: Question, attempt: int, budget: Budget | None
) -> tuple[ReplyRecord, TargetError | None] | None:
    """Ask one question: its record (and the error, if it failed), or None when nothing was
    sent. ``budget``: charge one request per question (a target that is not metered)."""
    ticket = await budget.reserve() if budget is not None else None
    if budget is not None and ticket is None:
        return None
    started = time.perf_counter()
    tokens = 0
    try:
        reply = await target.reply(question)
        tokens = (reply.prompt_tokens or 0) + (reply.completion_tokens or 0)
    except NotSentError:
        return None
    except TargetError as error:
        tokens = (error.prompt_tokens or 0) + (error.completion_tokens or 0)
        return _failed(question, attempt, started, error), error
    except Exception as exc:  # a target bug must not lose the run: record it as an error
        return _failed(
            question, attempt, started, TargetError(f"{type(exc).__name__}: {exc}")
        ), None
    finally:
        if budget is not None and ticket is not None:
            await budget.settle(ticket, tokens)
    return _answered(question, attempt, started, reply), None


def _failed(question: Question, attempt: int, started: float, error: TargetError) -> ReplyRecord:
    return ReplyRecord(
        question_id=question.id,
        attempt=attempt,
        ok=False,
        error=error.reason,
        status_code=error.status_code,
        latency_ms=(time.perf_counter() - started) * 1000,
        prompt_tokens=error.prompt_tokens,
        completion_tokens=error.completion_tokens,
    )


def _answered(question: Question, attempt: int, started: float, reply: TargetReply) -> ReplyRecord:
    return ReplyRecord(
        question_id=question.id,
        attempt=attempt,
        ok=True,
        answer=reply.answer,
        reasoning=reply.reasoning,
        status_code=reply.status_code,
        latency_ms=(time.perf_counter() - started) * 1000,
        prompt_tokens=reply.prompt_tokens,
        completion_tokens=reply.completion_tokens,
        blocked=reply.blocked,
        usage_problem=reply.usage_problem,
    )
