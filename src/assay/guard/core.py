"""The guard in process: ``Guard.check(text, direction) -> Decision``.

A :class:`Guard` holds the compiled keyword library (with its allowlist and normalization:
always), the project's classifier (when ``guard.classifier`` is set) and the policy of each
direction (``guard.input``, ``guard.output`` of assay.yaml). :meth:`Guard.check` finds the
risks in a text and decides what happens to it: the most severe action among its findings
(block > mask > flag > allow). The same detectors judge the assessment, so the report's numbers
describe the guard that is deployed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from assay.errors import UnknownNameError
from assay.guard_config import Action, Direction, GuardConfig
from assay.judges.base import Judge
from assay.messages import t
from assay.standard.models import Profile
from assay.text.keywords import KeywordEngine, KeywordHit

SEVERITY: dict[Action, int] = {"allow": 0, "flag": 1, "mask": 2, "block": 3}
MASK = "*"
_CJK = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing found in a text: by which detector, which risks, where (a keyword's span;
    a classifier finding has none) and what the policy does with it."""

    detector: str  # keyword | classifier | guard_model | guard_model_unavailable
    risk_ids: tuple[str, ...]
    action: Action
    label: str  # the keyword, or the classifier's reason
    start: int | None = None
    end: int | None = None
    score: float = 1.0


@dataclass(frozen=True, slots=True)
class Decision:
    """What the guard decided about one text."""

    direction: Direction
    action: Action
    text: str  # the text as given
    findings: tuple[Finding, ...] = ()
    masked: str = ""  # the text with every masked or blocked span hidden
    refusal: str = ""  # what is said instead, when blocked
    risk_ids: tuple[str, ...] = field(default=())  # the risks acted on (allowed ones left out)

    @property
    def blocked(self) -> bool:
        return self.action == "block"

    @property
    def flagged(self) -> bool:
        return self.action != "allow"

    @property
    def passed(self) -> str:
        """The text that may pass: the refusal when blocked, else the masked text."""
        return self.refusal if self.blocked else self.masked


class Guard:
    """The detectors and policies of a project, compiled once; cheap to call."""

    def __init__(
        self,
        engine: KeywordEngine,
        profile: Profile,
        config: GuardConfig | None = None,
        *,
        classifier: Judge | None = None,
        version: str = "",
    ) -> None:
        self.engine = engine
        self.profile = profile
        self.config = config or GuardConfig()
        self.classifier = classifier
        self.version = version  # which library build this is (its digest), for logs and metrics
        self._names = {r.id: (r.name_zh, r.name_en) for r in profile.risks}
        self._policy: dict[Direction, dict[str, Action]] = {
            d: self._resolve(d) for d in ("input", "output")
        }
        self._combined: dict[tuple[Direction, tuple[str, ...]], Action] = {}
        self._refusals = {
            lang: self.config.refusal.get(lang) or t("guard.refusal", lang) for lang in ("zh", "en")
        }

    # -- policy --------------------------------------------------------------------------

    def _resolve(self, direction: Direction) -> dict[str, Action]:
        """Every risk id of the profile mapped to its action: its own entry, else its
        category's, else the direction's default. Unknown names in the policy are errors."""
        policy = self.config.policy(direction)
        known = set(self._names) | {c.id for c in self.profile.categories}
        for name in policy.risks:
            if name not in known:
                raise UnknownNameError(f"risk in guard.{direction}", name, sorted(known))
        return {
            risk: policy.risks.get(risk, policy.risks.get(risk.rsplit(".", 1)[0], policy.default))
            for risk in self._names
        }

    def action(self, risk_ids: Sequence[str], direction: Direction) -> Action:
        """The action for a finding naming ``risk_ids``: the most severe of theirs."""
        key = (direction, tuple(risk_ids))
        cached = self._combined.get(key)
        if cached is not None:
            return cached
        policy = self._policy[direction]
        default = self.config.policy(direction).default
        actions = [policy.get(r, default) for r in risk_ids] or [default]
        found: Action = max(actions, key=SEVERITY.__getitem__)
        self._combined[key] = found
        return found

    def risk_name(self, risk_id: str, lang: str) -> str:
        names = self._names.get(risk_id)
        if names is None:
            return risk_id
        return names[0] if lang == "zh" else names[1]

    def refusal(self, text: str = "") -> str:
        """The refusal in the configured language, or (auto) in the language of ``text``."""
        lang = self.config.lang
        if lang == "auto":
            lang = "zh" if _CJK.search(text) else "en"
        return self._refusals[lang]

    # -- checking ------------------------------------------------------------------------

    def check(self, text: str, direction: Direction = "input") -> Decision:
        """Screen one whole text."""
        hits = self.engine.scan(text)
        if not hits and self.classifier is None:
            return Decision(direction, "allow", text, masked=text)
        return self.decide(text, hits, direction, classify=True)

    def decide(
        self,
        text: str,
        hits: Iterable[KeywordHit],
        direction: Direction,
        *,
        classify: bool,
    ) -> Decision:
        """The decision about ``text`` given its keyword ``hits`` (and, with ``classify``,
        the classifier's verdict on the whole text)."""
        findings = [
            Finding(
                "keyword", h.risk_ids, self.action(h.risk_ids, direction), h.keyword, h.start, h.end
            )
            for h in hits
        ]
        if classify and self.classifier is not None:
            findings += self._classified(text, direction)
        return self._decision(text, findings, direction)

    def with_findings(self, decision: Decision, findings: Sequence[Finding]) -> Decision:
        """``decision`` with another detector's ``findings`` taken into account."""
        if not findings:
            return decision
        merged = [*decision.findings, *findings]
        return self._decision(decision.text, merged, decision.direction)

    def _classified(self, text: str, direction: Direction) -> list[Finding]:
        assert self.classifier is not None
        verdict = self.classifier.judge(text)
        if not verdict.flagged:
            return []
        action = self.action(verdict.risk_ids, direction)
        # a classifier finding has no span to hide: a mask policy cannot apply, so it blocks
        action = "block" if action == "mask" else action
        score = verdict.score if verdict.score is not None else 1.0
        return [Finding("classifier", verdict.risk_ids, action, verdict.reason, score=score)]

    def _decision(self, text: str, findings: list[Finding], direction: Direction) -> Decision:
        if not findings:
            return Decision(direction, "allow", text, masked=text)
        action = max((f.action for f in findings), key=SEVERITY.__getitem__)
        spans = [
            (f.start, f.end)
            for f in findings
            if f.start is not None and f.end is not None and SEVERITY[f.action] >= 2
        ]
        risks = sorted({r for f in findings if f.action != "allow" for r in f.risk_ids})
        return Decision(
            direction,
            action,
            text,
            tuple(findings),
            masked=mask_spans(text, spans) if spans else text,
            refusal=self.refusal(text) if action == "block" else "",
            risk_ids=tuple(risks),
        )


def mask_spans(text: str, spans: Iterable[tuple[int, int]], offset: int = 0) -> str:
    """``text`` with every character inside one of ``spans`` (indices into a longer text that
    ``text`` starts at ``offset`` of) replaced by :data:`MASK`."""
    size = len(text)
    cuts = sorted((max(s - offset, 0), min(e - offset, size)) for s, e in spans)
    pieces: list[str] = []
    at = 0  # everything before it is written
    for start, end in cuts:
        start = max(start, at)
        if end <= start:
            continue
        pieces += (text[at:start], MASK * (end - start))
        at = end
    if not pieces:
        return text
    pieces.append(text[at:])
    return "".join(pieces)
