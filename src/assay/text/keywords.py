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
   suppressed; Latin keywords match whole words only (``word_boundaries``). This work per
   match is done in C (``assay.text.hitrules``: ``_fastkw``, or the same rules in Python), and
   hits are kept as compact records until hit objects are asked for (:class:`KeywordMatches`).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from functools import lru_cache
from typing import TYPE_CHECKING, Literal, Protocol, cast

from assay.errors import ConfigError, MissingDependencyError
from assay.text import matcher
from assay.text.hitrules import RECORD, Collector, PyCollector
from assay.text.normalize import NormalizeOptions, Normalizer
from assay.text.tables import FoldSteps, tables

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
    """One keyword found in a text; ``start``/``end`` index the original text.

    The C collector (``_fastkw``) fills the slots of new instances directly, without
    ``__init__``: keep it a plain slots dataclass (no ``__post_init__``)."""

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


# the forms to match, as parallel lists: the entry each belongs to (-1: an allowlist phrase),
# the form as written, and how it relates to its entry (via, or "allow")
_Forms = tuple[list[int], list[str], list[str]]
_SENTENCE_MARKS = "，。！？；：、,.!?;:\n"
_LATIN_END = 0xFF5B  # past the last Latin letter or digit _LATIN_GAP looks for


@dataclass(frozen=True)
class KeywordMatches:
    """The hits of a batch of texts as compact records, hit objects built only when asked.

    ``records`` holds six int32 per hit: text number, start, end (indexes into that text),
    entry index, target (the form that matched), across sentences (0 or 1); sorted by text and
    position, as :meth:`KeywordEngine.scan_many` lists them."""

    records: bytes
    texts: int
    collector: Collector = field(repr=False, compare=False)

    def table(self) -> npt.NDArray[np.int32]:
        """The records as an array of shape (hits, 6)."""
        import numpy as np

        return np.frombuffer(self.records, dtype=np.int32).reshape(-1, RECORD)

    def counts(self) -> list[int]:
        """How many hits each text has."""
        import numpy as np

        counts: list[int] = np.bincount(self.table()[:, 0], minlength=self.texts).tolist()
        return counts

    def hits(self) -> list[list[KeywordHit]]:
        """The hits of each text (what :meth:`KeywordEngine.scan_many` returns)."""
        return cast(list[list[KeywordHit]], self.collector.hits(self.records, self.texts))


