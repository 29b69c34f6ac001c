"""A light folding used to compare texts (dedup, distinct counts).

``fold`` applies NFKC (full-width to half-width, compatibility forms), case folding, and drops
whitespace, punctuation, symbols and control or format characters (zero-width included), so
``"炸 弹"``, ``"炸\\u200b弹"`` and ``"炸弹"`` fold alike. The evasion-proof normalization with
offset maps (traditional to simplified, confusables, pinyin) is the keyword engine's job.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

_DROP_CATEGORIES = ("P", "Z", "C", "S")


@lru_cache(maxsize=65536)
def _keep(ch: str) -> bool:
    return not unicodedata.category(ch).startswith(_DROP_CATEGORIES)


def fold(text: str) -> str:
    """The comparison form of ``text``: NFKC, casefolded, without spaces or punctuation."""
    normal = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in normal if _keep(ch))
