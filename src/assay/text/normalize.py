"""Text normalization that keeps a map back to the original text.

:class:`Normalizer` folds a text so that disguised keywords match (defaults in
:class:`NormalizeOptions`):

* ``nfkc``: compatibility folding: full-width forms, circled and parenthesised letters and
  digits, mathematical letters, ligatures ("ﬁ" to "fi"), compatibility ideographs;
* ``width``: full-width ASCII and the ideographic space to half-width (implied by ``nfkc``);
* ``casefold``: upper to lower case;
* ``t2s``: traditional to simplified Chinese: ``chars`` (a complete one-to-one character
  table from OpenCC), ``opencc`` (OpenCC's phrase rules first, where exactness matters; needs the
  ``cjk`` extra), or ``off``;
* ``confusables``: Cyrillic, Greek and other look-alike letters to Latin;
* ``strip_invisible``: zero-width, bidirectional, control and tag characters removed;
* ``strip_marks``: combining marks removed (accents piled on letters, variation selectors) and
  accented letters read as their base letter ("à" as "a");
* ``join_cjk``: spaces, punctuation and symbols between two CJK characters removed, so
  "炸 弹", "炸*弹" and "炸。弹" read "炸弹" (between CJK characters only: removing separators
  everywhere adds false hits in English);
* ``join_letters``: separators between letters or digits that stand alone are removed, so
  "b o m b" and "b.o.m.b" read "bomb" (a word of two or more letters is never joined);
* ``collapse_spaces``: a run of spaces read as one;
* ``pinyin`` (off by default; needs the ``cjk`` extra): a Chinese keyword also matches its
  pinyin, written together or syllable by syllable ("zhadan", "zha dan");
* ``word_boundaries`` (a matching rule): a keyword that starts or ends with a Latin letter or
  digit matches only whole words, so "ass" does not hit "class".

Every normalized character keeps the index of the character of the original text it came
from, so evidence always points into what the user wrote. The work is done with lookup
tables over UTF-32 code points (``assay.text.tables``), not character by character in Python.

:func:`fold` is a coarser form for comparing whole texts (dedup): it also removes every space
and punctuation mark.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict

from assay.errors import MissingDependencyError
from assay.text.tables import (
    ALNUM,
    CJK,
    CLASSES,
    DROP,
    EXPAND,
    SEPARATOR,
    SPACE,
    FoldSteps,
    Tables,
    tables,
)

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

_DROP_CATEGORIES = ("P", "Z", "C", "S")


class NormalizeOptions(BaseModel):
    """The normalization steps of a keyword library; each can be switched off."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    nfkc: bool = True
    width: bool = True
    casefold: bool = True
    t2s: Literal["chars", "opencc", "off"] = "chars"
    confusables: bool = True
    strip_invisible: bool = True
    strip_marks: bool = True
    join_cjk: bool = True
    join_letters: bool = True
    collapse_spaces: bool = True
    pinyin: bool = False
    word_boundaries: bool = True

    def fold_steps(self) -> FoldSteps:
        return FoldSteps(
            nfkc=self.nfkc,
            width=self.width,
            casefold=self.casefold,
            t2s=self.t2s == "chars",  # in opencc mode OpenCC converts before the tables
            confusables=self.confusables,
            strip_invisible=self.strip_invisible,
            strip_marks=self.strip_marks,
        )


