"""Hashed n-gram features of normalized text, computed with numpy over code-point arrays.

A text is normalized exactly as the keyword engine normalizes it
(:class:`~assay.text.normalize.Normalizer` with default options: full-width, case, traditional
to simplified, look-alikes, invisible characters, separators inside CJK words), then read as:

* character n-grams of each order in ``char_orders`` (1-3 by default), and
* word n-grams of each order in ``word_orders`` (1-2 by default), where a word is a run of ASCII
  letters and digits (the Latin part of a text; Chinese is covered by the character n-grams).

Each n-gram is hashed with multiply-add arithmetic on uint64 arrays (wrapping), mixed, and kept
to its top ``bits`` bits: a bucket in ``[0, 2**bits)``. No Python loop runs per n-gram: a batch of
texts is joined with a barrier character, normalized in one pass and hashed order by order.

:meth:`Featurizer.batch` returns, per family (one n-gram order), the buckets and the document
each came from, in document order, so a linear model sums weights with ``np.add.reduceat``.
A document's feature vector is the bucket counts divided by the square root of its total
count (so long and short texts score on one scale).

With ``context`` on, the question an answer responds to is read too: its n-grams are hashed
with other salts (their own buckets, so a question's words never count as the answer's) and
join the answer's features; and the answer's own n-grams are hashed once more into an
answer-only space, so what a phrase means in an answer (a step list, a refusal) is learned apart
from what it means in a comment. A text judged without a question has only its own features.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field

from assay.text.normalize import NormalizeOptions, Normalizer

_BARRIER = 0xFFFF  # a noncharacter: separates texts in a batch; no n-gram spans it
_BARRIER_CP = np.array([_BARRIER], dtype=np.uint32)
_PRIME = np.uint64(0x100000001B3)  # FNV-1a 64-bit prime: the multiply of multiply-add
_MIX = np.uint64(0x9E3779B97F4A7C15)  # golden-ratio constant: spreads the bits before the cut
_WORD_SALT = np.uint64(0xC2B2AE3D27D4EB4F)
_POSITIONS = 64  # a word's characters are weighted by position, cycling after this many
_CONTEXT_SALT = 1000  # added to every salt for the n-grams of the context (the question)
_ANSWER_SALT = 2 * _CONTEXT_SALT  # ... and for the n-grams of a text judged with a question
_ASCII_WORD = re.compile(r"[a-z0-9]+")  # a word, as _words reads one (normalized text)
_FEW_LETTERS = 64  # up to this many letters in words, one text's words are hashed in Python
_U64_MASK = (1 << 64) - 1

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]


class FeatureConfig(BaseModel):
    """How texts become features; stored with a model so it is read the same way it learned."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    bits: int = Field(default=18, ge=10, le=24)
    char_orders: tuple[int, ...] = (1, 2, 3)
    word_orders: tuple[int, ...] = (1, 2)
    normalize: NormalizeOptions = NormalizeOptions()
    context: bool = False  # read the question an answer responds to (own hash space)

    @property
    def size(self) -> int:
        return 1 << self.bits


@dataclass(frozen=True)
class Family:
    """The features of one n-gram order over a batch: buckets and their documents (sorted)."""

    buckets: I64
    docs: I64


@dataclass(frozen=True)
class Batch:
    """Every feature of a batch of texts, family by family, and each text's feature count."""

    n_docs: int
    families: tuple[Family, ...]
    counts: npt.NDArray[np.int64]

    def scale(self) -> npt.NDArray[np.float64]:
        """1/sqrt(feature count) per document (0 for a text without features)."""
        counts = self.counts.astype(np.float64)
        out = np.zeros(self.n_docs, dtype=np.float64)
        np.divide(1.0, np.sqrt(counts), out=out, where=counts > 0)
        return out

    def pairs(self) -> tuple[I64, I64]:
        """All (document, bucket) pairs, in no particular order."""
        docs = np.concatenate([f.docs for f in self.families]) if self.families else _empty()
        buckets = np.concatenate([f.buckets for f in self.families]) if self.families else _empty()
        return docs, buckets


