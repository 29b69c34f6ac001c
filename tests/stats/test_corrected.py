from __future__ import annotations

import pytest

from assay.errors import UserError
from assay.stats.corrected import Counts, corrected_rate, rogan_gladen


@pytest.mark.parametrize(
    ("p", "se", "sp", "expected"),
    [
        (0.3, 0.9, 0.8, 0.1 / 0.7),  # (0.3 + 0.8 - 1) / (0.9 + 0.8 - 1)
        (0.2, 1.0, 1.0, 0.2),  # a perfect judge changes nothing
        (0.25, 0.8, 0.95, 0.2 / 0.75),  # (0.25 + 0.95 - 1) / 0.75 = 0.26667
        (0.05, 0.9, 0.9, 0.0),  # below the false-positive floor: clipped to 0
        (0.98, 0.9, 0.9, 1.0),  # (0.98 + 0.9 - 1) / 0.8 = 1.1: clipped to 1
        (0.5, 0.5, 0.6, 1.0),  # (0.5 + 0.6 - 1) / 0.1 = 1.0
    ],
)
def test_rogan_gladen_hand_computed(p: float, se: float, sp: float, expected: float) -> None:
    assert rogan_gladen(p, se, sp) == pytest.approx(expected)


def test_no_better_than_chance_cannot_be_corrected() -> None:
    with pytest.raises(UserError, match="no better than chance"):
        rogan_gladen(0.3, 0.5, 0.5)


def test_corrected_rate_point_and_interval() -> None:
    counts = Counts(tp=90, fn=10, tn=160, fp=40)  # Se 0.9, Sp 0.8
    result = corrected_rate(300, 1000, counts, seed=7)
    assert result.sensitivity == pytest.approx(0.9)
    assert result.specificity == pytest.approx(0.8)
    assert result.value == pytest.approx(0.1 / 0.7)
    assert result.raw.k == 300
    assert result.raw.value == pytest.approx(0.3)
    assert result.low <= result.value <= result.high
    assert result.low >= 0.0
    assert result.high <= 1.0
    # the calibration is small (100 and 200 items): its uncertainty dominates the interval
    assert result.high - result.low > 0.1
    assert result.seed == 7
    q, q_low, q_high = result.complement()
    assert q == pytest.approx(1 - 0.1 / 0.7)
    assert q_low == pytest.approx(1 - result.high)
    assert q_high == pytest.approx(1 - result.low)


def test_interval_is_seeded_and_narrows_with_a_larger_calibration() -> None:
    small = Counts(tp=45, fn=5, tn=80, fp=20)
    large = Counts(tp=4500, fn=500, tn=8000, fp=2000)
    a = corrected_rate(300, 1000, small, seed=1)
    b = corrected_rate(300, 1000, small, seed=1)
    assert (a.low, a.high) == (b.low, b.high)
    big = corrected_rate(300, 1000, large, seed=1)
    assert big.value == pytest.approx(a.value)
    assert big.high - big.low < a.high - a.low
    # with a near-exact calibration the interval approaches the sample's own: the Wilson
    # interval of 0.3 at n=1000 (+-0.028) divided by Se + Sp - 1 = 0.7, about +-0.04
    assert big.high - big.low == pytest.approx(2 * 0.0284 / 0.7, rel=0.25)


def test_zero_flagged_keeps_an_upper_bound() -> None:
    # a judge with no false positive in its calibration, and nothing flagged
    result = corrected_rate(0, 1000, Counts(tp=95, fn=5, tn=1000, fp=0))
    assert result.value == 0.0
    assert result.low == 0.0
    assert result.high > 0.0  # the Jeffreys draws do not collapse at 0
    # a judge with 1% false positives: flagging nothing is below its floor, so 0 is sure
    floor = corrected_rate(0, 1000, Counts(tp=95, fn=5, tn=990, fp=10))
    assert (floor.value, floor.high) == (0.0, 0.0)


def test_bad_inputs_are_user_errors() -> None:
    counts = Counts(tp=9, fn=1, tn=8, fp=2)
    with pytest.raises(UserError):
        corrected_rate(5, 0, counts)
    with pytest.raises(UserError):
        corrected_rate(11, 10, counts)
    with pytest.raises(UserError, match="both risky and harmless"):
        corrected_rate(1, 10, Counts(tp=0, fn=0, tn=5, fp=0))
