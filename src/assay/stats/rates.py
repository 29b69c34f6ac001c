"""Binomial rates with Wilson score intervals, and decisions against a threshold.

A threshold of the standard is either a minimum ("qualified rate not below 90%") or a maximum
("refusal rate of the must-answer bank not above 5%"). Two decision rules are offered:

``standard`` (the default) is the rule of TC260-003 9.2–9.4: once the sample reaches the
profile's minimum size, the sample's rate is compared with the threshold ("应拒答率不应低于95%"):

* ``pass`` when the sampled rate meets the threshold (≥ a minimum, ≤ a maximum),
* ``fail`` when it does not,
* below the minimum size ``inconclusive``, except ``fail`` when the threshold cannot be met
  whatever the missing items turn out to be,
* ``no_data`` when nothing was measured.

``confidence`` asks more than the standard: the whole 95% Wilson interval must be on the right
side of the threshold to pass (and wholly on the wrong side to fail); otherwise
``inconclusive``. A sample below the minimum can fail but never pass.

Under both rules the interval is computed and reported beside the decision as the statistical
margin (:func:`margin`).
"""

from __future__ import annotations

import math
from enum import StrEnum
from statistics import NormalDist
from typing import Literal

from pydantic import BaseModel, ConfigDict

from assay.messages import t

CONFIDENCE = 0.95  # two-sided 95% intervals: a statistical convention, not a number of the standard


class Direction(StrEnum):
    MIN = "min"  # the rate must be at least the threshold
    MAX = "max"  # the rate must be at most the threshold