class Featurizer:
    """Turns texts into hashed n-gram features per :class:`FeatureConfig`."""

    def __init__(self, config: FeatureConfig | None = None) -> None:
        self.config = config or FeatureConfig()
        self.normalizer = Normalizer(self.config.normalize)
        self._shift = np.uint64(64 - self.config.bits)
        self._weights = _position_weights()
        self._multipliers = tuple(self._weights.tolist())

    def codepoints(self, texts: Sequence[str]) -> tuple[U64, I64]:
        """Normalized code points of the texts joined by barriers, and each one's document.
        Each text is normalized alone: joined first, a text's start read its neighbour ("i'm"
        opening a text became "im", after a barrier it stayed "i'm"), so a model trained on
        batches met other features when it judged one text, and one text judged alone and in
        a batch got two verdicts."""
        norm = self.normalizer.tables.norm
        parts: list[npt.NDArray[np.uint32]] = []
        for i, text in enumerate(texts):
            if i:
                parts.append(_BARRIER_CP)
            encoded = self.normalizer.encode(text.replace("\uffff", ""), norm)
            parts.append(np.frombuffer(encoded.data, dtype=np.uint32))
        cps = np.concatenate(parts).astype(np.uint64) if parts else np.zeros(0, dtype=np.uint64)
        docs = np.cumsum(cps == _BARRIER, dtype=np.int64)
        return cps, docs

    def batch(self, texts: Sequence[str], contexts: Sequence[str | None] | None = None) -> Batch:
        """The features of every text (and of its context, when the configuration reads
        contexts and one is given)."""
        families, counts = self._families(texts, 0)
        if self.config.context and contexts is not None and any(contexts):
            if len(contexts) != len(texts):
                raise ValueError("one context per text")
            answers = [t if c else "" for t, c in zip(texts, contexts, strict=True)]
            for part, salt in ((contexts, _CONTEXT_SALT), (answers, _ANSWER_SALT)):
                more, more_counts = self._families([c or "" for c in part], salt)
                families += more
                counts += more_counts
        return Batch(n_docs=len(texts), families=tuple(families), counts=counts)

    def single(self, text: str) -> Batch:
        """The features of one text read alone: the buckets of ``batch([text])``, in one
        family holding every n-gram order (in the same order), computed in fewer array passes
        (one bucket mixing for all orders at once). The guard's path: one request, one text."""
        encoded = self.normalizer.encode(text.replace("\uffff", ""), self.normalizer.tables.norm)
        return self.single_codepoints(
            np.frombuffer(encoded.data, dtype=np.uint32).astype(np.uint64)
        )

    def single_codepoints(self, cps: U64) -> Batch:
        """:meth:`single` of a text already normalized as :attr:`normalizer` does it (its
        code points, e.g. from a normalization shared with the keyword engine)."""
        if len(cps) and bool((cps == _BARRIER).any()):  # a barrier would cut it: the long way
            families, counts = self._families_of(cps, np.zeros(len(cps), dtype=np.int64), 1, 0)
            return Batch(n_docs=1, families=tuple(families), counts=counts)
        hashes: list[U64] = []
        salts: list[int] = []
        self._orders(cps, self.config.char_orders, 0, hashes, salts)
        if self.config.word_orders:
            self._orders(
                _word_hashes(cps, self._weights, self._multipliers),
                self.config.word_orders,
                100,
                hashes,
                salts,
            )
        if not hashes:
            return Batch(n_docs=1, families=(), counts=np.zeros(1, dtype=np.int64))
        joined = np.concatenate(hashes)
        mixed = np.repeat(np.array(salts, dtype=np.uint64), [len(h) for h in hashes])
        buckets = self._mix(joined, mixed)
        family = Family(buckets, np.zeros(len(buckets), dtype=np.int64))
        return Batch(n_docs=1, families=(family,), counts=np.array([len(buckets)], dtype=np.int64))

    @staticmethod
    def _orders(
        units: U64, orders: tuple[int, ...], salt: int, hashes: list[U64], salts: list[int]
    ) -> None:
        """The n-gram hashes of ``units`` (one text's code points or words) for each order in
        ``orders``, each order's from the one below: ``h[n][i] = h[n-1][i] * P + u[i+n-1]``."""
        h = units
        for n in range(1, max(orders, default=0) + 1):
            if n > 1:
                h = h[:-1] * _PRIME + units[n - 1 :]  # both empty once the text is too short
            if n in orders:
                hashes.append(h)
                salts.append(salt + n)

    def _families(self, texts: Sequence[str], salt: int) -> tuple[list[Family], I64]:
        cps, docs = self.codepoints(texts)
        return self._families_of(cps, docs, len(texts), salt)

    def _families_of(self, cps: U64, docs: I64, n_docs: int, salt: int) -> tuple[list[Family], I64]:
        inside = cps != _BARRIER
        families = [self._chars(cps, docs, inside, n, salt) for n in self.config.char_orders]
        if self.config.word_orders:
            families += self._words(cps, docs, salt)
        counts = np.zeros(n_docs, dtype=np.int64)
        for family in families:
            counts += np.bincount(family.docs, minlength=n_docs)
        return families, counts

    def _bucket(self, h: U64, salt: int) -> I64:
        return self._mix(h, np.uint64(salt))

    def _mix(self, h: U64, salt: U64 | np.uint64) -> I64:
        """Salted hashes mixed and cut to buckets (``salt`` one for all, or one per hash)."""
        h = (h ^ salt) * _MIX
        h ^= h >> np.uint64(29)
        h *= _PRIME
        return (h >> self._shift).astype(np.int64)

    def _chars(
        self, cps: U64, docs: I64, inside: npt.NDArray[np.bool_], n: int, salt: int = 0
    ) -> Family:
        count = len(cps) - n + 1
        if count <= 0:
            return Family(_empty(), _empty())
        h = cps[:count].copy()
        valid = inside[:count].copy()
        for k in range(1, n):
            h = h * _PRIME + cps[k : k + count]
            valid &= inside[k : k + count]
        keep = np.flatnonzero(valid)
        return Family(self._bucket(h[keep], salt + n), docs[keep])

    def _words(self, cps: U64, docs: I64, salt: int = 0) -> list[Family]:
        """Word n-grams: a word's hash is the sum of its characters times position weights."""
        letter = ((cps >= 0x61) & (cps <= 0x7A)) | ((cps >= 0x30) & (cps <= 0x39))
        if not letter.any():
            return [Family(_empty(), _empty()) for _ in self.config.word_orders]
        before = np.concatenate(([False], letter[:-1]))
        starts = np.flatnonzero(letter & ~before)
        positions = np.flatnonzero(letter)
        word_of = np.cumsum(letter & ~before)[positions] - 1
        offset = positions - starts[word_of]
        terms = cps[positions] * self._weights[offset % _POSITIONS]
        cuts = np.searchsorted(positions, starts)
        words = np.add.reduceat(terms, cuts) + _WORD_SALT
        word_docs = docs[starts]
        out = []
        for n in self.config.word_orders:
            count = len(words) - n + 1
            if count <= 0:
                out.append(Family(_empty(), _empty()))
                continue
            h = words[:count].copy()
            same = np.ones(count, dtype=np.bool_)
            for k in range(1, n):
                h = h * _PRIME + words[k : k + count]
                same &= word_docs[k : k + count] == word_docs[:count]
            keep = np.flatnonzero(same)
            out.append(Family(self._bucket(h[keep], salt + 100 + n), word_docs[:count][keep]))
        return out


