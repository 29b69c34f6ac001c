"""The keyword engine: a keyword library compiled for fast, evasion-proof matching.

How it works:

1. Every keyword, variant, pinyin form and allowlist phrase is normalized with the library's
   :class:`~assay.text.normalize.NormalizeOptions`, exactly as texts are.
2. The distinct characters of all patterns form an alphabet of at most 16,255 characters, each
   given a two-byte code whose first byte is >= 0x80 and second is 0x01 to 0x7F (so a pattern
   can never match at an odd byte offset, and holds no NUL byte); every other character becomes
   one "other" code (0x80 0x00).
3. One lookup table maps any original code point straight to its code (normalization and
   alphabet composed), so scanning a text is: one pass of the normalizer (C, or numpy), then
   one pass of a compiled automaton (``assay.text.matcher``) over two bytes per character.
4. Matches map back to spans of the original text; hits inside a longer allowlisted phrase are
   suppressed; Latin keywords match whole words only (``word_boundaries``).
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, Protocol, cast

from assay.errors import ConfigError, MissingDependencyError
from assay.text import matcher
from assay.text.normalize import NormalizeOptions, Normalizer

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

Via = Literal["keyword", "variant", "pinyin"]
_ALLOW = "allow"
_BARRIER = "\uffff"  # a noncharacter: never part of a pattern, so no match spans it
_OTHER = 0x0080
_MAX_ALPHABET = 127 * 128 - 1
# separators between Latin letters or digits: "pipe bomb" is also matched as "pipebomb"


class KeywordEntry(Protocol):
    """What the engine reads of a keyword (``assay.banks.models.KeywordEntry`` is one): the
    text layer names the shape it needs instead of importing the banks layer above it."""

    @property
    def keyword(self) -> str: ...

    @property
    def risk_ids(self) -> tuple[str, ...]: ...

    @property
    def variants(self) -> tuple[str, ...]: ...


_ALNUM_EDGE = re.compile(r"(?<=[A-Za-z])(?=[0-9])|(?<=[0-9])(?=[A-Za-z])")
_LATIN_GAP = re.compile(
    r"(?<=[A-Za-z0-9\uff10-\uff19\uff21-\uff3a\uff41-\uff5a])[\W_]+(?=[A-Za-z0-9\uff10-\uff19\uff21-\uff3a\uff41-\uff5a])"
)


@dataclass(frozen=True, slots=True)
class KeywordHit:
    """One keyword found in a text; ``start``/``end`` index the original text."""

    keyword: str
    risk_ids: tuple[str, ...]
    start: int
    end: int
    matched: str  # the library form that matched: the keyword, a variant or a pinyin form
    via: Via
    across_sentences: bool = (
        False  # the match spans sentence punctuation ("台，独"): weaker evidence
    )


@dataclass(frozen=True)
class EngineStats:
    keywords: int
    patterns: int
    allow_phrases: int
    alphabet: int
    backend: str
    build_seconds: float
    rejected: tuple[str, ...] = field(default=())  # library forms that normalize to nothing


# a form to match: (index into entries, or -1 for an allowlist phrase; the form as written; via)
_Target = tuple[int, str, str]
# a hit before it is typed: (start, end, entry index, form, via, across sentences)
_Raw = tuple[int, int, int, str, str, bool]
_SENTENCE_MARKS = re.compile(r"[，。！？；：、,.!?;:\n]")


class KeywordEngine:
    """A compiled keyword library. Build once, then :meth:`scan` or :meth:`scan_many`."""

    def __init__(
        self,
        entries: Sequence[KeywordEntry],
        *,
        allow: Sequence[str] = (),
        options: NormalizeOptions | None = None,
        backend: str | None = None,
    ) -> None:
        import numpy as np

        started = time.perf_counter()
        self.options = options or NormalizeOptions()
        self.normalizer = Normalizer(self.options)
        self.entries = list(entries)
        forms = self._forms(allow)
        data, bounds = self._normalize_all([f[1] for f in forms])
        raw = data.tobytes()
        by_pattern: dict[bytes, list[_Target]] = {}
        spans: list[tuple[int, int]] = []
        rejected: list[str] = []
        for target, (start, end) in zip(forms, bounds, strict=True):
            if start == end:
                rejected.append(target[1])
                continue
            key = raw[4 * start : 4 * end]
            targets = by_pattern.get(key)
            if targets is None:
                by_pattern[key] = [target]
                spans.append((start, end))
            else:
                targets.append(target)
        if not any(e >= 0 for targets in by_pattern.values() for e, _, _ in targets):
            raise ConfigError(
                "the keyword library has no usable keyword",
                fix="check the library file: its rows may all have been quarantined",
            )
        codes, alphabet = _alphabet_codes(
            data[data != ord(_BARRIER)], len(self.normalizer.tables.norm)
        )
        self._lut: npt.NDArray[np.uint16] = codes[self.normalizer.tables.norm]
        self._ascii_alnum = _ascii_alnum_table(self.normalizer.tables.norm)
        self._targets = list(by_pattern.values())
        coded = codes[data].tobytes()
        patterns = [coded[2 * start : 2 * end] for start, end in spans]
        firsts = np.array([s for s, _ in spans], dtype=np.intp)
        lasts = np.array([e - 1 for _, e in spans], dtype=np.intp)
        alnum = self._ascii_alnum[data]
        self._edges = list(zip(alnum[firsts].tolist(), alnum[lasts].tolist(), strict=True))
        self._backend = matcher.build(patterns, backend)
        # the most normalized characters one pattern (keyword form or allowlist phrase) spans:
        # a stream screener holds back this much of a text's end (assay.guard.stream)
        self.longest = max(end - start for start, end in spans)
        # the same of the allowlist phrases alone: a hit is final once this much follows it
        self.longest_allow = max(
            (
                e - s
                for (s, e), targets in zip(spans, self._targets, strict=True)
                if any(i < 0 for i, _, _ in targets)
            ),
            default=0,
        )
        self.stats = EngineStats(
            keywords=len(self.entries),
            patterns=len(patterns),
            allow_phrases=len(allow),
            alphabet=alphabet,
            backend=self._backend.name,
            build_seconds=time.perf_counter() - started,
            rejected=tuple(rejected),
        )

    def _forms(self, allow: Sequence[str]) -> list[_Target]:
        """Every form to match: keywords, variants, pinyin forms, then allowlist phrases.

        A Latin form of several words also matches with its words run together, since
        spaced-out letters ("p i p e b o m b") are read as one word.
        """
        entries = self.entries
        forms: list[_Target] = [(i, e.keyword, "keyword") for i, e in enumerate(entries)]
        forms += [(i, v, "variant") for i, e in enumerate(entries) for v in e.variants]
        if self.options.pinyin:
            forms += [
                (i, p, "pinyin") for i, e in enumerate(entries) for p in _pinyin_forms(e.keyword)
            ]
        if self.options.join_letters:
            forms += [
                (i, _LATIN_GAP.sub("", form), via)
                for i, form, via in forms
                if via != "pinyin" and _LATIN_GAP.search(form)
            ]
            # "AK47" also as "AK-47" and "AK 47": a letter-digit boundary is often written apart
            forms += [
                (i, _ALNUM_EDGE.sub(gap, form), via)
                for i, form, via in list(forms)
                if via != "pinyin" and _ALNUM_EDGE.search(form)
                for gap in ("-", " ")
            ]
        forms.extend((-1, phrase, _ALLOW) for phrase in allow)
        return forms

    # -- scanning --------------------------------------------------------------------------

    def scan(self, text: str) -> list[KeywordHit]:
        """Every keyword hit in ``text``, in order of position."""
        encoded = self.normalizer.encode(text, self._lut)
        found = self._backend.find(encoded.data)
        if not found:
            return []
        return [self._hit(raw, 0) for raw in self._raw_hits(text, found, encoded.origins(2))]

    def scan_mapped(self, text: str) -> tuple[list[KeywordHit], Sequence[int]]:
        """The hits of :meth:`scan`, and for each normalized character the index in ``text``
        of the character it came from (what a stream screener needs to hold back a tail)."""
        encoded = self.normalizer.encode(text, self._lut)
        origins = encoded.origins(2)
        found = self._backend.find(encoded.data)
        if not found:
            return [], origins
        return [self._hit(raw, 0) for raw in self._raw_hits(text, found, origins)], origins

    def scan_many(self, texts: Sequence[str]) -> list[list[KeywordHit]]:
        """Hits for each text; one pass over all of them (faster than :meth:`scan` each)."""
        import numpy as np

        if not texts:
            return []
        joined = _BARRIER.join(texts)
        encoded = self.normalizer.encode(joined, self._lut)
        found = self._backend.find(encoded.data)
        out: list[list[KeywordHit]] = [[] for _ in texts]
        if not found:
            return out
        raws = self._raw_hits(joined, found, encoded.origins(2))
        starts = np.cumsum([0] + [len(t) + 1 for t in texts[:-1]])
        docs = (np.searchsorted(starts, [r[0] for r in raws], side="right") - 1).tolist()
        bases = starts[docs].tolist()
        for raw, doc, base in zip(raws, docs, bases, strict=True):
            out[doc].append(self._hit(raw, base))
        return out

    def _hit(self, raw: _Raw, base: int) -> KeywordHit:
        start, end, entry_index, form, via, crosses = raw
        entry = self.entries[entry_index]
        return KeywordHit(
            entry.keyword, entry.risk_ids, start - base, end - base, form, cast(Via, via), crosses
        )

    def _raw_hits(
        self, text: str, found: list[tuple[int, int, int]], src: Sequence[int]
    ) -> list[_Raw]:
        """Hits as (original start, original end, entry index, form, via, across sentences),
        sorted, unique, with Latin partial words and allowlisted spans removed."""
        allowed: list[tuple[int, int]] = []
        hits: list[tuple[int, int, int, str, str, int, int]] = []
        boundaries = self.options.word_boundaries
        for pattern, start_byte, end_byte in found:
            start, end = start_byte >> 1, end_byte >> 1
            if boundaries and not self._whole_word(text, src, start, end, self._edges[pattern]):
                continue
            o_start, o_end = src[start], src[end - 1] + 1
            for entry_index, form, via in self._targets[pattern]:
                if entry_index < 0:
                    allowed.append((start, end))
                else:
                    hits.append((o_start, o_end, entry_index, form, via, start, end))
        if allowed:
            hits = [h for h in hits if not any(a <= h[5] and h[6] <= b for a, b in allowed)]
        if len(hits) > 1:
            hits.sort(key=lambda h: (h[0], h[1], h[2]))
        seen: set[tuple[int, int, int]] = set()
        out = []
        for hit in hits:
            key = (hit[0], hit[1], hit[2])
            if key not in seen:  # the same entry on the same span (keyword and variant alike)
                seen.add(key)
                crosses = bool(_SENTENCE_MARKS.search(text, hit[0], hit[1]))
                out.append((hit[0], hit[1], hit[2], hit[3], hit[4], crosses))
        return out

    def _whole_word(
        self,
        text: str,
        src: Sequence[int],
        start: int,
        end: int,
        edges: tuple[bool, bool],
    ) -> bool:
        if edges[0] and start > 0 and self._ascii_alnum[ord(text[src[start - 1]])]:
            return False
        return not (edges[1] and end < len(src) and self._ascii_alnum[ord(text[src[end]])])

    # -- building ------------------------------------------------------------------------

    def _normalize_all(
        self, forms: list[str]
    ) -> tuple[npt.NDArray[np.uint32], list[tuple[int, int]]]:
        """Normalize every form in one pass: the code points, and each form's span in them."""
        import numpy as np

        if not forms:
            return np.zeros(0, dtype=np.uint32), []
        joined = _BARRIER.join(f.strip().replace(_BARRIER, "") for f in forms)
        encoded = self.normalizer.encode(joined, self.normalizer.tables.norm)
        data = np.frombuffer(encoded.data, dtype=np.uint32)
        cuts = np.flatnonzero(data == ord(_BARRIER)).tolist()
        starts = [0, *(c + 1 for c in cuts)]
        ends = [*cuts, len(data)]
        return data, list(zip(starts, ends, strict=True))


