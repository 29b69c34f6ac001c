"""Training the linear classifier: one-vs-rest logistic regression by mini-batch AdaGrad.

Deterministic: examples are merged by text (a text labelled twice keeps the union of its
risks) and sorted by the SHA-256 of their text, so the order of the input files does not
matter; the batches are shuffled by a seeded generator; every sum is taken in a fixed order.
The same examples and settings give byte-identical weights on the same platform.

A risk with fewer than ``min_positive`` harmful examples is not learned: the model says it does
not cover it (see :class:`~assay.judges.linear.RiskCount`), rather than give it a score learned
from a handful of texts.

With ``harmful_head``, the model learns one more label, :data:`~assay.judges.linear.HARMFUL`:
"harmful or not", from every labelled text, including harmful texts whose risk is not named
(e.g. irresponsible answers labelled only harmful). Such a text teaches the harmful head only:
the risk heads do not learn from it (their loss is masked), since its risk is unknown.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field

from assay.errors import UserError
from assay.judges.features import FeatureConfig, Featurizer
from assay.judges.labelled import Example
from assay.judges.linear import HARMFUL, LinearModel, ModelInfo, RiskCount, sigmoid

_CHUNK = 2048  # texts featurized at once
_EPS = 1e-8
_INITIAL_ACCUMULATOR = 0.1

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
Progress = Callable[[int, float], None]  # epoch, mean loss


class TrainConfig(BaseModel):
    """Settings of a training run; stored in the model's description."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    epochs: int = Field(default=8, ge=1)
    batch_size: int = Field(default=256, ge=1)
    learning_rate: float = Field(default=0.3, gt=0)
    l2: float = Field(default=1e-6, ge=0)
    seed: int = 0
    min_positive: int = Field(default=20, ge=1)
    max_positive_weight: float = Field(default=8.0, ge=1)
    threshold: float = Field(default=0.5, gt=0, lt=1)


@dataclass(frozen=True)
class Design:
    """The feature matrix in compressed rows: row ``i`` is ``indptr[i]:indptr[i+1]``."""

    indptr: I64
    buckets: I64
    values: F64

    def rows(self, rows: I64) -> tuple[I64, I64, F64]:
        """The features of ``rows``: (position in ``rows``, bucket, value), row by row."""
        starts = self.indptr[rows]
        lengths = self.indptr[rows + 1] - starts
        local = np.repeat(np.arange(len(rows), dtype=np.int64), lengths)
        before = np.repeat(np.cumsum(lengths) - lengths, lengths)
        positions = np.repeat(starts, lengths) + (np.arange(len(local)) - before)
        return local, self.buckets[positions], self.values[positions]


def design(
    texts: Sequence[str],
    featurizer: Featurizer,
    contexts: Sequence[str | None] | None = None,
) -> Design:
    """Bucket counts per text, scaled by 1/sqrt(count): what the model sees at scoring time
    (with each text's context when the featurizer reads contexts)."""
    size = featurizer.config.size
    indptr = [np.zeros(1, dtype=np.int64)]
    buckets, values = [], []
    done = 0
    for start in range(0, len(texts), _CHUNK):
        chunk = contexts[start : start + _CHUNK] if contexts is not None else None
        batch = featurizer.batch(texts[start : start + _CHUNK], chunk)
        docs, bucket = batch.pairs()
        keys, counts = np.unique(docs * size + bucket, return_counts=True)
        row = keys // size
        buckets.append(keys % size)
        values.append(counts * batch.scale()[row])
        lengths = np.bincount(row, minlength=batch.n_docs)
        indptr.append(done + np.cumsum(lengths))
        done += len(keys)
    return Design(
        np.concatenate(indptr),
        np.concatenate(buckets) if buckets else np.zeros(0, dtype=np.int64),
        np.concatenate(values) if values else np.zeros(0, dtype=np.float64),
    )


def merge(examples: Sequence[Example], *, keep_unknown: bool = False) -> list[Example]:
    """One example per distinct text (union of risks; harmful wins; the smallest context),
    sorted by text hash. Harmful examples without risks are left out (they teach no particular
    risk) unless ``keep_unknown``."""
    merged: dict[str, Example] = {}
    for e in examples:
        if not e.known and not keep_unknown:
            continue
        seen = merged.get(e.text)
        if seen is None:
            merged[e.text] = e
        else:
            risks = tuple(sorted(set(seen.risk_ids) | set(e.risk_ids)))
            contexts = [c for c in (seen.context, e.context) if c is not None]
            merged[e.text] = Example(
                e.text,
                risks,
                bool(risks) or seen.harmful or e.harmful,
                min(seen.id, e.id),
                min(contexts) if contexts else None,
                max(seen.weight, e.weight),
            )
    return sorted(merged.values(), key=lambda e: (_digest(e.text), e.text))


