"""One fold for both sides of the refusal rules: the replies they read and the phrases they read
them with.

The judge folds a reply with the text normalizer (full-width to half-width, case, traditional
to simplified, look-alike letters, curly apostrophes straightened). A phrase of the lexicon
written in ordinary script must be folded the very same way, or it never matches: the
normalizer reads 么 as its variant 幺, so a phrase with 怎么/什么/这么 would never meet a reply
that contains them, and a phrase written in traditional script (「幫唔到」) never meets a reply
whose 幫 was folded to 帮. :class:`Folder` holds the one normalizer; :func:`fold_pattern`
folds the literal text of a regular expression through it and leaves the syntax alone (an
ASCII character is either regular-expression syntax or folds only by case, which the rules
match without), and :class:`FoldedPattern` compiles a pattern folded so, on first use.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import lru_cache

from assay.errors import AssayError
from assay.text.normalize import NormalizeOptions, Normalizer

# the steps that fold a reply: per character, nothing joined, so sentences stay apart
OPTIONS = NormalizeOptions(join_cjk=False, join_letters=False, word_boundaries=False)
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\uff07": "'"})
_SPECIAL = frozenset("\\.^$*+?{}[]()|-#&~ \t\n\r\v\f")


class Folder:
    """The fold of replies, questions and lexicon phrases (one normalizer for all three)."""

    def __init__(self) -> None:
        self._normalizer = Normalizer(OPTIONS)
        self._patterns: dict[str, str] = {}

    def text(self, text: str) -> str:
        """``text`` as the rules read it."""
        return self._normalizer.normalize(text).text.translate(_APOSTROPHES)

    def pattern(self, pattern: str) -> str:
        """``pattern`` folded (:func:`fold_pattern`), remembered: every judge compiles the same."""
        folded = self._patterns.get(pattern)
        if folded is None:
            folded = self._patterns[pattern] = fold_pattern(pattern, self.text)
        return folded


@lru_cache(maxsize=1)
def folder() -> Folder:
    """The process's folder (the normalizer's tables are built once)."""
    return Folder()


def fold_pattern(pattern: str, fold: Callable[[str], str]) -> str:
    """``pattern`` with every run of non-ASCII literal characters folded by ``fold`` and what
    the fold yields escaped where it is regular-expression syntax ("？" folds to a literal
    "\\?"). Escapes and ASCII are kept as written. A character inside a class ``[…]`` must fold
    to one character: a class cannot hold a sequence."""
    out: list[str] = []
    in_class = False
    for kind, piece in _pieces(pattern):
        if kind == "syntax":
            if piece == "[" and not in_class:
                in_class = True
            elif piece == "]" and in_class:
                in_class = False
            out.append(piece)
            continue
        folded = fold(piece)
        if in_class and len(folded) != len(piece):
            raise AssayError(
                f"refusal lexicon: {piece!r} folds to {folded!r} inside a character class "
                f"of {pattern[:60]!r}",
                fix="write the folded form in the class, or move the phrase out of the class",
            )
        out.append("".join("\\" + c if c in _SPECIAL else c for c in folded))
    return "".join(out)


def _pieces(pattern: str) -> Iterator[tuple[str, str]]:
    """("syntax", ASCII or an escape) and ("text", a run of non-ASCII characters)."""
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\" and i + 1 < n:
            nxt = pattern[i + 1]
            if ord(nxt) < 128:
                yield "syntax", pattern[i : i + 2]
            else:  # an escaped non-ASCII character is a literal like any other
                yield "text", nxt
            i += 2
        elif ord(c) < 128:
            yield "syntax", c
            i += 1
        else:
            j = i
            while j < n and ord(pattern[j]) >= 128:
                j += 1
            yield "text", pattern[i:j]
            i = j


class FoldedPattern:
    """A regular expression over folded text, written in ordinary script: compiled, with its
    literal text folded (:func:`fold_pattern`), on first use."""

    __slots__ = ("_compiled", "flags", "source")

    def __init__(self, source: str, flags: int = 0) -> None:
        self.source = source
        self.flags = flags
        self._compiled: re.Pattern[str] | None = None

    @property
    def compiled(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(folder().pattern(self.source), self.flags)
        return self._compiled

    def search(self, text: str) -> re.Match[str] | None:
        return self.compiled.search(text)

    def match(self, text: str) -> re.Match[str] | None:
        return self.compiled.match(text)

    def fullmatch(self, text: str) -> re.Match[str] | None:
        return self.compiled.fullmatch(text)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        return self.compiled.finditer(text)

    def sub(self, repl: str | Callable[[re.Match[str]], str], text: str) -> str:
        return self.compiled.sub(repl, text)

    def split(self, text: str) -> list[str]:
        return self.compiled.split(text)