def _alphabet_codes(chars: npt.NDArray[np.uint32], size: int) -> tuple[npt.NDArray[np.uint16], int]:
    """A code for every code point: its two-byte alphabet code, or "other"."""
    import numpy as np

    alphabet = np.unique(chars)
    if len(alphabet) > _MAX_ALPHABET:
        raise ConfigError(
            f"the keyword library uses {len(alphabet)} distinct characters after "
            f"normalization; the engine supports {_MAX_ALPHABET}",
            fix="split the library",
        )
    codes = np.full(size, _OTHER, dtype=np.uint16)
    ranks = np.arange(1, len(alphabet) + 1, dtype=np.uint16)
    # first byte 0x80-0xFF, second byte 0x01-0x7F: no NUL byte in any pattern
    codes[alphabet] = (np.uint16(0x80) | (ranks & np.uint16(0x7F))) | (((ranks >> 7) + 1) << 8)
    return codes, len(alphabet)


def _ascii_alnum_table(norm: npt.NDArray[np.uint32]) -> npt.NDArray[np.bool_]:
    """For every code point: does it normalize to an ASCII letter or digit?"""
    import numpy as np

    ascii_alnum = np.zeros(128, dtype=np.bool_)
    for cp in range(128):
        ascii_alnum[cp] = chr(cp).isalnum()
    result: npt.NDArray[np.bool_] = (norm < 128) & ascii_alnum[np.minimum(norm, 127)]
    return result


def _pinyin_forms(keyword: str) -> list[str]:
    try:
        from pypinyin import lazy_pinyin
    except ImportError:
        raise MissingDependencyError("pypinyin", "cjk") from None
    if not all("\u3400" <= ch <= "\u9fff" for ch in keyword):
        return []
    syllables = lazy_pinyin(keyword)
    return ["".join(syllables), " ".join(syllables)]
