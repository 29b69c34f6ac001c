"""A multi-label linear model over hashed features: scoring, and saving to / loading from a folder.

A model folder holds:

* ``weights.npz``: the weights as int8 with one scale per label (zeros compress away), the
  biases and the per-label thresholds: hashed buckets only, no text;
* ``model.json``: :class:`ModelInfo`: the feature configuration, the labels (risk ids) it was
  trained for, per-risk training counts (including the risks it is *not* trained for), the
  training settings, the data sources and the SHA-256 of ``weights.npz``.

Scores: for each label, ``sigmoid(bias + sum(weights[bucket]) / sqrt(feature count))``, the sum
taken with ``np.add.reduceat`` over the gathered weight rows of each document.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assay.errors import InputFormatError
from assay.judges.features import Batch, FeatureConfig

FORMAT = "assay-linear-1"
# the label of the "harmful or not" head (not a risk id), when a model has one: see training.py
HARMFUL = "harmful"
WEIGHTS = "weights.npz"
INFO = "model.json"
_SLICE = 16384  # features gathered at once: bounds memory on long texts, stays in cache
_INT8 = 127

F32 = npt.NDArray[np.float32]


class RiskCount(BaseModel):
    """Training examples for one risk, and whether the model learned it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    positives: int
    trained: bool
    # measured on a held-out split (the training script's); None: not measured
    heldout_positives: int | None = None
    heldout_recall: float | None = None