def train(
    examples: Sequence[Example],
    risk_ids: Sequence[str],
    config: TrainConfig | None = None,
    features: FeatureConfig | None = None,
    progress: Progress | None = None,
    *,
    harmful_head: bool = False,
) -> tuple[LinearModel, ModelInfo]:
    """Learn every risk of ``risk_ids`` with at least ``min_positive`` harmful examples (and,
    with ``harmful_head``, the label :data:`HARMFUL` from every labelled text)."""
    cfg = config or TrainConfig()
    featurizer = Featurizer(features)
    data = merge(examples, keep_unknown=harmful_head)
    positives = {r: sum(r in e.risk_ids for e in data) for r in risk_ids}
    learned = tuple(r for r in risk_ids if positives[r] >= cfg.min_positive)
    unknown = sorted({r for e in data for r in e.risk_ids} - set(risk_ids))
    if unknown:
        raise UserError(f"examples name risks the profile does not have: {', '.join(unknown)}")
    if not learned:
        raise UserError(
            f"no risk has {cfg.min_positive} or more harmful examples: nothing to learn",
            fix="add labelled examples, or lower --min-positive",
        )
    labels = (*learned, HARMFUL) if harmful_head else learned
    targets, mask = _targets(data, labels)
    if any(e.weight != 1.0 for e in data):  # a text's weight scales its loss on every head
        row_weights = np.array([e.weight for e in data], dtype=np.float64)[:, None]
        mask = row_weights * (mask if mask is not None else np.ones_like(targets))
    contexts = [e.context for e in data] if featurizer.config.context else None
    matrix = design([e.text for e in data], featurizer, contexts)
    weights, bias = _fit(matrix, targets, featurizer.config.size, cfg, progress, mask)
    model = LinearModel(
        featurizer.config,
        labels,
        weights.astype(np.float32),
        bias.astype(np.float32),
        np.full(len(labels), cfg.threshold, dtype=np.float32),
    )
    info = ModelInfo(
        features=featurizer.config,
        labels=labels,
        thresholds=tuple(float(t) for t in model.thresholds),
        risks={r: RiskCount(positives=positives[r], trained=r in learned) for r in risk_ids},
        negatives=sum(not e.harmful for e in data),
        examples=len(data),
        min_positive=cfg.min_positive,
        training={k: v for k, v in cfg.model_dump().items() if k != "min_positive"},
    )
    return model, info


def _targets(data: Sequence[Example], labels: Sequence[str]) -> tuple[F64, F64 | None]:
    """0/1 targets per (text, label), and the loss mask: 0 where a harmful text of unknown
    risk meets a risk head (None: nothing masked)."""
    column = {r: i for i, r in enumerate(labels)}
    targets = np.zeros((len(data), len(labels)), dtype=np.float64)
    mask = np.ones_like(targets)
    for row, e in enumerate(data):
        for r in e.risk_ids:
            if r in column:
                targets[row, column[r]] = 1.0
        if HARMFUL in column:
            targets[row, column[HARMFUL]] = float(e.harmful)
            if e.harmful and not e.risk_ids:
                mask[row, :] = 0.0
                mask[row, column[HARMFUL]] = 1.0
    return targets, (mask if (mask == 0).any() else None)


def _fit(
    matrix: Design,
    targets: F64,
    size: int,
    cfg: TrainConfig,
    progress: Progress | None,
    mask: F64 | None = None,  # per (text, label) loss factor: masks and text weights
) -> tuple[F64, F64]:
    n, labels = targets.shape
    positive = targets.sum(axis=0)
    rate = np.clip(positive / max(n, 1), _EPS, 1 - _EPS)
    class_weight = np.minimum(cfg.max_positive_weight, np.sqrt((n - positive) / positive))
    weights = np.zeros((size, labels), dtype=np.float64)
    squares = np.full((size, labels), _INITIAL_ACCUMULATOR, dtype=np.float64)
    bias = np.log(rate / (1 - rate))
    bias_squares = np.full(labels, _INITIAL_ACCUMULATOR, dtype=np.float64)
    rng = np.random.default_rng(cfg.seed)
    for epoch in range(cfg.epochs):
        order = rng.permutation(n)
        loss = 0.0
        for start in range(0, n, cfg.batch_size):
            rows = order[start : start + cfg.batch_size]
            local, buckets, values = matrix.rows(rows)
            z = bias + _row_sums(weights[buckets] * values[:, None], local, len(rows))
            p = sigmoid(z)
            y = targets[rows]
            scale = 1.0 + (class_weight - 1.0) * y
            if mask is not None:
                scale = scale * mask[rows]
            loss += float(-(scale * (y * np.log(p + _EPS) + (1 - y) * np.log(1 - p + _EPS))).sum())
            g = (p - y) * scale
            touched, grad = _bucket_sums(g[local] * values[:, None], buckets)
            grad += cfg.l2 * weights[touched]
            squares[touched] += grad * grad
            weights[touched] -= cfg.learning_rate * grad / np.sqrt(squares[touched])
            g_bias = g.sum(axis=0)
            bias_squares += g_bias * g_bias
            bias -= cfg.learning_rate * g_bias / np.sqrt(bias_squares)
        if progress is not None:
            progress(epoch + 1, loss / max(n, 1))
    return weights, bias


def _row_sums(rows: F64, local: I64, count: int) -> F64:
    """Sum ``rows`` by their (ascending) ``local`` index into ``count`` rows."""
    out = np.zeros((count, rows.shape[1]), dtype=np.float64)
    if len(local):
        firsts = np.concatenate(([0], np.flatnonzero(np.diff(local)) + 1))
        out[local[firsts]] = np.add.reduceat(rows, firsts, axis=0)
    return out


def _bucket_sums(rows: F64, buckets: I64) -> tuple[I64, F64]:
    """The distinct buckets and, for each, the sum of its rows."""
    if not len(buckets):
        return buckets, rows
    order = np.argsort(buckets, kind="stable")
    ordered = buckets[order]
    firsts = np.concatenate(([0], np.flatnonzero(np.diff(ordered)) + 1))
    return ordered[firsts], np.add.reduceat(rows[order], firsts, axis=0)


def _digest(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()
