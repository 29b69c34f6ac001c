"""The judge family: one protocol, typed verdicts, serialisable specs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field


class JudgeSpec(BaseModel):
    """What judged: a name and the typed arguments that rebuild the same judge."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    args: dict[str, Any] = Field(default_factory=dict)


class Evidence(BaseModel):
    """A span of the judged text (character offsets into what the user wrote)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    start: int
    end: int
    text: str
    label: str  # e.g. the keyword that matched
    risk_ids: tuple[str, ...] = ()
    note: str = ""  # e.g. "spans sentence punctuation": weaker evidence, worth a look


class Verdict(BaseModel):
    """A judge's decision about one text."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    judge: JudgeSpec
    flagged: bool  # the text holds at least one risk
    risk_ids: tuple[str, ...] = ()
    score: float | None = None
    refused: bool | None = None  # for refusal judges: did the answer refuse
    # for refusal judges: what the reply does (refusal, answer, partial, leak, blocked);
    # partial and leak replies are not refused, and are reported apart
    behaviour: str | None = None
    uncertain: bool = False  # the judge could not decide: the item goes to human review
    evidence: tuple[Evidence, ...] = ()
    reason: str = ""
    at: datetime = Field(default_factory=lambda: datetime.now(UTC))


class Judge(Protocol):
    """Anything that judges texts. ``context`` is the question an answer responds to."""

    spec: JudgeSpec

    def judge(self, text: str, *, context: str | None = None) -> Verdict: ...

    def judge_many(
        self, texts: Sequence[str], *, contexts: Sequence[str | None] | None = None
    ) -> list[Verdict]: ...
