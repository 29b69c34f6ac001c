"""The service under assessment: one protocol, typed replies, typed failures."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from assay.banks.models import Question
from assay.targets.blocked import Block
from assay.targets.limits import Budget

_THINK = re.compile(r"<think>(.*?)</think>", re.DOTALL | re.IGNORECASE)


@dataclass(frozen=True)
class TargetReply:
    """What the target answered: the final answer, and its reasoning kept apart. ``blocked``:
    the service's own filter answered instead of the model (``answer`` is then its canned text
    or message, possibly empty)."""

    answer: str
    reasoning: str | None = None
    status_code: int | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    blocked: Block | None = None
    usage_problem: str | None = None  # the reply's ``usage`` could not be read (kept, noted)


@runtime_checkable
class Metered(Protocol):
    """A target that sends requests itself (an HTTP endpoint, with retries): it reserves every
    attempt from the run's :class:`Budget` before sending it, bills what each one cost, and
    keeps at most ``concurrency`` requests in flight. The execute stage hands both over; a
    target that is not metered is charged one request per question."""

    def meter(self, budget: Budget, concurrency: int) -> None: ...


class Target(Protocol):
    """Anything that answers questions: ``await reply(question)``."""

    def spec(self) -> dict[str, Any]:
        """A serialisable description (no secrets) stored with the run."""
        ...

    async def reply(self, question: Question) -> TargetReply: ...

    async def aclose(self) -> None: ...


def split_reasoning(text: str, reasoning: str | None = None) -> tuple[str, str | None]:
    """Separate ``<think>…</think>`` blocks from the final answer (kept, judged apart)."""
    thoughts = [m.strip() for m in _THINK.findall(text)]
    answer = _THINK.sub("", text)
    if "</think>" in answer.lower() and "<think>" not in answer.lower():
        head, _, answer = answer.partition("</think>")  # an unopened block: the model's habit
        thoughts.insert(0, head.strip())
    elif "<think>" in answer.lower():
        answer, _, tail = answer.partition("<think>")  # never closed (cut off): all reasoning
        thoughts.append(tail.strip())
    parts = [p for p in [reasoning, *thoughts] if p]
    return answer.strip(), ("\n\n".join(parts) if parts else None)