@dataclass(frozen=True)
class Encoded:
    """A normalized text as lookup-table items: ``data`` holds one item (uint16 or uint32) per
    kept character; ``src`` the int32 index of its character in the original text (``None``:
    the same index, nothing was dropped)."""

    data: bytes
    src: bytes | None

    def origins(self, width: int) -> Sequence[int]:
        """For each kept character, its index in the original text (cheap to index from Python)."""
        if self.src is None:
            return range(len(self.data) // width)
        return memoryview(self.src).cast("i")

    def sources(self, width: int) -> npt.NDArray[np.int32]:
        import numpy as np

        if self.src is None:
            return np.arange(len(self.data) // width, dtype=np.int32)
        return np.frombuffer(self.src, dtype=np.int32)


@dataclass(frozen=True)
class Normalized:
    """A normalized text and, for each of its characters, the index it came from."""

    text: str
    offsets: list[int]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of the normalized span ``[start, end)``."""
        return self.offsets[start], self.offsets[end - 1] + 1


class Normalizer:
    """Applies :class:`NormalizeOptions` with lookup tables; see the module documentation."""

    def __init__(self, options: NormalizeOptions | None = None, *, use_c: bool = True) -> None:
        self.options = options or NormalizeOptions()
        self.tables: Tables = tables(self.options.fold_steps())
        self._opencc = _opencc_converter() if self.options.t2s == "opencc" else None
        self._fast = _fast_module() if use_c else None
        self._flags = (
            int(self.options.join_cjk)
            | (int(self.options.collapse_spaces) << 1)
            | (int(self.options.join_letters) << 2)
        )

    def encode(self, text: str, lut: npt.NDArray[np.uint16] | npt.NDArray[np.uint32]) -> Encoded:
        """Normalize ``text`` and map each kept character through ``lut`` (indexed by the
        original code point; ``Tables.norm`` gives the normalized text itself)."""
        if self._opencc is not None:
            converted = self._opencc.convert(text)
            if len(converted) != len(text):  # offsets would shift: use the character table
                return Normalizer(self.options.model_copy(update={"t2s": "chars"})).encode(
                    text, lut
                )
            text = converted
        if self._fast is not None:
            result = self._fast.encode(text, self.tables.cls, lut, self._flags)
            if result is not None:
                return Encoded(data=result[0], src=result[1])
        cps, keep, src = self._prepare(text)
        kept = cps if keep is None else cps[keep]
        if keep is None and src is None:
            return Encoded(data=lut[kept].tobytes(), src=None)
        import numpy as np

        positions = np.arange(len(cps)) if keep is None else np.flatnonzero(keep)
        origin = positions if src is None else src[positions]
        return Encoded(data=lut[kept].tobytes(), src=origin.astype(np.int32).tobytes())

    def normalize(self, text: str) -> Normalized:
        """The normalized text itself, with offsets into ``text``."""
        encoded = self.encode(text, self.tables.norm)
        return Normalized(
            text=encoded.data.decode("utf-32-le"),
            offsets=[int(i) for i in encoded.sources(4)],
        )

    def _prepare(
        self, text: str
    ) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.bool_] | None, npt.NDArray[np.intp] | None]:
        """The numpy path: code points, which survive (None: all), source indexes (None: same)."""
        import numpy as np

        cps = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        if not len(cps):
            return cps, None, None
        cls = self.tables.cls[cps]
        counts = np.bincount(cls, minlength=CLASSES)
        src: npt.NDArray[np.intp] | None = None
        if counts[EXPAND]:
            cps, src = self._expand(cps, cls)
            cls = self.tables.cls[cps]
            counts = np.bincount(cls, minlength=CLASSES)
        has_drop = bool(counts[DROP])
        if not (has_drop or counts[SEPARATOR] or counts[SPACE]):
            return cps, None, src
        drop = cls == DROP if has_drop else None
        if counts[SEPARATOR] or counts[SPACE]:
            joined = []
            if self.options.join_cjk and counts[CJK]:
                joined.append(self._join_cjk(cls, drop))
            if self.options.join_letters and counts[ALNUM]:
                joined.append(self._join_letters(cls, drop, with_cjk=self.options.join_cjk))
            for mask in joined:
                drop = mask if drop is None else drop | mask
        if counts[SPACE] > 1 and self.options.collapse_spaces:
            drop = self._collapse_spaces(cls, drop)
        if drop is None or not drop.any():
            return cps, None, src
        return cps, ~drop, src

    def _expand(
        self, cps: npt.NDArray[np.uint32], cls: npt.NDArray[np.uint8]
    ) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.intp]]:
        import numpy as np

        out: list[int] = []
        src: list[int] = []
        expand = self.tables.expand
        for i, (cp, c) in enumerate(zip(cps.tolist(), cls.tolist(), strict=True)):
            if c == EXPAND:
                for ch in expand[cp]:
                    out.append(ord(ch))
                    src.append(i)
            else:
                out.append(cp)
                src.append(i)
        return np.array(out, dtype=np.uint32), np.array(src, dtype=np.intp)

    @staticmethod
    def _join_cjk(
        cls: npt.NDArray[np.uint8], drop: npt.NDArray[np.bool_] | None
    ) -> npt.NDArray[np.bool_]:
        """Drop separators whose nearest visible neighbours are both CJK characters."""
        import numpy as np

        separators = (cls - np.uint8(SEPARATOR)) < 2  # SEPARATOR or SPACE (uint8 wraps below)
        cjk = cls == CJK
        hidden = separators if drop is None else separators | drop
        after_cjk = cjk[:-2] & hidden[1:-1]
        if (after_cjk & hidden[2:]).any():  # a run of two or more: the general case
            between = Normalizer._between_cjk(cjk, hidden)
            return separators & between if drop is None else drop | (separators & between)
        out = np.zeros(len(cls), dtype=np.bool_) if drop is None else drop.copy()
        out[1:-1] |= after_cjk & cjk[2:] & separators[1:-1]
        return out

    @staticmethod
    def _join_letters(
        cls: npt.NDArray[np.uint8], drop: npt.NDArray[np.bool_] | None, *, with_cjk: bool
    ) -> npt.NDArray[np.bool_]:
        """Drop separators between two letters or digits that each stand alone ("b o m b"),
        and (``with_cjk``) between such a letter and a CJK character ("3 5 岁"). With CJK on,
        a letter written straight after a CJK character stands alone on that side too, so an
        English word spelled out inside Chinese text joins ("散步p i g今天")."""
        import numpy as np

        n = len(cls)
        index = np.arange(n)
        separators = (cls - np.uint8(SEPARATOR)) < 2
        dropped = np.zeros(n, dtype=np.bool_) if drop is None else drop
        hidden = separators | dropped
        last = np.maximum.accumulate(np.where(hidden, -1, index))
        following = np.minimum.accumulate(np.where(hidden, n, index)[::-1])[::-1]
        prev_visible = np.concatenate(([-1], last[:-1]))
        seps_upto = np.cumsum(separators)
        seps_before = np.concatenate(([0], seps_upto[:-1]))
        left = (prev_visible < 0) | (seps_before - seps_upto[np.maximum(prev_visible, 0)] > 0)
        cjk = cls == CJK
        if with_cjk:
            left |= (prev_visible >= 0) & cjk[np.maximum(prev_visible, 0)]
        not_dropped = np.minimum.accumulate(np.where(dropped, n, index)[::-1])[::-1]
        after = np.concatenate((not_dropped[1:], [n]))
        right = (after >= n) | (cls[np.minimum(after, n - 1)] != ALNUM)
        single = (cls == ALNUM) & left & right
        inside = separators & (last >= 0) & (following < n)
        before, behind = np.maximum(last, 0), np.minimum(following, n - 1)
        pairs = single[before] & single[behind]
        if with_cjk:
            pairs |= (single[before] & cjk[behind]) | (cjk[before] & single[behind])
        joined: npt.NDArray[np.bool_] = inside & pairs
        return joined if drop is None else drop | joined

    @staticmethod
    def _collapse_spaces(
        cls: npt.NDArray[np.uint8], drop: npt.NDArray[np.bool_] | None
    ) -> npt.NDArray[np.bool_] | None:
        """Read a run of spaces (ignoring dropped characters) as one."""
        import numpy as np

        spaces = cls == SPACE
        if drop is None:
            repeat = spaces[1:] & spaces[:-1]
            if not repeat.any():
                return None
            out = np.zeros(len(cls), dtype=np.bool_)
            out[1:] = repeat
            return out
        remaining = np.flatnonzero(~drop)
        kept = spaces[remaining]
        out = drop.copy()
        out[remaining[1:][kept[1:] & kept[:-1]]] = True
        return out

    @staticmethod
    def _between_cjk(
        cjk: npt.NDArray[np.bool_], hidden: npt.NDArray[np.bool_]
    ) -> npt.NDArray[np.bool_]:
        """Positions whose nearest visible neighbours on both sides are CJK characters."""
        import numpy as np

        n = len(cjk)
        index = np.arange(n)
        last = np.maximum.accumulate(np.where(hidden, -1, index))
        following = np.minimum.accumulate(np.where(hidden, n, index)[::-1])[::-1]
        prev_cjk = (last >= 0) & cjk[np.maximum(last, 0)]
        next_cjk = (following < n) & cjk[np.minimum(following, n - 1)]
        result: npt.NDArray[np.bool_] = prev_cjk & next_cjk
        return result


def _fast_module() -> Any:
    """The C inner loop, or None when it was not built (no compiler at install time)."""
    try:
        from assay.text import _fastnorm  # type: ignore[attr-defined]
    except ImportError:
        return None
    return _fastnorm


@lru_cache(maxsize=1)
def _opencc_converter() -> Any:
    try:
        import opencc
    except ImportError:
        raise MissingDependencyError("opencc", "cjk") from None
    return opencc.OpenCC("t2s")


class _Dropper(dict[int, int | None]):
    """``str.translate`` table that deletes spaces, punctuation, symbols and other non-text
    characters (Unicode categories Z, P, S, C), filled in as characters are first seen."""

    def __missing__(self, cp: int) -> int | None:
        kept = not unicodedata.category(chr(cp)).startswith(_DROP_CATEGORIES)
        self[cp] = cp if kept else None
        return self[cp]


_DROPPER = _Dropper()


@lru_cache(maxsize=1)
def _default_normalizer() -> Normalizer:
    return Normalizer()


def fold(text: str) -> str:
    """The comparison form of ``text``: normalized as keywords are (full-width, case,
    traditional to simplified, look-alikes, invisible characters), then without any spaces,
    punctuation or symbols. "如何自製炸藥？" and "如何自制炸药" fold alike."""
    normalizer = _default_normalizer()
    normal = normalizer.encode(text, normalizer.tables.norm).data.decode("utf-32-le")
    return normal.translate(_DROPPER)
