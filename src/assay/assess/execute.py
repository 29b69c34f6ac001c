"""Execute: ask the target every planned question not yet answered, and store each reply.

Workers take questions from a queue; a writer (:class:`~assay.store.sink.ReplySink`) commits the
replies that arrived together in one transaction, a few milliseconds after they arrive, and
holds them through a store outage. A failed call is stored as an error with its
reason. A run killed at any moment resumes from the store: answered questions are not asked
again (their replies are committed), and errors are re-asked only with ``retry_errors``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from assay.banks.models import Question
from assay.store.runstore import ReplyRecord, RunStore
from assay.store.sink import Patience, ReplySink
from assay.targets.base import Target, TargetError


@dataclass
class Budget:
    """A cap on spend given up front; ``None`` means no cap."""

    max_requests: int | None = None
    max_tokens: int | None = None
    requests: int = 0
    tokens: int = 0

    def allows(self) -> bool:
        if self.max_requests is not None and self.requests >= self.max_requests:
            return False
        return self.max_tokens is None or self.tokens < self.max_tokens


@dataclass
class Progress:
    total: int
    done: int = 0
    errors: int = 0
    skipped: int = 0
    started: float = field(default_factory=time.perf_counter)


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


async def execute(
    store: RunStore,
    run_id: str,
    target: Target,
    work: Sequence[tuple[Question, int]],
    *,
    workers: int,
    budget: Budget | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    patience: Patience | None = None,
    spill: Path | None = None,
) -> Progress:
    """Ask every question of ``work`` and store the replies; returns the final counts. Through
    a store outage the replies are held and the asking waits (see :mod:`assay.store.sink`)."""
    budget = budget or Budget()
    progress = Progress(total=len(work))
    queue: asyncio.Queue[tuple[Question, int]] = asyncio.Queue()
    for item in work:
        queue.put_nowait(item)
    sink = ReplySink(store, run_id, patience=patience or Patience(), spill=spill)
    writer = asyncio.create_task(sink.run())

    async def worker() -> None:
        while True:
            if not await sink.ready():  # the store is away: wait; it stopped: ask nothing more
                return
            try:
                question, attempt = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            if not budget.allows():
                progress.skipped += 1
                continue
            budget.requests += 1
            record = await _ask(target, question, attempt)
            budget.tokens += (record.prompt_tokens or 0) + (record.completion_tokens or 0)
            await sink.put(record)
            progress.done += 1
            progress.errors += not record.ok
            if on_progress is not None:
                on_progress(progress)

    try:
        await asyncio.gather(*(worker() for _ in range(max(1, min(workers, len(work) or 1)))))
    finally:
        await sink.close()
        await writer  # raises the store's error, if it failed (after keeping the replies)
    return progress


async def _ask(target: Target, question: Question, attempt: int) -> ReplyRecord:
    started = time.perf_counter()
    try:
        reply = await target.reply(question)
    except TargetError as error:
        return ReplyRecord(
            question_id=question.id,
            attempt=attempt,
            ok=False,
            error=error.reason,
            status_code=error.status_code,
            latency_ms=(time.perf_counter() - started) * 1000,
        )
    except Exception as exc:  # a target bug must not lose the run: record it as an error
        return ReplyRecord(
            question_id=question.id,
            attempt=attempt,
            ok=False,
            error=f"{type(exc).__name__}: {exc}",
            latency_ms=(time.perf_counter() - started) * 1000,
        )
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
    )
