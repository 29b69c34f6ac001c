"""The guard's detectors beyond the keywords and the classifier (``guard.detectors``).

* The **guard model** (:class:`~assay.guard.model.GuardModel`) judges on the request path, the
  input before it is forwarded and the output before it is shown: its unsafe verdicts become
  findings acted on by the direction's policy (a mask policy blocks: a verdict has no span to
  hide). When its endpoint fails, ``on_error`` decides: ``block`` (fail-closed, the default
  both ways) or ``allow`` (fail-open); either way the failure is counted
  (``assay_guard_guard_model_total{outcome="error"}``) and logged, never taken for clean. A
  fail-closed block is the guard's own failure, not the user's: it is not counted for 7.g.1.
* The **LLM judge** (a project judge spec of kind ``llm``) judges what passed, off the request
  path: texts wait in a bounded queue (``llm_queue``; a text that finds it full is dropped and
  counted) for ``llm_workers`` workers, and a verdict only ever flags: a decision-log line and
  the ``assay_guard_llm_judge_*`` metrics. It never blocks, masks, or delays a reply.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson
from pydantic import ValidationError

from assay.errors import ConfigError
from assay.guard.core import Decision, Finding, Guard
from assay.guard.metrics import counter
from assay.guard.model import GuardModel
from assay.guard_config import Direction, GuardConfig
from assay.judges.base import Verdict
from assay.judges.llm import ENDPOINT_ERROR, LLMJudge
from assay.judges.specs import LLMSpec, judge_config
from assay.messages import t
from assay.standard.models import Profile

log = logging.getLogger("assay.guard.decisions")
MODEL = "guard_model"
UNAVAILABLE = "guard_model_unavailable"  # a fail-closed block: the model could not judge


@dataclass(frozen=True, slots=True)
class Pending:
    """A text that passed, waiting for the LLM judge."""

    direction: Direction
    route: str
    user: str
    text: str
    context: str | None
    library: str
    log_text: bool


@dataclass(frozen=True, slots=True)
class Judged:
    """The LLM judge's result on one text: ``outcome`` flag, clean, uncertain or error."""

    pending: Pending
    outcome: str
    risk_ids: tuple[str, ...] = ()
    reason: str = ""


class DetectorMetrics:
    def __init__(self) -> None:
        self.model: Counter[tuple[str, str]] = Counter()  # (direction, safe|unsafe|error)
        self.model_errors: Counter[tuple[str, str]] = Counter()  # (direction, block|allow)
        self.llm: Counter[tuple[str, str]] = Counter()  # (direction, outcome)
        self.llm_flags: Counter[tuple[str, str]] = Counter()  # (direction, risk)
        self.llm_dropped = 0

    def lines(self, queued: int) -> list[str]:
        return [
            *counter(
                "assay_guard_guard_model_total",
                "Guard model verdicts by direction and outcome.",
                ("direction", "outcome"),
                self.model,
            ),
            *counter(
                "assay_guard_guard_model_errors_total",
                "Texts the guard model could not judge, by direction and what on_error did.",
                ("direction", "action"),
                self.model_errors,
            ),
            *counter(
                "assay_guard_llm_judge_total",
                "LLM judge results by direction and outcome.",
                ("direction", "outcome"),
                self.llm,
            ),
            *counter(
                "assay_guard_llm_judge_flags_total",
                "Texts the LLM judge flagged, by risk.",
                ("direction", "risk"),
                self.llm_flags,
            ),
            *counter(
                "assay_guard_llm_judge_dropped_total",
                "Texts dropped: the judge's queue was full.",
                (),
                {(): self.llm_dropped},
            ),
            *counter(
                "assay_guard_llm_judge_queued",
                "Texts waiting for the LLM judge.",
                (),
                {(): queued},
                kind="gauge",
            ),
        ]


def banned(decision: Decision) -> bool:
    """The input was blocked for what it holds (7.g.1 counts it), not because a detector
    could not judge it."""
    return decision.blocked and any(
        f.action == "block" and f.detector != UNAVAILABLE for f in decision.findings
    )


