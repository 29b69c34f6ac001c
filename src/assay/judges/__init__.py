"""Judges decide about a text (keywords, classifier, LLM judge, refusal) and return Verdicts.

Implementations are imported on first use (``assay.judges.KeywordJudge`` imports the keyword
engine then), so that importing the family's base stays cheap."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from assay.judges.base import Evidence, Judge, JudgeSpec, Verdict

if TYPE_CHECKING:
    from assay.judges.keyword import KeywordJudge
    from assay.judges.specs import JudgeConfig

__all__ = ["Evidence", "Judge", "JudgeConfig", "JudgeSpec", "KeywordJudge", "Verdict"]


def __getattr__(name: str) -> Any:
    if name == "KeywordJudge":
        from assay.judges.keyword import KeywordJudge

        return KeywordJudge
    if name == "JudgeConfig":  # the specs build every judge's model: only when asked for
        from assay.judges.specs import JudgeConfig

        return JudgeConfig
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
