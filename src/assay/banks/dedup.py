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
from typing import TYPE_CHECKING

from assay.text import fold

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

_PRIME = (1 << 61) - 1
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
    out: list[Group] = []
    for i, j in sorted(_candidates(sets, _rows_per_band(threshold))):
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


def _candidates(sets: list[frozenset[str]], rows: int) -> set[tuple[int, int]]:
    """Index pairs that share a whole band of their MinHash signatures."""
    import numpy as np  # deferred: only near-duplicate search needs it

    ids = np.array([i for i, s in enumerate(sets) if s], dtype=np.int64)
    if len(ids) < 2:
        return set()
    signatures = _signatures([sets[i] for i in ids])
    out: set[tuple[int, int]] = set()
    with np.errstate(over="ignore"):
        for band in range(_HASHES // rows):
            block = signatures[:, band * rows : (band + 1) * rows]
            key = block[:, 0].copy()
            for column in range(1, rows):
                key = key * np.uint64(1_000_003) ^ block[:, column]
            order = np.argsort(key, kind="stable")
            ordered = key[order]
            cuts = np.flatnonzero(np.diff(ordered)) + 1
            starts = np.concatenate(([0], cuts))
            ends = np.concatenate((cuts, [len(ordered)]))
            for run in np.flatnonzero(ends - starts > 1):
                members = sorted(int(m) for m in ids[order[starts[run] : ends[run]]])
                out.update(
                    (members[x], members[y])
                    for x in range(len(members))
                    for y in range(x + 1, len(members))
                )
    return out


def _signatures(sets: list[frozenset[str]], chunk: int = 2048) -> npt.NDArray[np.uint64]:
    """MinHash signatures (one row per set) of non-empty sets, a chunk of sets at a time."""
    import numpy as np

    rng = np.random.default_rng(_SEED)
    a = rng.integers(1, _PRIME, size=_HASHES, dtype=np.uint64)[:, None]
    b = rng.integers(0, _PRIME, size=_HASHES, dtype=np.uint64)[:, None]
    prime = np.uint64(_PRIME)
    out = np.empty((len(sets), _HASHES), dtype=np.uint64)
    for start in range(0, len(sets), chunk):
        part = sets[start : start + chunk]
        hashes = [zlib.crc32(g.encode("utf-8")) for s in part for g in s]
        x = np.array(hashes, dtype=np.uint64)[None, :]
        offsets = np.cumsum([0] + [len(s) for s in part[:-1]])
        # (a*x + b) mod p in uint64: overflow wraps, which is fine for hashing
        with np.errstate(over="ignore"):
            values = (a * x + b) % prime
        out[start : start + len(part)] = np.minimum.reduceat(values, offsets, axis=1).T
    return out