class KeywordEngine:
    """A compiled keyword library. Build once, then :meth:`scan` or :meth:`scan_many`.

    ``use_c=False`` does the per-match work (and the normalization) in Python even where the C
    modules are built: the same results, slower (the tests compare the two)."""

    def __init__(
        self,
        entries: Sequence[KeywordEntry],
        *,
        allow: Sequence[str] = (),
        options: NormalizeOptions | None = None,
        backend: str | None = None,
        use_c: bool = True,
    ) -> None:
        import numpy as np

        started = time.perf_counter()
        self.options = options or NormalizeOptions()
        self.normalizer = Normalizer(self.options, use_c=use_c)
        self.entries = list(entries)
        owners, texts, vias = self._forms(allow)
        keywords = texts[: len(self.entries)]
        data, starts, ends = self._normalize_all(texts)
        lengths = ends - starts
        kept = np.flatnonzero(lengths > 0)
        owner = np.array(owners, dtype=np.int32)
        if not (owner[kept] >= 0).any():
            raise ConfigError(
                "the keyword library has no usable keyword",
                fix="check the library file: its rows may all have been quarantined",
            )
        norm = self.normalizer.tables.norm
        codes, alphabet = _alphabet_codes(data[data != ord(_BARRIER)], len(norm))
        self._lut: npt.NDArray[np.uint16] = codes[norm]
        self._ascii_alnum, alnum_bytes = _ascii_alnum_table(self.options.fold_steps())
        patterns, order, offsets = _patterns(codes[data].tobytes(), starts, ends, kept)
        firsts = order[offsets[:-1]]
        edges = self._ascii_alnum[data[starts[firsts]]].astype(np.uint8) | (
            self._ascii_alnum[data[ends[firsts] - 1]].astype(np.uint8) << 1
        )
        self._backend = matcher.build(patterns, backend)
        rejected = tuple(texts[i] for i in np.flatnonzero(lengths == 0).tolist())
        if not np.array_equal(order, np.arange(len(texts))):  # not one form per pattern
            texts, vias = [texts[i] for i in order.tolist()], [vias[i] for i in order.tolist()]
        self._collector: Collector = _collector(use_c)(
            alnum_bytes,
            edges.tobytes(),
            offsets.tobytes(),
            owner[order].tobytes(),
            _SENTENCE_MARKS,
            self.options.word_boundaries,
            self._backend.layout,
            keywords,
            [e.risk_ids for e in self.entries],
            texts,  # now one per target
            vias,
            KeywordHit,
            _HIT_FIELDS,
        )
        # the most normalized characters one pattern (keyword form or allowlist phrase) spans:
        # a stream screener holds back this much of a text's end (assay.guard.stream)
        self.longest = int(lengths[kept].max())
        # the same of the allowlist phrases alone: a hit is final once this much follows it
        allowed = lengths[kept][owner[kept] < 0]
        self.longest_allow = int(allowed.max()) if len(allowed) else 0
        self.stats = EngineStats(
            keywords=len(self.entries),
            patterns=len(patterns),
            allow_phrases=len(allow),
            alphabet=alphabet,
            backend=self._backend.name,
            build_seconds=time.perf_counter() - started,
            rejected=rejected,
        )

    def _forms(self, allow: Sequence[str]) -> _Forms:
        """Every form to match: keywords, variants, pinyin forms, then allowlist phrases.

        A Latin form of several words also matches with its words run together, since
        spaced-out letters ("p i p e b o m b") are read as one word.
        """
        import numpy as np

        entries = self.entries
        owners = list(range(len(entries)))
        texts = [e.keyword for e in entries]
        vias = ["keyword"] * len(entries)
        variants = [e.variants for e in entries]
        for i in np.flatnonzero(list(map(bool, variants))).tolist():
            owners += [i] * len(variants[i])
            texts += variants[i]
            vias += ["variant"] * len(variants[i])
        if self.options.pinyin:
            for i, entry in enumerate(entries):
                spoken = _pinyin_forms(entry.keyword)
                owners += [i] * len(spoken)
                texts += spoken
                vias += ["pinyin"] * len(spoken)
        if self.options.join_letters:
            latin = [i for i in _with_latin(texts) if vias[i] != "pinyin"]
            gaps = [i for i in latin if _LATIN_GAP.search(texts[i])]
            owners += [owners[i] for i in gaps]
            texts += [_LATIN_GAP.sub("", texts[i]) for i in gaps]
            vias += [vias[i] for i in gaps]
            # "AK47" also as "AK-47" and "AK 47": a letter-digit boundary is often written apart
            latin += range(len(texts) - len(gaps), len(texts))
            edges = [i for i in latin if _ALNUM_EDGE.search(texts[i])]
            owners += [owners[i] for i in edges for _ in range(2)]
            texts += [_ALNUM_EDGE.sub(gap, texts[i]) for i in edges for gap in ("-", " ")]
            vias += [vias[i] for i in edges for _ in range(2)]
        owners += [-1] * len(allow)
        texts += allow
        vias += [_ALLOW] * len(allow)
        return owners, texts, vias

    # -- scanning --------------------------------------------------------------------------

    def scan(self, text: str) -> list[KeywordHit]:
        """Every keyword hit in ``text``, in order of position."""
        encoded = self.normalizer.encode(text, self._lut)
        found = self._backend.find_raw(encoded.data)
        if not found:
            return []
        records = self._collector.collect(text, found, encoded.src, len(encoded.data) >> 1, None)
        return cast(list[KeywordHit], self._collector.hits(records, -1))

    def scan_mapped(self, text: str) -> tuple[list[KeywordHit], Sequence[int]]:
        """The hits of :meth:`scan`, and for each normalized character the index in ``text``
        of the character it came from (what a stream screener needs to hold back a tail)."""
        encoded = self.normalizer.encode(text, self._lut)
        origins = encoded.origins(2)
        found = self._backend.find_raw(encoded.data)
        if not found:
            return [], origins
        records = self._collector.collect(text, found, encoded.src, len(origins), None)
        return cast(list[KeywordHit], self._collector.hits(records, -1)), origins

    def scan_many(self, texts: Sequence[str]) -> list[list[KeywordHit]]:
        """Hits for each text; one pass over all of them (faster than :meth:`scan` each)."""
        return self.match_many(texts).hits()

    def match_many(self, texts: Sequence[str]) -> KeywordMatches:
        """The hits of :meth:`scan_many` as compact records (no hit objects until asked)."""
        batch = texts if isinstance(texts, list) else list(texts)
        if not batch:
            return KeywordMatches(b"", 0, self._collector)
        joined = _BARRIER.join(batch)
        encoded = self.normalizer.encode(joined, self._lut)
        found = self._backend.find_raw(encoded.data)
        if not found:
            return KeywordMatches(b"", len(batch), self._collector)
        records = self._collector.collect(joined, found, encoded.src, len(encoded.data) >> 1, batch)
        return KeywordMatches(records, len(batch), self._collector)

    # -- building ------------------------------------------------------------------------

    def _normalize_all(
        self, forms: list[str]
    ) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.intp], npt.NDArray[np.intp]]:
        """Normalize every form in one pass: the code points, and where each form starts and
        ends in them."""
        import numpy as np

        if not forms:
            empty = np.zeros(0, dtype=np.intp)
            return np.zeros(0, dtype=np.uint32), empty, empty
        joined = _BARRIER.join([f.strip() for f in forms])
        if joined.count(_BARRIER) != len(forms) - 1:  # a form holds the barrier itself
            joined = _BARRIER.join(f.strip().replace(_BARRIER, "") for f in forms)
        encoded = self.normalizer.encode(joined, self.normalizer.tables.norm)
        data = np.frombuffer(encoded.data, dtype=np.uint32)
        cuts = np.flatnonzero(data == ord(_BARRIER))
        starts = np.concatenate(([0], cuts + 1))
        ends = np.concatenate((cuts, [len(data)]))
        return data, starts, ends


