"""Exact and near duplicates among bank texts, after folding (``assay.text.fold``).

Near duplicates are pairs whose character-shingle Jaccard similarity is at least a threshold
(0.8 by default). Candidates come from MinHash with locality-sensitive hashing (128 hashes, in
bands sized so that a pair at the threshold is a candidate with probability >= 99.5%), and every
candidate pair is confirmed by its exact Jaccard similarity, so a reported pair is never a
hashing artefact.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

_HASHES = 128
_RECALL = 0.995  # chance that a pair exactly at the threshold becomes a candidate
_SEED = 20240229


@dataclass(frozen=True)
class Group:
    """Indexes (into the input sequence) of texts that are duplicates of each other."""

    members: tuple[int, ...]
    similarity: float  # 1.0 for exact duplicates


def exact_groups(folded: Sequence[str]) -> list[Group]:
    """Groups of texts whose folded forms (``fold(text)``, made once by the caller) are the
    same string (two or more members each)."""
    by_fold: dict[str, list[int]] = defaultdict(list)
    for i, key in enumerate(folded):
        if key:
            by_fold[key].append(i)
    return [Group(tuple(m), 1.0) for m in by_fold.values() if len(m) > 1]


class _Shingles:
    """Every text's distinct character shingles as integers, sorted, in one array (row ``i`` is
    ``values[offsets[i]:offsets[i + 1]]``). A shingle is 3 characters in a folded text of 12 or
    more, else 2 (a text shorter than that is its own single shingle); its code points are packed
    into one uint64 (21 bits each, 3-shingles tagged by the top bit), so equal integers are equal
    shingles: the Jaccard similarity is exact, and 70,000 texts take megabytes, not the hundreds
    a set of strings per text took."""

    def __init__(self, folded: Sequence[str], chunk: int = 8192) -> None:
        import numpy as np

        parts = [_pack(folded[i : i + chunk]) for i in range(0, len(folded), chunk)]
        self.values = np.concatenate([values for values, _ in parts])
        self.sizes = np.concatenate([sizes for _, sizes in parts])
        self.offsets = np.concatenate(([0], np.cumsum(self.sizes))).astype(np.int64)

    def row(self, i: int) -> npt.NDArray[np.uint64]:
        return self.values[self.offsets[i] : self.offsets[i + 1]]

    def jaccard(self, i: int, j: int) -> float:
        import numpy as np

        shared = len(np.intersect1d(self.row(i), self.row(j), assume_unique=True))
        return shared / (int(self.sizes[i]) + int(self.sizes[j]) - shared)


def _pack(folded: Sequence[str]) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.int64]]:
    """The sorted distinct shingle integers of a few thousand texts, and how many each has (a
    chunk at a time keeps the temporary arrays small)."""
    import numpy as np

    lengths = np.array([len(f) for f in folded], dtype=np.int64)
    cps = np.frombuffer("".join(folded).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64)
    size = np.where(lengths >= 12, 3, 2)
    count = np.where(lengths <= size, np.minimum(lengths, 1), lengths - size + 1)
    row = np.repeat(np.arange(len(folded), dtype=np.int64), count)
    first = np.concatenate(([0], np.cumsum(count)[:-1])).astype(np.int64)
    at = starts[row] + (np.arange(len(row), dtype=np.int64) - first[row])
    padded = np.concatenate((cps, np.zeros(2, dtype=np.uint64)))
    width = np.minimum(lengths, size)[row]  # characters in each shingle
    c0, c1, c2 = padded[at], padded[at + 1], padded[at + 2]
    values = np.where(
        width == 3,
        np.uint64(1 << 63) | (c0 << np.uint64(42)) | (c1 << np.uint64(21)) | c2,
        np.where(width == 2, (c0 << np.uint64(21)) | c1, c0),
    )
    order = np.lexsort((values, row))
    values, row = values[order], row[order]
    fresh = np.ones(len(values), dtype=np.bool_)
    fresh[1:] = (values[1:] != values[:-1]) | (row[1:] != row[:-1])
    return values[fresh], np.bincount(row[fresh], minlength=len(folded)).astype(np.int64)


def near_pairs(folded: Sequence[str], threshold: float = 0.8) -> list[Group]:
    """Pairs of distinct folded texts (``fold(text)``, made once by the caller) with shingle
    Jaccard >= threshold (exact duplicates excluded)."""
    if len(folded) < 2:
        return []
    shingles = _Shingles(folded)
    out: list[Group] = []
    for i, j in sorted(_candidates(shingles, _rows_per_band(threshold))):
        if folded[i] == folded[j]:
            continue
        sim = shingles.jaccard(i, j)
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


def _candidates(shingles: _Shingles, rows: int) -> set[tuple[int, int]]:
    """Index pairs that share a whole band of their MinHash signatures."""
    import numpy as np  # deferred: only near-duplicate search needs it

    ids = np.flatnonzero(shingles.sizes > 0)
    if len(ids) < 2:
        return set()
    signatures = _signatures(shingles, ids)
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


def _signatures(
    shingles: _Shingles, ids: npt.NDArray[np.int64], chunk: int = 256
) -> npt.NDArray[np.uint64]:
    """MinHash signatures (one row per id, each a non-empty text), a chunk of texts at a time
    (256: the chunk's (hashes x shingles) array stays in the processor's cache)."""
    import numpy as np

    rng = np.random.default_rng(_SEED)
    # multiply-shift hashing: (a*x + b) mod 2**64 (uint64 wraps), top 32 bits; a odd. As good a
    # family for MinHash as (a*x + b) mod p, without a 64-bit division per value.
    a = (rng.integers(0, 1 << 63, size=_HASHES, dtype=np.uint64) | np.uint64(1))[:, None]
    b = rng.integers(0, 1 << 63, size=_HASHES, dtype=np.uint64)[:, None]
    # spread the packed code points before multiplying
    spread = shingles.values ^ (shingles.values >> np.uint64(29))
    offsets = shingles.offsets
    out = np.empty((len(ids), _HASHES), dtype=np.uint64)
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        # the texts left out are empty: the shingles of ``part`` are one slice of them all
        low = offsets[part[0]]
        x = spread[low : offsets[part[-1] + 1]][None, :]
        with np.errstate(over="ignore"):
            values = a * x  # one (hashes x shingles) array, the rest in place
            values += b
        out[start : start + len(part)] = np.minimum.reduceat(values, offsets[part] - low, axis=1).T
    out >>= np.uint64(32)  # the top 32 bits of the least: the least of the top 32 bits
    return out
