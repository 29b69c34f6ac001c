"""Cohen's kappa and Krippendorff's alpha against values computed by hand."""

from __future__ import annotations

import pytest

from assay.stats.agreement import cohen_kappa, krippendorff_alpha


def test_kappa_of_the_textbook_two_by_two_table() -> None:
    # 50 items: both yes 20, A yes / B no 5, A no / B yes 10, both no 15.
    # p_o = 35/50 = 0.7; p_e = 0.5 * 0.6 + 0.5 * 0.4 = 0.5; kappa = 0.2 / 0.5 = 0.4
    a = ["y"] * 25 + ["n"] * 25
    b = ["y"] * 20 + ["n"] * 5 + ["y"] * 10 + ["n"] * 15
    k = cohen_kappa(a, b)
    assert k.value == pytest.approx(0.4)
    assert k.n == 50
    assert k.low is not None
    assert k.high is not None
    assert k.low < 0.4 < k.high


def test_kappa_and_alpha_of_four_items_by_hand() -> None:
    # (a,a) (a,b) (b,b) (b,b): p_o = 3/4, p_e = 1/2 * 1/4 + 1/2 * 3/4 = 1/2, kappa = 1/2.
    # coincidences: o_aa = 2, o_ab = o_ba = 1, o_bb = 4; n_a = 3, n_b = 5, n = 8;
    # alpha = 1 - 7 * 2 / (2 * 3 * 5) = 16/30
    a, b = ["a", "a", "b", "b"], ["a", "b", "b", "b"]
    assert cohen_kappa(a, b).value == pytest.approx(0.5)
    assert krippendorff_alpha(list(zip(a, b, strict=True))).value == pytest.approx(16 / 30)


def test_alpha_of_krippendorffs_own_example_with_missing_values() -> None:
    # Krippendorff (2011), "Computing Krippendorff's alpha-reliability", four observers,
    # twelve units, nominal data: alpha = 0.743 (the last unit has one value and drops out)
    units = [
        [1, 1, 1],
        [2, 2, 3, 2],
        [3, 3, 3, 3],
        [3, 3, 3, 3],
        [2, 2, 2, 2],
        [1, 2, 3, 4],
        [4, 4, 4, 4],
        [1, 1, 2, 1],
        [2, 2, 2, 2],
        [5, 5, 5],
        [1, 1],
        [3],
    ]
    alpha = krippendorff_alpha(units)
    assert alpha.value == pytest.approx(0.743, abs=5e-4)
    assert alpha.n == 11


def test_perfect_agreement_and_undefined_cases() -> None:
    assert cohen_kappa(["a", "b"], ["a", "b"]).value == pytest.approx(1.0)
    one_label = cohen_kappa(["a", "a"], ["a", "a"])
    assert (one_label.value, one_label.low, one_label.high) == (None, None, None)
    assert krippendorff_alpha([["a", "a"], ["a", "a"]]).value is None
    assert krippendorff_alpha([["a"]]).n == 0


def test_the_interval_is_seeded() -> None:
    a = ["y", "n", "y", "y", "n", "n", "y", "n", "y", "y"] * 3
    b = ["y", "n", "n", "y", "n", "y", "y", "n", "y", "n"] * 3
    assert cohen_kappa(a, b, seed=3) == cohen_kappa(a, b, seed=3)
    units = list(zip(a, b, strict=True))
    assert krippendorff_alpha(units, seed=3) == krippendorff_alpha(units, seed=3)


def test_two_raters_kappa_and_alpha_agree_closely() -> None:
    # for two raters and many items alpha is kappa up to a small-sample correction
    a = ["y"] * 25 + ["n"] * 25
    b = ["y"] * 20 + ["n"] * 5 + ["y"] * 10 + ["n"] * 15
    alpha = krippendorff_alpha(list(zip(a, b, strict=True))).value
    assert alpha is not None
    assert alpha == pytest.approx(0.4, abs=0.02)


def test_unequal_lengths_are_refused() -> None:
    with pytest.raises(ValueError, match="same items"):
        cohen_kappa(["a"], ["a", "b"])
