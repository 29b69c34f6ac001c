"""Lookup tables over all of Unicode for the normalizer, built once per set of options.

``norm[cp]`` is the code point ``cp`` folds to (one character to one character), and
``cls[cp]`` the class of that folded character: what the normalizer keeps, drops, or joins.
The few characters whose folding is several characters (ligatures such as "ﬁ", "㍿") are class
``EXPAND`` and listed in ``expand``; a text that contains one takes a slower path.

Built from ``data/unicode.json``, ``data/t2s.tsv`` and ``data/confusables.tsv`` (see
``scripts/make_text_tables.py``) in well under a tenth of a second.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

SIZE = 0x110000

NORMAL = 0
CJK = 1
SEPARATOR = 2  # punctuation and symbols
SPACE = 3
DROP = 4  # removed: invisible, control, stripped marks, or folds to nothing
EXPAND = 5  # folds to several characters
ALNUM = 6  # an ASCII letter or digit (after folding)
CLASSES = 7

HAN_RANGES = (
    (0x2E80, 0x2FE0),
    (0x3005, 0x3008),
    (0x3400, 0xA000),
    (0xF900, 0xFB00),
    (0x20000, 0x323B0),
)
_WIDTH_START, _WIDTH_END, _WIDTH_SHIFT = 0xFF01, 0xFF5F, 0xFEE0  # full-width ASCII block
_IDEOGRAPHIC_SPACE = 0x3000


@dataclass(frozen=True)
class FoldSteps:
    """Which character folds go into the table (the per-library switches of the normalizer)."""

    nfkc: bool = True
    width: bool = True
    casefold: bool = True
    t2s: bool = True
    confusables: bool = True
    strip_invisible: bool = True
    strip_marks: bool = True


@dataclass(frozen=True)
class Tables:
    norm: npt.NDArray[np.uint32]
    cls: npt.NDArray[np.uint8]
    expand: dict[int, str]
    unidata_version: str


@lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    root = resources.files("assay.text") / "data"
    unicode_data: dict[str, Any] = json.loads((root / "unicode.json").read_text("utf-8"))
    unicode_data["t2s"] = _pairs((root / "t2s.tsv").read_text("utf-8"))
    unicode_data["confusables"] = _pairs((root / "confusables.tsv").read_text("utf-8"))
    return unicode_data


def _pairs(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        source, target = line.split("\t")[:2]
        out[source] = target
    return out


@lru_cache(maxsize=16)
def tables(steps: FoldSteps) -> Tables:
    """The tables for one set of fold steps (cached per process)."""
    import numpy as np

    data = _data()
    raw_cls = np.zeros(SIZE, dtype=np.uint8)
    class_codes = {
        "space": SPACE,
        "separator": SEPARATOR,
        "invisible": DROP if steps.strip_invisible else NORMAL,
        "mark": DROP if steps.strip_marks else NORMAL,
    }
    for start, end, name in data["classes"]:
        raw_cls[start:end] = class_codes[name]
    for start, end in HAN_RANGES:
        raw_cls[start:end] = CJK
    for start, end in ((0x30, 0x3A), (0x41, 0x5B), (0x61, 0x7B)):
        raw_cls[start:end] = ALNUM
    norm = np.arange(SIZE, dtype=np.uint32)
    cls = raw_cls.copy()
    expand: dict[int, str] = {}
    fold = _folder(steps, data)
    folded = {cp: fold(chr(cp)) for cp in _changed(steps, data)}
    single = [(cp, ord(out)) for cp, out in folded.items() if len(out) == 1]
    if single:  # the common case, assigned as whole arrays
        where, to = np.array(single, dtype=np.uint32).T
        norm[where] = to
        cls[where] = raw_cls[to]
    for cp, out in folded.items():
        if len(out) == 1:
            continue
        if not out:
            cls[cp] = DROP
        elif all(raw_cls[ord(c)] in (SPACE, SEPARATOR) for c in out):
            norm[cp] = ord(out[0])  # e.g. "…" to "...": a separator either way
            cls[cp] = raw_cls[ord(out[0])]
        else:
            cls[cp] = EXPAND
            expand[cp] = out
    return Tables(norm=norm, cls=cls, expand=expand, unidata_version=data["unidata_version"])


def _changed(steps: FoldSteps, data: dict[str, Any]) -> set[int]:
    keys: set[int] = set()
    if steps.nfkc:
        keys.update(int(k, 16) for k in data["nfkc"])
    if steps.width or steps.nfkc:
        keys.update(range(_WIDTH_START, _WIDTH_END))
        keys.add(_IDEOGRAPHIC_SPACE)
    if steps.casefold:
        keys.update(int(k, 16) for k in data["casefold"])
    if steps.strip_marks:
        keys.update(int(k, 16) for k in data["bases"])
    if steps.t2s:
        keys.update(ord(k) for k in data["t2s"])
    if steps.confusables:
        keys.update(ord(k) for k in data["confusables"])
    # a character that folds into a confusable or a traditional character chains through it
    return keys


def _folder(steps: FoldSteps, data: dict[str, Any]) -> Any:
    """The fold of a text through the chosen steps, each one ``str.translate`` (done in C: the
    table over ten thousand code points is built in milliseconds)."""
    chain: list[dict[int, str]] = []
    if steps.nfkc:
        chain.append(_by_code(data["nfkc"]))
    elif steps.width:
        chain.append({cp: chr(cp - _WIDTH_SHIFT) for cp in range(_WIDTH_START, _WIDTH_END)})
        chain[-1][_IDEOGRAPHIC_SPACE] = " "
    if steps.casefold:
        chain.append(_by_code(data["casefold"]))
    if steps.strip_marks:  # "à" to "a", as marks on their own are dropped
        chain.append(_by_code(data["bases"]))
    if steps.t2s:
        chain.append(_closed(data["t2s"]))
    if steps.confusables:
        chain.append({ord(k): v for k, v in data["confusables"].items()})

    def fold(text: str) -> str:
        for table in chain:
            text = text.translate(table)
        return text

    return fold


def _closed(mapping: dict[str, str]) -> dict[int, str]:
    """A one-character map followed to its end, as a translate table: OpenCC's tables map 麼
    to 么 and also 么 to its variant 幺, so one pass folded a traditional 怎麼 to 怎么 and a
    simplified 怎么 to 怎幺, and the two never met. Every chain now ends where its last link
    does (麼, 麽 and 么 all fold to 幺), so folding twice changes nothing."""
    out: dict[int, str] = {}
    for source, target in mapping.items():
        seen = {source}
        while len(target) == 1 and target in mapping and target not in seen:
            seen.add(target)
            target = mapping[target]
        out[ord(source)] = target
    return out


def _by_code(mapping: dict[str, str]) -> dict[int, str]:
    """A map keyed by hexadecimal code point (as in ``unicode.json``) as a translate table."""
    return {int(k, 16): v for k, v in mapping.items()}
