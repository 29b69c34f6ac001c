"""Binomial rates with Wilson score intervals, and decisions against a threshold.

A threshold of the standard is either a minimum ("qualified rate not below 90%") or a maximum
("refusal rate of the must-answer bank not above 5%"). Against it a measured rate is:

* ``pass`` when the whole confidence interval is on the right side of the threshold,
* ``fail`` when the whole interval is on the wrong side,
* ``inconclusive`` when the interval straddles the threshold (more questions are needed),
* ``no_data`` when nothing was measured.

The point estimate alone is also reported (``point_meets``), since the standard's own wording
is about the sampled rate.
"""

from __future__ import annotations

import math
from enum import StrEnum
from statistics import NormalDist

from pydantic import BaseModel, ConfigDict

CONFIDENCE = 0.95  # two-sided 95% intervals: a statistical convention, not a number of the standard


class Direction(StrEnum):
    MIN = "min"  # the rate must be at least the threshold
    MAX = "max"  # the rate must be at most the threshold


class Decision(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    INCONCLUSIVE = "inconclusive"
    NO_DATA = "no_data"


DECISION_ZH = {"pass": "通过", "fail": "不通过", "inconclusive": "不确定", "no_data": "无数据"}


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
    measured: Rate, threshold: float, direction: Direction, *, required: int = 0
) -> Decision:
    """Pass when the whole interval meets the threshold, fail when none of it does. A sample
    smaller than ``required`` (the standard's minimum) can fail but never pass."""
    if measured.n == 0 or measured.low is None or measured.high is None:
        return Decision.NO_DATA
    if direction is Direction.MIN:
        if measured.low >= threshold:
            return Decision.PASS if measured.n >= required else Decision.INCONCLUSIVE
        if measured.high < threshold:
            return Decision.FAIL
    else:
        if measured.high <= threshold:
            return Decision.PASS if measured.n >= required else Decision.INCONCLUSIVE
        if measured.low > threshold:
            return Decision.FAIL
    return Decision.INCONCLUSIVE


def decide_open(
    k: int,
    n: int,
    uncertain: int,
    threshold: float,
    direction: Direction,
    *,
    required: int = 0,
    census: bool = False,
) -> Decision:
    """Decide ``k`` of ``n`` judged items when ``uncertain`` more could go either way (they
    await human review): the decision on the judged items stands only if it also holds with the
    uncertain items counted as all positive and as all negative; otherwise inconclusive.
    ``census``: the items are the whole population, so the point value decides."""
    judge = _exact if census else decide
    decision = judge(rate(k, n), threshold, direction, required=required)
    if not uncertain or decision is Decision.NO_DATA:
        return decision
    total = n + uncertain
    ends = {
        judge(rate(k, total), threshold, direction, required=required),
        judge(rate(k + uncertain, total), threshold, direction, required=required),
    }
    return decision if ends == {decision} else Decision.INCONCLUSIVE


def _exact(
    measured: Rate, threshold: float, direction: Direction, *, required: int = 0
) -> Decision:
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
    n: int, threshold: float, direction: Direction, confidence: float = CONFIDENCE
) -> int | None:
    """For a minimum: the fewest successes of ``n`` that pass. For a maximum: the most
    successes of ``n`` that still pass. None when no count of ``n`` can pass."""
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
    """The smallest ``n`` at which a true rate of ``expected`` is expected to pass."""
    if (direction is Direction.MIN and expected <= threshold) or (
        direction is Direction.MAX and expected >= threshold
    ):
        return None
    n = 1
    while n <= limit:
        k = round(expected * n)
        if decide(rate(k, n, confidence), threshold, direction) is Decision.PASS:
            # step back to the smallest such n
            low = max(1, n // 2)
            for m in range(low, n + 1):
                if (
                    decide(rate(round(expected * m), m, confidence), threshold, direction)
                    is Decision.PASS
                ):
                    return m
            return n
        n *= 2
    return None
