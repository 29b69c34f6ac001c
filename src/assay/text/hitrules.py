"""The keyword engine's rules per match: from the automaton's matches to hits.

A match of the automaton (a pattern over the normalized text) becomes hits, one per entry the
pattern stands for: mapped back to a span of the original text, dropped when it is part of a
longer Latin word (the whole-word rule) or lies inside an allowlisted phrase, sorted by
position, one per entry and span (the first target found wins: the keyword before its
variants), and marked when it spans sentence punctuation.

The work is done by ``assay.text._fastkw`` (C, built at install) when it is there; this module
holds the same rules in Python (:class:`PyCollector`) for when it is not, and the tests hold
the two to the same results. Both keep hits as compact records of six int32 (text number,
start, end, entry, target, across sentences) and build hit objects only when asked
(:meth:`PyCollector.hits`).
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from typing import Any, Protocol

RECORD = 6  # int32 per record: text number, start, end, entry, target, across sentences


class Collector(Protocol):
    """What the engine calls; ``_fastkw.Collector`` and :class:`PyCollector` both are one."""

    def collect(
        self,
        text: str,
        found: list[tuple[int, int, int]],
        src: bytes | None,
        n: int,
        texts: list[str] | None,
    ) -> bytes: ...

    def hits(self, records: bytes, count: int) -> list[Any]: ...


class PyCollector:
    """The rules in Python: the same arguments and results as ``_fastkw.Collector`` (see the
    comment at the top of ``_fastkw.c``)."""

    def __init__(
        self,
        alnum: bytes,
        edges: bytes,
        offsets: bytes,
        entries: bytes,
        marks: str,
        boundaries: bool,
        layout: tuple[int, int, int],
        keywords: list[str],
        risk_ids: list[tuple[str, ...]],
        forms: list[str],
        vias: list[str],
        hit_type: type,
        fields: tuple[Any, ...],
    ) -> None:
        self._alnum = alnum
        self._edges = edges
        self._offsets = array("i", offsets).tolist()
        self._entries = array("i", entries).tolist()
        self._marks = frozenset(marks)
        self._boundaries = boundaries
        self._layout = layout
        self._keywords = keywords
        self._risk_ids = risk_ids
        self._forms = forms
        self._vias = vias
        self._hit_type = hit_type

    def collect(
        self,
        text: str,
        found: list[tuple[int, int, int]],
        src: bytes | None,
        n: int,
        texts: list[str] | None,
    ) -> bytes:
        origins: Sequence[int] = range(n) if src is None else memoryview(src).cast("i")
        allowed: list[tuple[int, int]] = []
        hits: list[tuple[int, int, int, int, int, int]] = []
        at_pattern, at_start, at_end = self._layout
        offsets, entries = self._offsets, self._entries
        for match in found:
            pattern, start, end = match[at_pattern], match[at_start] >> 1, match[at_end] >> 1
            if self._boundaries and not self._whole_word(text, origins, start, end, pattern):
                continue
            first, last = origins[start], origins[end - 1] + 1
            for target in range(offsets[pattern], offsets[pattern + 1]):
                entry = entries[target]
                if entry < 0:
                    allowed.append((start, end))
                else:
                    hits.append((first, last, entry, target, start, end))
        if allowed:
            hits = [h for h in hits if not any(a <= h[4] and h[5] <= b for a, b in allowed)]
        hits.sort(key=lambda h: (h[0], h[1], h[2]))  # stable: the first found stays first
        bases = _bases(texts)
        doc = 0
        out = array("i")
        previous: tuple[int, int, int] | None = None
        for first, last, entry, target, _, _ in hits:
            if (first, last, entry) == previous:
                continue  # the same entry on the same span (keyword and variant alike)
            previous = (first, last, entry)
            while doc + 1 < len(bases) and bases[doc + 1] <= first:
                doc += 1
            crosses = any(text[i] in self._marks for i in range(first, last))
            out.extend((doc, first - bases[doc], last - bases[doc], entry, target, int(crosses)))
        return out.tobytes()

    def hits(self, records: bytes, count: int) -> list[Any]:
        values = array("i", records)
        made = [
            self._hit_type(
                self._keywords[values[i + 3]],
                self._risk_ids[values[i + 3]],
                values[i + 1],
                values[i + 2],
                self._forms[values[i + 4]],
                self._vias[values[i + 4]],
                bool(values[i + 5]),
            )
            for i in range(0, len(values), RECORD)
        ]
        if count < 0:
            return made
        out: list[Any] = [[] for _ in range(count)]
        for i, hit in zip(range(0, len(values), RECORD), made, strict=True):
            out[values[i]].append(hit)
        return out

    def _whole_word(
        self, text: str, origins: Sequence[int], start: int, end: int, pattern: int
    ) -> bool:
        edge = self._edges[pattern]
        if edge & 1 and start > 0 and self._alnum[ord(text[origins[start - 1]])]:
            return False
        return not (edge & 2 and end < len(origins) and self._alnum[ord(text[origins[end]])])


def _bases(texts: list[str] | None) -> list[int]:
    """Where each text starts in the texts joined by one barrier character."""
    if texts is None:
        return [0]
    bases = [0]
    for text in texts[:-1]:
        bases.append(bases[-1] + len(text) + 1)
    return bases