class Detectors:
    """The guard model and the LLM judge of one service (kept across keyword reloads)."""

    def __init__(
        self,
        config: GuardConfig,
        model: GuardModel | None = None,
        judge: LLMJudge | None = None,
    ) -> None:
        self.config = config.detectors
        self.model = model
        self.judge = judge
        self.metrics = DetectorMetrics()
        self.listeners: list[Callable[[Judged], None]] = []  # told of each LLM judge result
        self._queue: asyncio.Queue[Pending] = asyncio.Queue(self.config.llm_queue)
        self._workers: list[asyncio.Task[None]] = []

    @property
    def active(self) -> bool:
        return self.model is not None or self.judge is not None

    # -- the guard model: on the request path ---------------------------------------------

    async def screen(
        self, guard: Guard, decision: Decision, context: str | None = None
    ) -> Decision:
        """``decision`` with the guard model's verdict on its text (an answer to ``context``
        when given) taken into account; a text already blocked is not sent."""
        if self.model is None or decision.blocked or not decision.text:
            return decision
        direction = decision.direction
        answer = await self.model.read(decision.text, context)
        if answer.reading is None:
            return self._failed(guard, decision, answer.error)
        reading = answer.reading
        unsafe = reading.label == "unsafe" or (
            reading.label == "controversial" and self.model.config.controversial == "unsafe"
        )
        self.metrics.model[direction, "unsafe" if unsafe else "safe"] += 1
        if not unsafe:
            return decision
        action = guard.action(answer.risk_ids, direction)
        action = "block" if action == "mask" else action  # a verdict has no span to hide
        label = f"{self.model.name}: {reading.label}"
        if reading.categories:
            label += " (" + ", ".join(reading.categories) + ")"
        return guard.with_findings(decision, [Finding(MODEL, answer.risk_ids, action, label)])

    def _failed(self, guard: Guard, decision: Decision, error: str) -> Decision:
        assert self.model is not None
        direction = decision.direction
        policy = self.model.config.on_error.input if direction == "input" else (
            self.model.config.on_error.output
        )  # fmt: skip
        self.metrics.model[direction, "error"] += 1
        self.metrics.model_errors[direction, policy] += 1
        event = {
            "ts": time.time(),
            "event": "guard_model_error",
            "direction": direction,
            "error": error,
            "action": policy,
        }
        log.warning(orjson.dumps(event).decode())
        if policy == "allow":
            return decision
        finding = Finding(UNAVAILABLE, (), "block", f"{self.model.name}: {error}")
        return guard.with_findings(decision, [finding])

    # -- the LLM judge: after the reply ---------------------------------------------------

    def submit(self, pending: Pending) -> None:
        """Queue a text that passed for the LLM judge (dropped, and counted, when full)."""
        if self.judge is None or not pending.text:
            return
        try:
            self._queue.put_nowait(pending)
        except asyncio.QueueFull:
            self.metrics.llm_dropped += 1

    def start(self) -> None:
        """Start the LLM judge's workers (in the service's event loop)."""
        if self.judge is None or self._workers:
            return
        self._workers = [asyncio.create_task(self._work()) for _ in range(self.config.llm_workers)]

    async def close(self) -> None:
        for task in self._workers:
            task.cancel()
        await asyncio.gather(*self._workers, return_exceptions=True)
        self._workers = []
        if self.model is not None:
            await self.model.close()

    def render(self) -> str:
        return "\n".join(self.metrics.lines(self._queue.qsize())) + "\n"

    async def _work(self) -> None:
        while True:
            pending = await self._queue.get()
            try:
                judged = await self._judge(pending)
            finally:
                self._queue.task_done()
            self._report(judged)

    async def _judge(self, pending: Pending) -> Judged:
        assert self.judge is not None
        try:
            verdicts = await self.judge.ajudge_many([pending.text], contexts=[pending.context])
        except Exception as exc:  # a worker must outlive a misconfigured or broken judge
            return Judged(pending, "error", reason=type(exc).__name__)
        return _judged(pending, verdicts[0])

    def _report(self, judged: Judged) -> None:
        pending = judged.pending
        self.metrics.llm[pending.direction, judged.outcome] += 1
        for risk in judged.risk_ids:
            self.metrics.llm_flags[pending.direction, risk] += 1
        line: dict[str, Any] = {
            "ts": time.time(),
            "event": "llm_judge",
            "route": pending.route,
            "direction": pending.direction,
            "action": "flag" if judged.outcome == "flag" else "allow",
            "outcome": judged.outcome,
            "risk_ids": judged.risk_ids,
            "user": pending.user,
            "library": pending.library,
        }
        if judged.outcome != "clean":
            line["reason"] = judged.reason
        if pending.log_text:
            line["text"] = pending.text
        (log.warning if judged.outcome == "error" else log.info)(orjson.dumps(line).decode())
        for listener in self.listeners:
            listener(judged)


def _judged(pending: Pending, verdict: Verdict) -> Judged:
    if verdict.uncertain:
        error = verdict.reason.startswith(ENDPOINT_ERROR)
        return Judged(pending, "error" if error else "uncertain", reason=verdict.reason)
    if verdict.flagged:
        return Judged(pending, "flag", verdict.risk_ids, verdict.reason)
    return Judged(pending, "clean")


def build_detectors(config: GuardConfig, profile: Profile) -> Detectors:
    """The detectors ``guard.detectors`` names (none: an inactive :class:`Detectors`)."""
    settings = config.detectors
    model = GuardModel(settings.guard_model) if settings.guard_model is not None else None
    judge = None
    if settings.llm_judge is not None:
        try:
            spec = judge_config(settings.llm_judge)
        except ValidationError as exc:
            raise ConfigError(
                t("guard.llm_judge_invalid", "en", reason=exc.errors()[0]["msg"])
            ) from None
        if not isinstance(spec, LLMSpec) or spec.task != "content":
            raise ConfigError(t("guard.llm_judge_kind", "en", spec=str(spec)))
        judge = LLMJudge(spec.config(), profile)
    return Detectors(config, model, judge)
