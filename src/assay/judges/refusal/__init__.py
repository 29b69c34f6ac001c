"""The refusal judge: what a reply *does* for the person who asked (../shared/REFUSAL.md)."""

from assay.judges.refusal.judge import RefusalJudge
from assay.judges.refusal.rules import Behaviour, strip_reasoning

__all__ = ["Behaviour", "RefusalJudge", "strip_reasoning"]
