"""Judges decide about a text (keywords, classifier, LLM judge, refusal) and return Verdicts."""

from assay.judges.base import Evidence, Judge, JudgeSpec, Verdict
from assay.judges.keyword import KeywordJudge

__all__ = ["Evidence", "Judge", "JudgeSpec", "KeywordJudge", "Verdict"]
