"""A Python callable as the target, for users who embed Assay: ``fn(text) -> str`` (sync or
async), or returning a :class:`TargetReply`. A reply blocked by the service's own filter is a
``TargetReply(blocked=Block(...))``, or a string matching one of the ``blocked`` text rules."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from assay.banks.models import Question
from assay.errors import TargetError
from assay.targets.base import TargetReply, split_reasoning
from assay.targets.blocked import BlockMatcher, BlockRule

Answerer = Callable[[str], "str | TargetReply | Awaitable[str | TargetReply]"]


class CallableTarget:
    def __init__(
        self,
        fn: Callable[[str], Any],
        *,
        name: str | None = None,
        blocked: Sequence[BlockRule] = (),
    ) -> None:
        self.fn = fn
        self.name = name or getattr(fn, "__qualname__", "callable")
        self.blocks = BlockMatcher(blocked, builtin=False)

    def spec(self) -> dict[str, Any]:
        return {"kind": "callable", "name": self.name}

    async def reply(self, question: Question) -> TargetReply:
        try:
            result = self.fn(question.text)
            if inspect.isawaitable(result):
                result = await result
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            raise TargetError(f"{type(exc).__name__}: {exc}") from None
        if isinstance(result, TargetReply):
            return result
        if not isinstance(result, str):
            raise TargetError(f"the callable returned {type(result).__name__}, not str")
        answer, reasoning = split_reasoning(result)
        block = self.blocks.reply(answer, None, None)
        if block is not None:
            return TargetReply(answer=answer, reasoning=reasoning, blocked=block)
        if not answer.strip():
            raise TargetError("empty answer")  # never counted as an answer or a refusal
        return TargetReply(answer=answer, reasoning=reasoning)

    async def aclose(self) -> None:
        return None