class ModelInfo(BaseModel):
    """What a model folder holds, beside its weights."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    format: str = FORMAT
    features: FeatureConfig
    labels: tuple[str, ...]
    thresholds: tuple[float, ...]
    risks: dict[str, RiskCount]  # every risk of the profile, trained or not
    negatives: int  # training texts with no risk
    examples: int
    min_positive: int
    training: dict[str, float | int | str] = Field(default_factory=dict)
    sources: tuple[str, ...] = ()
    holdout: str = ""
    weights_sha256: str = ""
    # the harmful head's threshold for an answer judged with its question (None: its threshold)
    answer_threshold: float | None = None


@dataclass(frozen=True)
class LinearModel:
    """Weights ``(buckets, labels)``, biases and thresholds per label."""

    features: FeatureConfig
    labels: tuple[str, ...]
    weights: F32
    bias: F32
    thresholds: F32

    def logits(self, batch: Batch) -> npt.NDArray[np.float64]:
        """``(documents, labels)`` decision values of a featurized batch."""
        if batch.n_docs == 1 and batch.families:
            return self._logits_of_one(batch)
        sums = np.zeros((batch.n_docs, len(self.labels)), dtype=np.float64)
        for family in batch.families:
            _add_segment_sums(sums, self.weights, family.buckets, family.docs)
        logits: npt.NDArray[np.float64] = sums * batch.scale()[:, None] + self.bias
        return logits

    def _logits_of_one(self, batch: Batch) -> npt.NDArray[np.float64]:
        """:meth:`logits` of one text (the guard's case): one gather and one sum of its rows."""
        families = batch.families
        if len(families) == 1:
            buckets = families[0].buckets
        else:
            buckets = np.concatenate([f.buckets for f in families])
        sums = np.einsum("ij->j", np.take(self.weights, buckets, axis=0)).astype(np.float64)
        scale = 1.0 / math.sqrt(len(buckets)) if len(buckets) else 0.0
        logits: npt.NDArray[np.float64] = (sums * scale + self.bias)[None, :]
        return logits

    def probabilities(self, batch: Batch) -> npt.NDArray[np.float64]:
        return sigmoid(self.logits(batch))

    def quantized(self) -> LinearModel:
        """The model as it is after a save and load (int8 weights)."""
        q, scale = _quantize(self.weights)
        return LinearModel(
            self.features, self.labels, _dequantize(q, scale), self.bias, self.thresholds
        )


def sigmoid(z: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    result: npt.NDArray[np.float64] = 0.5 * (1.0 + np.tanh(0.5 * z))
    return result


def _add_segment_sums(
    out: npt.NDArray[np.float64],
    weights: F32,
    buckets: npt.NDArray[np.int64],
    docs: npt.NDArray[np.int64],
) -> None:
    """``out[d] += sum of weights[b]`` over the features ``(d, b)``, docs sorted ascending."""
    for start in range(0, len(buckets), _SLICE):
        b = buckets[start : start + _SLICE]
        d = docs[start : start + _SLICE]
        cuts = np.flatnonzero(np.diff(d)) + 1
        firsts = np.concatenate(([0], cuts))
        out[d[firsts]] += np.add.reduceat(weights[b], firsts, axis=0)


def _quantize(weights: F32) -> tuple[npt.NDArray[np.int8], F32]:
    peak = np.abs(weights).max(axis=0)
    scale = np.where(peak > 0, peak / _INT8, 1.0).astype(np.float32)
    q = np.clip(np.rint(weights / scale), -_INT8, _INT8).astype(np.int8)
    return q, scale


def _dequantize(q: npt.NDArray[np.int8], scale: F32) -> F32:
    result: F32 = q.astype(np.float32) * scale
    return result


def _npz(arrays: dict[str, npt.NDArray[np.generic]]) -> bytes:
    """An ``.npz`` archive with fixed entry times (``np.savez`` stamps the clock), so the same
    arrays always give the same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, array in arrays.items():
            entry = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            payload = io.BytesIO()
            np.lib.format.write_array(payload, np.ascontiguousarray(array), allow_pickle=False)
            archive.writestr(entry, payload.getvalue(), compresslevel=9)
    return buffer.getvalue()


def save_model(model: LinearModel, info: ModelInfo, folder: Path) -> ModelInfo:
    """Write ``weights.npz`` and ``model.json`` (byte-identical for identical models)."""
    folder.mkdir(parents=True, exist_ok=True)
    q, scale = _quantize(model.weights)
    data = _npz({"weights": q, "scale": scale, "bias": model.bias, "thresholds": model.thresholds})
    (folder / WEIGHTS).write_bytes(data)
    final = info.model_copy(
        update={
            "weights_sha256": hashlib.sha256(data).hexdigest(),
            "labels": model.labels,
            "thresholds": tuple(float(t) for t in model.thresholds),
            "features": model.features,
        }
    )
    save_info(final, folder)
    return final


def save_info(info: ModelInfo, folder: Path) -> None:
    """Write ``model.json`` alone (e.g. with held-out figures added after training)."""
    text = json.dumps(info.model_dump(mode="json"), ensure_ascii=False, indent=1)
    (folder / INFO).write_text(text + "\n", encoding="utf-8")


def load_model(folder: Path) -> tuple[LinearModel, ModelInfo]:
    """Read a model folder; raises :class:`InputFormatError` naming the file on any problem."""
    info_path, weights_path = folder / INFO, folder / WEIGHTS
    for path in (info_path, weights_path):
        if not path.is_file():
            raise InputFormatError(
                "not a classifier model folder (file missing)",
                file=path,
                fix="pass the folder written by 'assay judges train --out'",
            )
    try:
        info = ModelInfo.model_validate_json(info_path.read_text(encoding="utf-8"))
    except (ValidationError, ValueError) as exc:
        raise InputFormatError(f"invalid model description: {exc}", file=info_path) from None
    if info.format != FORMAT:
        raise InputFormatError(f"unknown model format {info.format!r}", file=info_path)
    data = weights_path.read_bytes()
    if info.weights_sha256 and hashlib.sha256(data).hexdigest() != info.weights_sha256:
        raise InputFormatError(
            "the weights do not match model.json (SHA-256 differs)",
            file=weights_path,
            fix="copy the model folder again, whole",
        )
    with np.load(io.BytesIO(data)) as arrays:
        weights = _dequantize(arrays["weights"], arrays["scale"])
        bias = arrays["bias"].astype(np.float32)
        thresholds = arrays["thresholds"].astype(np.float32)
    if weights.shape != (info.features.size, len(info.labels)):
        raise InputFormatError(
            f"weights of shape {weights.shape} do not fit {len(info.labels)} labels "
            f"and {info.features.size} buckets",
            file=weights_path,
        )
    return LinearModel(info.features, info.labels, weights, bias, thresholds), info


def npz_bytes(arrays: dict[str, npt.NDArray[np.generic]]) -> bytes:
    """An ``.npz`` archive that is the same bytes for the same arrays (for other models)."""
    return _npz(arrays)
