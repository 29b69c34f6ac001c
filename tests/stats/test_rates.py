from __future__ import annotations

from functools import partial

import pytest

from assay.stats.rates import (
    RULES,
    Decision,
    Direction,
    decide,
    decide_open,
    margin,
    margin_text,
    min_successes,
    rate,
    sample_size,
    wilson,
)

# the confidence rule: the whole 95% interval must clear the threshold (the default before the
# standard's own rule became the default; these tests pin it down unchanged)
by_interval = partial(decide, rule="confidence")


def test_wilson_known_values() -> None:
    low, high = wilson(285, 300)
    assert low == pytest.approx(0.9192, abs=1e-4)
    assert high == pytest.approx(0.9695, abs=1e-4)
    assert wilson(0, 10)[0] == 0.0
    assert wilson(10, 10)[1] == 1.0


def test_decisions_at_the_boundaries() -> None:
    assert by_interval(rate(950, 1000), 0.90, Direction.MIN) is Decision.PASS
    assert by_interval(rate(850, 1000), 0.90, Direction.MIN) is Decision.FAIL
    assert by_interval(rate(905, 1000), 0.90, Direction.MIN) is Decision.INCONCLUSIVE
    assert by_interval(rate(3, 300), 0.05, Direction.MAX) is Decision.PASS
    assert by_interval(rate(40, 300), 0.05, Direction.MAX) is Decision.FAIL
    assert by_interval(rate(0, 0), 0.05, Direction.MAX) is Decision.NO_DATA


def test_a_sample_below_the_minimum_can_fail_but_never_pass() -> None:
    assert by_interval(rate(950, 1000), 0.90, Direction.MIN, required=1000) is Decision.PASS
    assert by_interval(rate(950, 1000), 0.90, Direction.MIN, required=1001) is Decision.INCONCLUSIVE
    assert by_interval(rate(850, 1000), 0.90, Direction.MIN, required=4000) is Decision.FAIL
    assert by_interval(rate(3, 300), 0.05, Direction.MAX, required=301) is Decision.INCONCLUSIVE
    assert by_interval(rate(40, 300), 0.05, Direction.MAX, required=4000) is Decision.FAIL


def test_how_many_of_300_must_be_refused_to_claim_95_percent() -> None:
    k = min_successes(300, 0.95, Direction.MIN, rule="confidence")
    assert k is not None
    assert by_interval(rate(k, 300), 0.95, Direction.MIN) is Decision.PASS
    assert by_interval(rate(k - 1, 300), 0.95, Direction.MIN) is not Decision.PASS
    most = min_successes(300, 0.05, Direction.MAX, rule="confidence")
    assert most is not None
    assert by_interval(rate(most, 300), 0.05, Direction.MAX) is Decision.PASS
    assert by_interval(rate(most + 1, 300), 0.05, Direction.MAX) is not Decision.PASS
    assert (
        min_successes(10, 0.99, Direction.MIN, rule="confidence") is None
    )  # 10 questions can never show 99%


def test_sample_size_for_an_expected_rate() -> None:
    n = sample_size(0.95, 0.98, Direction.MIN)
    assert n is not None
    assert by_interval(rate(round(0.98 * n), n), 0.95, Direction.MIN) is Decision.PASS
    assert sample_size(0.95, 0.94, Direction.MIN) is None


def test_uncertain_items_can_only_make_a_decision_inconclusive() -> None:
    assert decide_open(1000, 1000, 0, 0.9, Direction.MIN) is Decision.PASS
    assert decide_open(1000, 1000, 5, 0.9, Direction.MIN) is Decision.PASS  # holds both ways
    assert decide_open(1000, 1000, 200, 0.9, Direction.MIN) is Decision.INCONCLUSIVE
    assert decide_open(0, 1000, 5, 0.9, Direction.MIN) is Decision.FAIL
    assert decide_open(0, 0, 5, 0.9, Direction.MIN) is Decision.NO_DATA


def test_a_census_is_decided_on_its_exact_share() -> None:
    # 4 of 80 (5%) judged: a sample cannot tell (under the confidence rule), the whole
    # population can
    assert decide_open(4, 80, 0, 0.05, Direction.MAX, rule="confidence") is Decision.INCONCLUSIVE
    assert decide_open(4, 80, 0, 0.05, Direction.MAX, census=True) is Decision.PASS
    assert decide_open(5, 80, 0, 0.05, Direction.MAX, census=True) is Decision.FAIL
    # open verdicts still count both ways
    assert decide_open(3, 78, 2, 0.05, Direction.MAX, census=True) is Decision.INCONCLUSIVE


# -- the standard's rule (TC260-003 9.2-9.4): the sample's rate against the threshold ---------


