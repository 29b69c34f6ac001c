"""The simple baseline the built-in classifier is measured against: "harmful or not" by logistic
regression over hashed character 1-3-grams, nothing else (no word n-grams, no per-risk heads,
no class weights, no sample weights, no context).

It is trained on the same texts as the built-in model (in the same run, by the training script
and by ``bench/classifier.py``), so a held-out figure of the built-in model can be read beside
the figure a plain n-gram model reaches on the same data. Plain mini-batch gradient descent with
AdaGrad steps, seeded: deterministic.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from assay.judges.features import FeatureConfig, Featurizer
from assay.judges.labelled import Example
from assay.judges.linear import sigmoid
from assay.judges.training import design, merge

BASELINE_FEATURES = FeatureConfig(bits=18, char_orders=(1, 2, 3), word_orders=())


class Baseline:
    """Hashed char 1-3-gram logistic regression: ``fit`` then ``flags``."""

    def __init__(self, epochs: int = 5, learning_rate: float = 0.5, seed: int = 0) -> None:
        self.featurizer = Featurizer(BASELINE_FEATURES)
        self.epochs, self.learning_rate, self.seed = epochs, learning_rate, seed
        self.weights = np.zeros(BASELINE_FEATURES.size, dtype=np.float64)
        self.bias = 0.0

    def fit(self, examples: Sequence[Example]) -> Baseline:
        data = merge(examples, keep_unknown=True)
        y = np.array([e.harmful for e in data], dtype=np.float64)
        matrix = design([e.text for e in data], self.featurizer)
        squares = np.full_like(self.weights, 0.1)
        rng = np.random.default_rng(self.seed)
        for _ in range(self.epochs):
            order = rng.permutation(len(data))
            for start in range(0, len(data), 256):
                rows = order[start : start + 256]
                local, buckets, values = matrix.rows(rows)
                z = self.bias + np.bincount(
                    local, self.weights[buckets] * values, minlength=len(rows)
                ).astype(np.float64)
                g = sigmoid(z) - y[rows]
                grad = np.bincount(buckets, g[local] * values, minlength=len(self.weights))
                touched = np.flatnonzero(grad)
                squares[touched] += grad[touched] ** 2
                self.weights[touched] -= (
                    self.learning_rate * grad[touched] / np.sqrt(squares[touched])
                )
                self.bias -= self.learning_rate * float(g.mean())
        return self

    def probabilities(self, texts: Sequence[str]) -> npt.NDArray[np.float64]:
        matrix = design(list(texts), self.featurizer)
        rows = np.repeat(np.arange(len(texts)), np.diff(matrix.indptr))
        z = self.bias + np.bincount(
            rows, self.weights[matrix.buckets] * matrix.values, minlength=len(texts)
        ).astype(np.float64)
        return sigmoid(z)

    def flags(self, texts: Sequence[str]) -> list[bool]:
        return [bool(p >= 0.5) for p in self.probabilities(texts)]
