"""Exact and near duplicates among bank texts, after folding (``assay.text.fold``).

Near duplicates are pairs whose character-shingle Jaccard similarity is at least a threshold
(0.8 by default). Candidates come from MinHash with locality-sensitive hashing (128 hashes, in
bands sized so that a pair at the threshold is a candidate with probability >= 99.5%), and every
candidate pair is confirmed by its exact Jaccard similarity, so a reported pair is never a
hashing artefact.
"""

from __future__ import annotations

import zlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from assay.text import fold

_PRIME = np.uint64((1 << 61) - 1)
_HASHES = 128
_RECALL = 0.995  # chance that a pair exactly at the threshold becomes a candidate
_SEED = 20240229


@dataclass(frozen=True)
class Group:
    """Indexes (into the input sequence) of texts that are duplicates of each other."""

    members: tuple[int, ...]
    similarity: float  # 1.0 for exact duplicates


def exact_groups(texts: Sequence[str]) -> list[Group]:
    """Groups of texts that fold to the same string (two or more members each)."""
    by_fold: dict[str, list[int]] = defaultdict(list)
    for i, text in enumerate(texts):
        key = fold(text)
        if key:
            by_fold[key].append(i)
    return [Group(tuple(m), 1.0) for m in by_fold.values() if len(m) > 1]


def shingles(text: str) -> frozenset[str]:
    folded = fold(text)
    size = 3 if len(folded) >= 12 else 2
    if len(folded) <= size:
        return frozenset({folded}) if folded else frozenset()
    return frozenset(folded[i : i + size] for i in range(len(folded) - size + 1))


def near_pairs(texts: Sequence[str], threshold: float = 0.8) -> list[Group]:
    """Pairs of distinct folded texts with shingle Jaccard >= threshold (exact dups excluded)."""
    sets = [shingles(t) for t in texts]
    folded = [fold(t) for t in texts]
    rng = np.random.default_rng(_SEED)
    a = rng.integers(1, int(_PRIME), size=_HASHES, dtype=np.uint64)
    b = rng.integers(0, int(_PRIME), size=_HASHES, dtype=np.uint64)
    rows = _rows_per_band(threshold)
    bands = _HASHES // rows
    buckets: dict[tuple[int, bytes], list[int]] = defaultdict(list)
    for i, s in enumerate(sets):
        if not s:
            continue
        signature = _minhash(s, a, b)
        for band in range(bands):
            key = signature[band * rows : (band + 1) * rows].tobytes()
            buckets[(band, key)].append(i)
    candidates: set[tuple[int, int]] = set()
    for members in buckets.values():
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                candidates.add((members[x], members[y]))
    out: list[Group] = []
    for i, j in sorted(candidates):
        if folded[i] == folded[j]:
            continue
        sim = len(sets[i] & sets[j]) / len(sets[i] | sets[j])
        if sim >= threshold:
            out.append(Group((i, j), round(sim, 3)))
    return out


def _rows_per_band(threshold: float) -> int:
    """The most rows per band (fewest false candidates) that still keeps recall at the threshold."""
    for rows in range(16, 0, -1):
        bands = _HASHES // rows
        if 1 - (1 - threshold**rows) ** bands >= _RECALL:
            return rows
    return 1


def _minhash(
    s: frozenset[str], a: npt.NDArray[np.uint64], b: npt.NDArray[np.uint64]
) -> npt.NDArray[np.uint64]:
    x = np.fromiter((zlib.crc32(g.encode("utf-8")) for g in s), dtype=np.uint64, count=len(s))
    # (a*x + b) mod p on 64-bit: x < 2**32 and a < 2**61 may overflow, which is fine for hashing
    with np.errstate(over="ignore"):
        values = (a[:, None] * x[None, :] + b[:, None]) % _PRIME
    result: npt.NDArray[np.uint64] = values.min(axis=1)
    return result
