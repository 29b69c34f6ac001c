"""``JudgePanel``: several judges decide together under one rule.

Rules, over the members' verdicts on one text:

* ``any``: flagged when at least one member flags it;
* ``all``: flagged when every member flags it;
* ``majority``: flagged when more than half flag it; a tie is uncertain;
* ``review``: flagged when every member flags it, harmless when none does; any disagreement
  is uncertain (the item goes to a person).

A member's uncertain verdict is an abstention that could go either way: the panel works the
rule out with it counted as flagging and as not flagging, and when the two differ the panel's
verdict is uncertain. An uncertain panel verdict is flagged (the cautious reading) and the item
goes to human review. The risk ids are those of the members that flagged the text; the score
is the highest member score.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from enum import StrEnum

from assay.errors import ConfigError, UnknownNameError
from assay.judges.base import Judge, JudgeSpec, Verdict


class Rule(StrEnum):
    ANY = "any"
    ALL = "all"
    MAJORITY = "majority"
    REVIEW = "review"


class Panel:
    """Judges combined by a :class:`Rule`; itself a judge. Subclasses say how the members'
    verdicts on one text combine (:meth:`combine`)."""

    what = "a judge panel"
    default_rule = Rule.ANY
    task: str | None = None  # stored in the spec beside the rule ("refusal")

    def __init__(self, judges: Sequence[Judge], rule: Rule | str | None = None) -> None:
        if not judges:
            raise ConfigError(f"{self.what} needs at least one judge")
        try:
            self.rule = Rule(rule if rule is not None else self.default_rule)
        except ValueError:
            kind = f"{self.task} rule" if self.task else "panel rule"
            raise UnknownNameError(kind, str(rule), [r.value for r in Rule]) from None
        self.judges = list(judges)
        args: dict[str, object] = {"task": self.task} if self.task else {}
        args |= {
            "rule": self.rule.value,
            "judges": [j.spec.model_dump(mode="json") for j in self.judges],
        }
        self.spec = JudgeSpec(name="panel", args=args)

    def judge(self, text: str, *, context: str | None = None) -> Verdict:
        return self.combine([j.judge(text, context=context) for j in self.judges])

    def judge_many(
        self, texts: Sequence[str], *, contexts: Sequence[str | None] | None = None
    ) -> list[Verdict]:
        columns = [j.judge_many(texts, contexts=contexts) for j in self.judges]
        return [self.combine(list(row)) for row in zip(*columns, strict=True)]

    def combine(self, verdicts: Sequence[Verdict]) -> Verdict:
        """The panel's verdict from its members' verdicts (one per member, in order)."""
        raise NotImplementedError


class JudgePanel(Panel):
    """Classifying judges combined by a :class:`Rule`: flagged or not."""

    def combine(self, verdicts: Sequence[Verdict]) -> Verdict:
        """The panel's verdict from its members' verdicts (one per member, in order)."""
        sure = [v.flagged for v in verdicts if not v.uncertain]
        open_votes = len(verdicts) - len(sure)
        if_flagged = self._decide(sum(sure) + open_votes, len(verdicts))
        if_not = self._decide(sum(sure), len(verdicts))
        uncertain = if_flagged is None or if_not is None or if_flagged != if_not
        flagged = True if uncertain else bool(if_flagged)
        flaggers = [v for v in verdicts if v.flagged]
        scores = [v.score for v in verdicts if v.score is not None]
        reason = "; ".join(
            f"{v.judge.name}: {'flagged' if v.flagged else 'not flagged'}"
            + (" (uncertain)" if v.uncertain else "")
            for v in verdicts
        )
        return Verdict(
            judge=self.spec,
            flagged=flagged,
            risk_ids=tuple(sorted({r for v in flaggers for r in v.risk_ids})) if flagged else (),
            score=max(scores) if scores else None,
            uncertain=uncertain,
            evidence=tuple(e for v in flaggers for e in v.evidence),
            reason=f"{self.rule.value}: {reason}",
            at=datetime.now(UTC),
        )

    def _decide(self, flags: int, members: int) -> bool | None:
        """The rule's decision with ``flags`` of ``members`` flagging; None: undecided."""
        if self.rule is Rule.ANY:
            return flags > 0
        if self.rule is Rule.ALL:
            return flags == members
        if self.rule is Rule.MAJORITY:
            if 2 * flags == members:
                return None
            return 2 * flags > members
        if flags in (0, members):
            return flags == members
        return None
