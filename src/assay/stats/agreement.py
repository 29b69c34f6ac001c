"""Agreement between people who label the same items: Cohen's kappa for one pair of raters,
Krippendorff's alpha (nominal) over any number of raters, each with a bootstrap interval.

Cohen's kappa: ``(p_o - p_e) / (1 - p_e)`` with ``p_o`` the share of items the two label alike
and ``p_e = sum_k p_a(k) p_b(k)`` the share expected by chance from each rater's own label
frequencies. Krippendorff's alpha: ``1 - (n - 1) * sum_{c != k} o_ck / sum_{c != k} n_c n_k``
over the coincidence matrix ``o`` (each unit with ``m >= 2`` values adds ``1 / (m - 1)`` for
every ordered pair of its values), ``n_c`` its margins and ``n`` its total. Units with fewer
than two values are left out, as the definition does. Both are undefined (``value`` None) when
the labels leave no room for chance disagreement (everyone used one and the same label).

The intervals resample the items (units) with replacement, ``resamples`` times with a seeded
generator, and take the percentile interval of the defined values (95% by default): the items
are the sampled population, the raters are fixed.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel

from assay.stats.rates import CONFIDENCE

RESAMPLES = 1000


class Agreement(BaseModel):
    """An agreement coefficient over ``n`` items with its bootstrap interval; ``value`` is None
    when it is undefined on these labels (and then so are the bounds)."""

    value: float | None
    low: float | None
    high: float | None
    n: int


def cohen_kappa(
    a: Sequence[Hashable],
    b: Sequence[Hashable],
    *,
    resamples: int = RESAMPLES,
    seed: int = 0,
    confidence: float = CONFIDENCE,
) -> Agreement:
    """Cohen's kappa of two raters' labels of the same items (``a[i]`` and ``b[i]`` label item
    ``i``), with a bootstrap interval."""
    if len(a) != len(b):
        raise ValueError("the two raters must label the same items")
    codes, k = _codes([*a, *b])
    first, second = codes[: len(a)], codes[len(a) :]
    value = _kappa(first, second, k)
    if not len(a):
        return Agreement(value=None, low=None, high=None, n=0)
    picks = _picks(len(a), resamples, seed)
    values = np.array([_kappa(first[p], second[p], k) for p in picks], dtype=object)
    low, high = _interval(values, confidence)
    return Agreement(value=value, low=low, high=high, n=len(a))


def krippendorff_alpha(
    units: Sequence[Sequence[Hashable]],
    *,
    resamples: int = RESAMPLES,
    seed: int = 0,
    confidence: float = CONFIDENCE,
) -> Agreement:
    """Krippendorff's alpha (nominal) of units, each the labels its raters gave (any number;
    a unit with fewer than two is left out), with a bootstrap interval over the units."""
    kept = [list(u) for u in units if len(u) >= 2]
    if not kept:
        return Agreement(value=None, low=None, high=None, n=0)
    codes, k = _codes([v for u in kept for v in u])
    per_unit = np.zeros((len(kept), k * k))  # each unit's coincidences, flattened
    at = 0
    for row, unit in enumerate(kept):
        m = len(unit)
        counts = np.bincount(codes[at : at + m], minlength=k).astype(float)
        at += m
        pairs = np.outer(counts, counts) - np.diag(counts)  # ordered pairs of distinct values
        per_unit[row] = (pairs / (m - 1)).ravel()
    value = _alpha(per_unit.sum(axis=0), k)
    weights = np.stack(
        [np.bincount(p, minlength=len(kept)) for p in _picks(len(kept), resamples, seed)]
    )
    totals = weights @ per_unit
    values = np.array([_alpha(row, k) for row in totals], dtype=object)
    low, high = _interval(values, confidence)
    return Agreement(value=value, low=low, high=high, n=len(kept))


def _codes(labels: Sequence[Hashable]) -> tuple[NDArray[np.int64], int]:
    index: dict[Hashable, int] = {}
    codes = np.array([index.setdefault(x, len(index)) for x in labels], dtype=np.int64)
    return codes, max(len(index), 1)


def _kappa(a: NDArray[np.int64], b: NDArray[np.int64], k: int) -> float | None:
    n = len(a)
    if n == 0:
        return None
    observed = float(np.mean(a == b))
    expected = float(np.dot(np.bincount(a, minlength=k), np.bincount(b, minlength=k))) / (n * n)
    if expected >= 1.0 - 1e-12:
        return None
    return (observed - expected) / (1.0 - expected)


def _alpha(coincidences: NDArray[np.float64], k: int) -> float | None:
    o = coincidences.reshape(k, k)
    margins = o.sum(axis=1)
    n = float(margins.sum())
    disagree = float(o.sum() - np.trace(o))
    chance = float(margins.sum() ** 2 - np.dot(margins, margins))
    if n <= 1 or chance <= 1e-12:
        return None
    return 1.0 - (n - 1.0) * disagree / chance


def _picks(n: int, resamples: int, seed: int) -> NDArray[np.int64]:
    rng = np.random.default_rng(seed)
    return rng.integers(0, n, size=(resamples, n))


def _interval(values: NDArray[np.object_], confidence: float) -> tuple[float | None, float | None]:
    defined = np.array([v for v in values if v is not None], dtype=float)
    if not len(defined):
        return None, None
    tail = (1.0 - confidence) / 2.0 * 100.0
    low, high = np.percentile(defined, [tail, 100.0 - tail])
    return float(low), float(high)