_HIT_FIELDS = tuple(KeywordHit.__dict__[f.name] for f in fields(KeywordHit))


def _collector(use_c: bool) -> Callable[..., Collector]:
    """The C collector (``_fastkw``), or the same rules in Python when it was not built."""
    if use_c:
        try:
            from assay.text import _fastkw  # type: ignore[attr-defined]
        except ImportError:
            pass
        else:
            return cast(Callable[..., Collector], _fastkw.Collector)
    return PyCollector


def _patterns(
    coded: bytes,
    starts: npt.NDArray[np.intp],
    ends: npt.NDArray[np.intp],
    kept: npt.NDArray[np.intp],
) -> tuple[list[bytes], npt.NDArray[np.intp], npt.NDArray[np.int32]]:
    """One pattern per distinct normalized form (its two-byte codes ``coded[2 * start : 2 *
    end]``), in order of first form; the kept forms grouped by pattern (``order``, the forms of
    pattern ``p`` being ``order[offsets[p] : offsets[p + 1]]``, in their own order)."""
    import numpy as np

    keys = [
        coded[2 * s : 2 * e]
        for s, e in zip(starts[kept].tolist(), ends[kept].tolist(), strict=True)
    ]
    index = dict.fromkeys(keys)
    if len(index) == len(keys):  # the common case: every form its own pattern
        return keys, kept, np.arange(len(keys) + 1, dtype=np.int32)
    found: dict[bytes, int] = {}
    ids = np.array([found.setdefault(k, len(found)) for k in keys], dtype=np.int32)
    offsets = np.zeros(len(found) + 1, dtype=np.int32)
    np.cumsum(np.bincount(ids, minlength=len(found)), out=offsets[1:])
    return list(found), kept[np.argsort(ids, kind="stable")], offsets


def _with_latin(texts: list[str]) -> list[int]:
    """The indexes of the texts that hold a Latin letter or digit (half- or full-width): the
    only ones :data:`_LATIN_GAP` or :data:`_ALNUM_EDGE` can find anything in."""
    import numpy as np

    if not texts:
        return []
    joined = _BARRIER.join(texts)
    cps = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    if joined.count(_BARRIER) == len(texts) - 1:
        ends = np.append(np.flatnonzero(cps == ord(_BARRIER)), len(cps))
    else:  # a text holds the barrier itself
        ends = np.cumsum([len(t) + 1 for t in texts]) - 1
    seen = np.concatenate(([0], np.cumsum(_latin_table()[np.minimum(cps, _LATIN_END)])))
    starts = np.concatenate(([0], ends[:-1] + 1))
    found: list[int] = np.flatnonzero(seen[ends] > seen[starts]).tolist()
    return found


@lru_cache(maxsize=1)
def _latin_table() -> npt.NDArray[np.bool_]:
    import numpy as np

    table = np.zeros(_LATIN_END + 1, dtype=np.bool_)
    for low, high in ("09", "AZ", "az", "\uff10\uff19", "\uff21\uff3a", "\uff41\uff5a"):
        table[ord(low) : ord(high) + 1] = True
    return table


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


@lru_cache(maxsize=16)
def _ascii_alnum_table(steps: FoldSteps) -> tuple[npt.NDArray[np.bool_], bytes]:
    """For every code point: does it fold to an ASCII letter or digit? (As an array and as
    the bytes the C collector reads; built once per set of fold steps, as the tables are.)"""
    import numpy as np

    norm = tables(steps).norm
    ascii_alnum = np.zeros(128, dtype=np.bool_)
    for cp in range(128):
        ascii_alnum[cp] = chr(cp).isalnum()
    result: npt.NDArray[np.bool_] = (norm < 128) & ascii_alnum[np.minimum(norm, 127)]
    result.flags.writeable = False
    return result, result.view(np.uint8).tobytes()


def _pinyin_forms(keyword: str) -> list[str]:
    try:
        from pypinyin import lazy_pinyin
    except ImportError:
        raise MissingDependencyError("pypinyin", "cjk") from None
    if not all("\u3400" <= ch <= "\u9fff" for ch in keyword):
        return []
    syllables = lazy_pinyin(keyword)
    return ["".join(syllables), " ".join(syllables)]