def _word_hashes(cps: U64, weights: U64, multipliers: tuple[int, ...]) -> U64:
    """The hash of every word (a run of ASCII letters and digits) of one text, in order: the
    sum of its characters times their position weights, plus the word salt (as ``_words``).
    A text with few letters (Chinese with a word or two of English) is hashed in Python, with
    the same wrapping arithmetic (``multipliers``: ``weights`` as Python integers): a dozen
    array passes cost more than its few words."""
    text = cps.astype(np.uint32).tobytes().decode("utf-32-le", "surrogatepass")
    words = _ASCII_WORD.findall(text)
    if sum(map(len, words)) > _FEW_LETTERS:
        return _word_hashes_numpy(cps, weights)
    hashes = []
    for word in words:
        h = int(_WORD_SALT)
        for i, code in enumerate(word.encode("ascii")):
            h += code * multipliers[i % _POSITIONS]
        hashes.append(h & _U64_MASK)
    return np.array(hashes, dtype=np.uint64)


def _word_hashes_numpy(cps: U64, weights: U64) -> U64:
    """:func:`_word_hashes` with array passes (for texts with many letters)."""
    letter = ((cps - np.uint64(0x61)) < 26) | ((cps - np.uint64(0x30)) < 10)
    positions = np.flatnonzero(letter)
    if not len(positions):
        return np.zeros(0, dtype=np.uint64)
    breaks = np.flatnonzero(np.diff(positions) != 1) + 1  # where a new word starts
    cuts = np.concatenate(([0], breaks))
    lengths = np.diff(np.concatenate((cuts, [len(positions)])))
    offset = np.arange(len(positions)) - np.repeat(cuts, lengths)
    terms = cps[positions] * weights[offset % _POSITIONS]
    words: U64 = np.add.reduceat(terms, cuts) + _WORD_SALT
    return words


def _position_weights() -> U64:
    """Odd 64-bit multipliers, one per position in a word (splitmix64 of the position)."""
    x = (np.arange(1, _POSITIONS + 1, dtype=np.uint64)) * _MIX
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    x ^= x >> np.uint64(31)
    result: U64 = x | np.uint64(1)
    return result


def _empty() -> I64:
    return np.zeros(0, dtype=np.int64)
