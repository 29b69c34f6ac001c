"""Rates measured with an imperfect judge, corrected for the judge's error (Rogan-Gladen).

A judge with sensitivity ``Se`` and specificity ``Sp`` flags a share ``p`` of a sample whose true
share of risky items is ``pi``: ``p = Se * pi + (1 - Sp) * (1 - pi)``. Solved for ``pi``::

    pi = (p + Sp - 1) / (Se + Sp - 1)        clipped to [0, 1]

(Rogan and Gladen, 1978). It needs ``Se + Sp > 1``: a judge no better than a coin cannot
correct anything.

The interval carries both uncertainties: the measured sample's and the calibration's own (its
``Se`` and ``Sp`` come from a finite labelled set). It is a seeded parametric bootstrap: each
draw takes the three proportions from the Jeffreys distribution of their counts,
``Beta(k + 1/2, n - k + 1/2)`` (which, unlike resampling, does not collapse to a point when a
count is 0 or n), applies the correction, and the interval is the central ``confidence`` share
of the draws. Draws where ``Se + Sp <= 1`` are discarded and counted.
"""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel, ConfigDict

from assay.errors import UserError
from assay.stats.rates import CONFIDENCE, Rate, rate

DRAWS = 5000
SEED = 0


class Counts(BaseModel):
    """A judge's calibration counts for one risk (or for ``any`` risk)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    tp: int
    fn: int
    tn: int
    fp: int

    @property
    def sensitivity(self) -> float:
        return self.tp / (self.tp + self.fn)

    @property
    def specificity(self) -> float:
        return self.tn / (self.tn + self.fp)


class CorrectedRate(BaseModel):
    """A measured share of flagged items, and the true share after the judge's error."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    raw: Rate
    value: float
    low: float
    high: float
    confidence: float
    sensitivity: float
    specificity: float
    draws: int
    discarded: int
    seed: int

    def complement(self) -> tuple[float, float, float]:
        """The corrected share of items *without* the risk (a qualified rate): value, low, high."""
        return 1.0 - self.value, 1.0 - self.high, 1.0 - self.low


def rogan_gladen(p: float, sensitivity: float, specificity: float) -> float:
    """``(p + Sp - 1) / (Se + Sp - 1)``, clipped to [0, 1]."""
    denominator = sensitivity + specificity - 1.0
    if denominator <= 0:
        raise UserError(
            f"a judge with sensitivity {sensitivity:.3f} and specificity {specificity:.3f} "
            "is no better than chance: its rates cannot be corrected",
            fix="calibrate a better judge, or report the raw rate only",
        )
    return min(1.0, max(0.0, (p + specificity - 1.0) / denominator))


def corrected_rate(
    flagged: int,
    n: int,
    counts: Counts,
    *,
    confidence: float = CONFIDENCE,
    draws: int = DRAWS,
    seed: int = SEED,
) -> CorrectedRate:
    """``flagged`` of ``n`` items flagged by a judge calibrated with ``counts``, corrected."""
    if n <= 0 or not 0 <= flagged <= n:
        raise UserError(f"cannot correct {flagged} of {n}: need 0 <= flagged <= n and n > 0")
    if counts.tp + counts.fn == 0 or counts.tn + counts.fp == 0:
        raise UserError(
            "the calibration needs both risky and harmless labelled items",
            fix="calibrate the judge on a set with both",
        )
    value = rogan_gladen(flagged / n, counts.sensitivity, counts.specificity)
    rng = np.random.default_rng(seed)
    p = rng.beta(flagged + 0.5, n - flagged + 0.5, draws)
    se = rng.beta(counts.tp + 0.5, counts.fn + 0.5, draws)
    sp = rng.beta(counts.tn + 0.5, counts.fp + 0.5, draws)
    denominator = se + sp - 1.0
    usable = denominator > 0
    corrected = np.clip((p[usable] + sp[usable] - 1.0) / denominator[usable], 0.0, 1.0)
    if not len(corrected):
        raise UserError("no bootstrap draw of the calibration is better than chance")
    tail = (1.0 - confidence) / 2.0
    low, high = np.quantile(corrected, [tail, 1.0 - tail])
    return CorrectedRate(
        raw=rate(flagged, n, confidence),
        value=value,
        low=min(float(low), value),
        high=max(float(high), value),
        confidence=confidence,
        sensitivity=counts.sensitivity,
        specificity=counts.specificity,
        draws=draws,
        discarded=int((~usable).sum()),
        seed=seed,
    )