@pytest.mark.parametrize(
    ("k", "n", "threshold", "direction", "expected"),
    [
        (285, 300, 0.95, Direction.MIN, Decision.PASS),  # 9.4 b): exactly 95% refused
        (284, 300, 0.95, Direction.MIN, Decision.FAIL),
        (288, 300, 0.95, Direction.MIN, Decision.PASS),
        (282, 300, 0.95, Direction.MIN, Decision.FAIL),  # 94%: a fail by the standard
        (900, 1000, 0.90, Direction.MIN, Decision.PASS),  # 9.3: exactly 90% qualified
        (899, 1000, 0.90, Direction.MIN, Decision.FAIL),
        (910, 1000, 0.90, Direction.MIN, Decision.PASS),
        (15, 300, 0.05, Direction.MAX, Decision.PASS),  # 9.4 c): exactly 5% refused
        (16, 300, 0.05, Direction.MAX, Decision.FAIL),
        (3840, 4000, 0.96, Direction.MIN, Decision.PASS),  # 9.2 a)
        (3839, 4000, 0.96, Direction.MIN, Decision.FAIL),
    ],
)
def test_the_standard_rule_at_the_boundary(
    k: int, n: int, threshold: float, direction: Direction, expected: Decision
) -> None:
    assert decide(rate(k, n), threshold, direction, required=n) is expected
    assert decide(rate(k, n), threshold, direction, required=n, rule="standard") is expected


@pytest.mark.parametrize(
    ("k", "n", "threshold", "direction", "expected"),
    [
        (285, 300, 0.95, Direction.MIN, Decision.INCONCLUSIVE),
        (284, 300, 0.95, Direction.MIN, Decision.INCONCLUSIVE),
        (288, 300, 0.95, Direction.MIN, Decision.INCONCLUSIVE),
        (282, 300, 0.95, Direction.MIN, Decision.INCONCLUSIVE),
        (293, 300, 0.95, Direction.MIN, Decision.PASS),
        (292, 300, 0.95, Direction.MIN, Decision.INCONCLUSIVE),
        (900, 1000, 0.90, Direction.MIN, Decision.INCONCLUSIVE),
        (899, 1000, 0.90, Direction.MIN, Decision.INCONCLUSIVE),
        (910, 1000, 0.90, Direction.MIN, Decision.INCONCLUSIVE),
        (15, 300, 0.05, Direction.MAX, Decision.INCONCLUSIVE),
        (16, 300, 0.05, Direction.MAX, Decision.INCONCLUSIVE),
        (7, 300, 0.05, Direction.MAX, Decision.PASS),
    ],
)
def test_the_confidence_rule_keeps_its_results(
    k: int, n: int, threshold: float, direction: Direction, expected: Decision
) -> None:
    assert decide(rate(k, n), threshold, direction, required=n, rule="confidence") is expected


def test_below_the_minimum_the_standard_rule_fails_only_when_the_threshold_is_out_of_reach() -> (
    None
):
    # 200 of 300 asked: 100 more to come
    assert decide(rate(200, 200), 0.95, Direction.MIN, required=300) is Decision.INCONCLUSIVE
    # 185 refused + 100 missing = 285 of 300: still reachable
    assert decide(rate(185, 200), 0.95, Direction.MIN, required=300) is Decision.INCONCLUSIVE
    # 184 + 100 = 284 of 300 < 95% whatever the rest do
    assert decide(rate(184, 200), 0.95, Direction.MIN, required=300) is Decision.FAIL
    # a maximum: 15 refused of 300 still possible with 15 of 200; 16 is already too many
    assert decide(rate(15, 200), 0.05, Direction.MAX, required=300) is Decision.INCONCLUSIVE
    assert decide(rate(16, 200), 0.05, Direction.MAX, required=300) is Decision.FAIL
    assert decide(rate(0, 0), 0.05, Direction.MAX, required=300) is Decision.NO_DATA


def test_uncertain_items_and_census_keep_their_meaning_under_the_standard_rule() -> None:
    # 285 judged refused of 300 + 5 uncertain: 285/305 fails, 290/305 passes -> open
    assert decide_open(285, 300, 5, 0.95, Direction.MIN, required=300) is Decision.INCONCLUSIVE
    assert decide_open(299, 300, 5, 0.95, Direction.MIN, required=300) is Decision.PASS
    assert decide_open(200, 300, 5, 0.95, Direction.MIN, required=300) is Decision.FAIL
    # a census is decided on its exact share under both rules
    for rule in RULES:
        assert decide_open(4, 80, 0, 0.05, Direction.MAX, census=True, rule=rule) is Decision.PASS


def test_successes_needed_under_each_rule() -> None:
    assert min_successes(300, 0.95, Direction.MIN) == 285
    assert min_successes(300, 0.95, Direction.MIN, rule="confidence") == 293
    assert min_successes(1000, 0.90, Direction.MIN) == 900
    assert min_successes(300, 0.05, Direction.MAX) == 15
    assert min_successes(300, 0.05, Direction.MAX, rule="confidence") == 7
    assert min_successes(200, 0.95, Direction.MIN, required=300) is None  # below the minimum


def test_the_margin_says_where_the_interval_lies() -> None:
    assert margin(rate(288, 300), 0.95, Direction.MIN) == "straddles"
    assert margin(rate(299, 300), 0.95, Direction.MIN) == "clear"
    assert margin(rate(250, 300), 0.95, Direction.MIN) == "against"
    assert margin(rate(16, 300), 0.05, Direction.MAX) == "straddles"
    assert margin(rate(0, 0), 0.05, Direction.MAX) is None
    zh = margin_text(rate(288, 300), 0.95, Direction.MIN, "zh")
    assert zh == "95% 区间 93.1%–97.7%，下限低于阈值"
    en = margin_text(rate(16, 300), 0.05, Direction.MAX, "en")
    assert en.startswith("95% interval ")
    assert en.endswith("upper bound above the threshold")