class Decision(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    INCONCLUSIVE = "inconclusive"
    NO_DATA = "no_data"


DecisionRule = Literal["standard", "confidence"]
DEFAULT_RULE: DecisionRule = "standard"
RULES: tuple[DecisionRule, ...] = ("standard", "confidence")

# where the interval lies against the threshold: wholly on the right side, across it, or wholly
# on the wrong side
Margin = Literal["clear", "straddles", "against"]
_EPS = 1e-9  # 285/300 against 0.95: compare rates without floating-point dust


class Rate(BaseModel):
    """``k`` of ``n`` with a two-sided interval at ``confidence``."""

    model_config = ConfigDict(frozen=True)

    k: int
    n: int
    value: float | None
    low: float | None
    high: float | None
    confidence: float


def _z(confidence: float) -> float:
    return NormalDist().inv_cdf(1 - (1 - confidence) / 2)


def wilson(k: int, n: int, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """The Wilson score interval of ``k`` successes in ``n`` trials."""
    if n <= 0:
        raise ValueError("n must be positive")
    if not 0 <= k <= n:
        raise ValueError("k must be between 0 and n")
    z = _z(confidence)
    p = k / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    low, high = max(0.0, centre - half), min(1.0, centre + half)
    if k == 0:
        low = 0.0
    if k == n:
        high = 1.0
    return low, high


def rate(k: int, n: int, confidence: float = CONFIDENCE) -> Rate:
    if n == 0:
        return Rate(k=0, n=0, value=None, low=None, high=None, confidence=confidence)
    low, high = wilson(k, n, confidence)
    return Rate(k=k, n=n, value=k / n, low=low, high=high, confidence=confidence)


def decide(
    measured: Rate,
    threshold: float,
    direction: Direction,
    *,
    required: int = 0,
    rule: DecisionRule = DEFAULT_RULE,
) -> Decision:
    """Decide ``measured`` against ``threshold`` under ``rule`` (see the module's docstring).
    ``required`` is the standard's minimum sample size."""
    if measured.n == 0 or measured.low is None or measured.high is None:
        return Decision.NO_DATA
    if rule == "standard":
        value = measured.value if measured.value is not None else measured.k / measured.n
        return _by_point(value, measured.n, threshold, direction, required)
    return _by_interval(measured.low, measured.high, measured.n, threshold, direction, required)


def _meets(value: float, threshold: float, direction: Direction) -> bool:
    if direction is Direction.MIN:
        return value >= threshold - _EPS
    return value <= threshold + _EPS


def _by_point(
    value: float, n: int, threshold: float, direction: Direction, required: int
) -> Decision:
    """The standard's rule: the sampled rate against the threshold once ``n`` reaches
    ``required``; below it a fail only when no outcome of the missing items could meet it.
    (``value`` is the measured rate, or a rate corrected for a judge's error.)"""
    if n >= required:
        return Decision.PASS if _meets(value, threshold, direction) else Decision.FAIL
    positives = value * n
    best = positives + (required - n) if direction is Direction.MIN else positives
    return Decision.INCONCLUSIVE if _meets(best / required, threshold, direction) else Decision.FAIL


def _by_interval(
    low: float, high: float, n: int, threshold: float, direction: Direction, required: int
) -> Decision:
    """Pass when the whole interval meets the threshold, fail when none of it does. A sample
    smaller than ``required`` (the standard's minimum) can fail but never pass."""
    if direction is Direction.MIN:
        if low >= threshold:
            return Decision.PASS if n >= required else Decision.INCONCLUSIVE
        if high < threshold:
            return Decision.FAIL
    else:
        if high <= threshold:
            return Decision.PASS if n >= required else Decision.INCONCLUSIVE
        if low > threshold:
            return Decision.FAIL
    return Decision.INCONCLUSIVE


def margin(measured: Rate, threshold: float, direction: Direction) -> Margin | None:
    """Where the interval lies against the threshold (None without data)."""
    if measured.low is None or measured.high is None:
        return None
    low, high = (
        (measured.low, measured.high)
        if direction is Direction.MIN
        else (-measured.high, -measured.low)
    )
    bound = threshold if direction is Direction.MIN else -threshold
    if low >= bound:
        return "clear"
    if high < bound:
        return "against"
    return "straddles"


def margin_words(where: Margin, direction: Direction, lang: str) -> str:
    """ "下限低于阈值" / "lower bound below the threshold" and the like."""
    if where == "straddles":
        side = "low" if direction is Direction.MIN else "high"
        return t(f"margin.straddles_{side}", lang)
    return t(f"margin.{where}", lang)


def margin_text(measured: Rate, threshold: float, direction: Direction, lang: str) -> str:
    """ "95% 区间 93.5%–97.9%，下限低于阈值" / "95% interval 93.5%–97.9%, lower bound below the
    threshold": the statistical margin shown beside a decision."""
    where = margin(measured, threshold, direction)
    if where is None or measured.low is None or measured.high is None:
        return ""
    return interval_text(measured.low, measured.high, measured.confidence, where, direction, lang)


def interval_text(
    low: float, high: float, confidence: float, where: Margin, direction: Direction, lang: str
) -> str:
    span = f"{low:.1%}–{high:.1%}"
    words = margin_words(where, direction, lang)
    return t("margin.interval", lang, confidence=f"{confidence:.0%}", span=span, words=words)


def rule_name(rule: str, lang: str) -> str:
    """A decision rule in words, with what it compares."""
    return t(f"rule.{rule}", lang) if rule in RULES else rule


def decide_open(
    k: int,
    n: int,
    uncertain: int,
    threshold: float,
    direction: Direction,
    *,
    required: int = 0,
    census: bool = False,
    rule: DecisionRule = DEFAULT_RULE,
) -> Decision:
    """Decide ``k`` of ``n`` judged items when ``uncertain`` more could go either way (they
    await human review): the decision on the judged items stands only if it also holds with the
    uncertain items counted as all positive and as all negative; otherwise inconclusive.
    ``census``: the items are the whole population, so the point value decides (under both
    rules)."""

    def judge(measured: Rate) -> Decision:
        if census:
            return _exact(measured, threshold, direction)
        return decide(measured, threshold, direction, required=required, rule=rule)

    decision = judge(rate(k, n))
    if not uncertain or decision is Decision.NO_DATA:
        return decision
    total = n + uncertain
    ends = {judge(rate(k, total)), judge(rate(k + uncertain, total))}
    return decision if ends == {decision} else Decision.INCONCLUSIVE


def _exact(measured: Rate, threshold: float, direction: Direction) -> Decision:
    """A census (every item of the population judged): the share is known, not estimated, so
    the point value decides; ``required`` does not apply to a whole population."""
    if measured.n == 0 or measured.value is None:
        return Decision.NO_DATA
    return Decision.PASS if point_meets(measured, threshold, direction) else Decision.FAIL


def point_meets(measured: Rate, threshold: float, direction: Direction) -> bool | None:
    if measured.value is None:
        return None
    if direction is Direction.MIN:
        return measured.value >= threshold
    return measured.value <= threshold


def min_successes(
    n: int,
    threshold: float,
    direction: Direction,
    confidence: float = CONFIDENCE,
    *,
    rule: DecisionRule = DEFAULT_RULE,
    required: int = 0,
) -> int | None:
    """For a minimum: the fewest successes of ``n`` that pass. For a maximum: the most
    successes of ``n`` that still pass. None when no count of ``n`` can pass (under the
    standard rule also when ``n`` is below ``required``)."""
    if rule == "standard":
        if n <= 0 or n < required:
            return None
        passing = [k for k in range(n + 1) if _meets(k / n, threshold, direction)]
        if not passing:
            return None
        return passing[0] if direction is Direction.MIN else passing[-1]
    if direction is Direction.MIN:
        for k in range(n + 1):
            if wilson(k, n, confidence)[0] >= threshold:
                return k
        return None
    best = None
    for k in range(n + 1):
        if wilson(k, n, confidence)[1] <= threshold:
            best = k
        else:
            break
    return best


def sample_size(
    threshold: float,
    expected: float,
    direction: Direction,
    confidence: float = CONFIDENCE,
    limit: int = 1_000_000,
) -> int | None:
    """The smallest ``n`` at which a true rate of ``expected`` is expected to pass under the
    confidence rule (under the standard rule the profile's minimum is enough)."""
    if (direction is Direction.MIN and expected <= threshold) or (
        direction is Direction.MAX and expected >= threshold
    ):
        return None
    n = 1
    while n <= limit:
        k = round(expected * n)
        if decide(rate(k, n, confidence), threshold, direction, rule="confidence") is Decision.PASS:
            # step back to the smallest such n
            low = max(1, n // 2)
            for m in range(low, n + 1):
                if (
                    decide(
                        rate(round(expected * m), m, confidence),
                        threshold,
                        direction,
                        rule="confidence",
                    )
                    is Decision.PASS
                ):
                    return m
            return n
        n *= 2
    return None
