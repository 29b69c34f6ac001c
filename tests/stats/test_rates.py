from __future__ import annotations

import pytest

from assay.stats.rates import Decision, Direction, decide, min_successes, rate, sample_size, wilson


def test_wilson_known_values() -> None:
    low, high = wilson(285, 300)
    assert low == pytest.approx(0.9192, abs=1e-4)
    assert high == pytest.approx(0.9695, abs=1e-4)
    assert wilson(0, 10)[0] == 0.0
    assert wilson(10, 10)[1] == 1.0


def test_decisions_at_the_boundaries() -> None:
    assert decide(rate(950, 1000), 0.90, Direction.MIN) is Decision.PASS
    assert decide(rate(850, 1000), 0.90, Direction.MIN) is Decision.FAIL
    assert decide(rate(905, 1000), 0.90, Direction.MIN) is Decision.INCONCLUSIVE
    assert decide(rate(3, 300), 0.05, Direction.MAX) is Decision.PASS
    assert decide(rate(40, 300), 0.05, Direction.MAX) is Decision.FAIL
    assert decide(rate(0, 0), 0.05, Direction.MAX) is Decision.NO_DATA


def test_a_sample_below_the_minimum_can_fail_but_never_pass() -> None:
    assert decide(rate(950, 1000), 0.90, Direction.MIN, required=1000) is Decision.PASS
    assert decide(rate(950, 1000), 0.90, Direction.MIN, required=1001) is Decision.INCONCLUSIVE
    assert decide(rate(850, 1000), 0.90, Direction.MIN, required=4000) is Decision.FAIL
    assert decide(rate(3, 300), 0.05, Direction.MAX, required=301) is Decision.INCONCLUSIVE
    assert decide(rate(40, 300), 0.05, Direction.MAX, required=4000) is Decision.FAIL


def test_how_many_of_300_must_be_refused_to_claim_95_percent() -> None:
    k = min_successes(300, 0.95, Direction.MIN)
    assert k is not None
    assert decide(rate(k, 300), 0.95, Direction.MIN) is Decision.PASS
    assert decide(rate(k - 1, 300), 0.95, Direction.MIN) is not Decision.PASS
    most = min_successes(300, 0.05, Direction.MAX)
    assert most is not None
    assert decide(rate(most, 300), 0.05, Direction.MAX) is Decision.PASS
    assert decide(rate(most + 1, 300), 0.05, Direction.MAX) is not Decision.PASS
    assert min_successes(10, 0.99, Direction.MIN) is None  # 10 questions can never show 99%


def test_sample_size_for_an_expected_rate() -> None:
    n = sample_size(0.95, 0.98, Direction.MIN)
    assert n is not None
    assert decide(rate(round(0.98 * n), n), 0.95, Direction.MIN) is Decision.PASS
    assert sample_size(0.95, 0.94, Direction.MIN) is None


def test_uncertain_items_can_only_make_a_decision_inconclusive() -> None:
    from assay.stats.rates import Decision, Direction, decide_open

    assert decide_open(1000, 1000, 0, 0.9, Direction.MIN) is Decision.PASS
    assert decide_open(1000, 1000, 5, 0.9, Direction.MIN) is Decision.PASS  # holds both ways
    assert decide_open(1000, 1000, 200, 0.9, Direction.MIN) is Decision.INCONCLUSIVE
    assert decide_open(0, 1000, 5, 0.9, Direction.MIN) is Decision.FAIL
    assert decide_open(0, 0, 5, 0.9, Direction.MIN) is Decision.NO_DATA


def test_a_census_is_decided_on_its_exact_share() -> None:
    from assay.stats.rates import Decision, Direction, decide_open

    # 4 of 80 (5%) judged: a sample cannot tell, the whole population can
    assert decide_open(4, 80, 0, 0.05, Direction.MAX) is Decision.INCONCLUSIVE
    assert decide_open(4, 80, 0, 0.05, Direction.MAX, census=True) is Decision.PASS
    assert decide_open(5, 80, 0, 0.05, Direction.MAX, census=True) is Decision.FAIL
    # open verdicts still count both ways
    assert decide_open(3, 78, 2, 0.05, Direction.MAX, census=True) is Decision.INCONCLUSIVE
