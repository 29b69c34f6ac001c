"""Compiled multi-pattern matchers over bytes, behind one small interface.

Chosen by measurement (``bench/keywords.py`` prints the comparison): ``daachorse`` (a
double-array Aho-Corasick automaton) is the fastest on the keyword engine's two-byte
character codes, and ``ahocorasick_rs`` (Rust aho-corasick) is the portable fallback for
platforms daachorse has no wheel for (aarch64). ``hyperscan`` can be chosen by name where its
wheel installs. All report every match, overlapping ones included, as
``(pattern index, start byte, end byte)``; ``available()`` lists them in order of preference.
``find_raw`` gives the library's own list of tuples without reordering them (``layout`` says
where the three numbers sit), for the keyword engine's per-match work in C.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from importlib.util import find_spec
from typing import Any, Protocol

from assay.errors import MissingDependencyError, UnknownNameError


class Backend(Protocol):
    name: str
    # where the pattern index, start byte and end byte sit in a tuple of find_raw
    layout: tuple[int, int, int]

    def find(self, haystack: bytes) -> list[tuple[int, int, int]]:
        """Every match as ``(pattern index, start byte, end byte)``, overlapping included."""
        ...

    def find_raw(self, haystack: bytes) -> list[tuple[int, int, int]]:
        """Every match as the library gives it: three numbers placed as ``layout`` says."""
        ...


class DaachorseBackend:
    name = "daachorse"
    layout = (2, 0, 1)  # daachorse gives (start, end, pattern)

    def __init__(self, patterns: Sequence[bytes]) -> None:
        import daachorse

        self._automaton: Any = daachorse.DoubleArrayAhoCorasick(list(patterns))

    def find(self, haystack: bytes) -> list[tuple[int, int, int]]:
        return [(p, s, e) for s, e, p in self._automaton.find_overlapping(haystack)]

    def find_raw(self, haystack: bytes) -> list[tuple[int, int, int]]:
        found: list[tuple[int, int, int]] = self._automaton.find_overlapping(haystack)
        return found


class AhoCorasickRsBackend:
    name = "ahocorasick_rs"
    layout = (0, 1, 2)

    def __init__(self, patterns: Sequence[bytes]) -> None:
        import ahocorasick_rs

        self._automaton: Any = ahocorasick_rs.BytesAhoCorasick(list(patterns))

    def find(self, haystack: bytes) -> list[tuple[int, int, int]]:
        found: list[tuple[int, int, int]] = self._automaton.find_matches_as_indexes(
            haystack, overlapping=True
        )
        return found

    find_raw = find


class HyperscanBackend:
    """Intel Hyperscan in literal mode (optional: ``pip install hyperscan``; x86-64 only).

    Patterns must not contain NUL bytes (the binding passes them as C strings); the keyword
    engine's codes never do.
    """

    name = "hyperscan"
    layout = (0, 1, 2)

    def __init__(self, patterns: Sequence[bytes]) -> None:
        import hyperscan

        self._lengths = [len(p) for p in patterns]
        self._db: Any = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        self._db.compile(
            expressions=list(patterns),
            ids=list(range(len(patterns))),
            elements=len(patterns),
            flags=[0] * len(patterns),
            literal=True,
        )

    def find(self, haystack: bytes) -> list[tuple[int, int, int]]:
        found: list[tuple[int, int, int]] = []
        lengths = self._lengths

        def on_match(pattern: int, _start: int, end: int, _flags: int, _context: object) -> None:
            found.append((pattern, end - lengths[pattern], end))

        self._db.scan(haystack, match_event_handler=on_match)
        return found

    find_raw = find


BACKENDS: dict[str, Callable[[Sequence[bytes]], Backend]] = {
    "daachorse": DaachorseBackend,
    "ahocorasick_rs": AhoCorasickRsBackend,
    "hyperscan": HyperscanBackend,
}
_MODULES = {"daachorse": "daachorse", "ahocorasick_rs": "ahocorasick_rs", "hyperscan": "hyperscan"}


def available() -> list[str]:
    """Backends whose library is installed here, fastest first (found, not imported: loading
    all three would cost a start that uses one)."""
    return [name for name, module in _MODULES.items() if find_spec(module) is not None]


def build(patterns: Sequence[bytes], name: str | None = None) -> Backend:
    """Compile ``patterns`` with the named backend, or the fastest available one."""
    if name is not None and name not in BACKENDS:
        raise UnknownNameError("matcher backend", name, BACKENDS)
    names = [name] if name else available()
    if not names:
        raise MissingDependencyError("ahocorasick_rs", package="ahocorasick-rs")
    for chosen in names:
        try:
            return BACKENDS[chosen](patterns)
        except ImportError:  # installed but broken here: the next one, unless it was named
            if name is not None:
                raise MissingDependencyError(_MODULES[chosen]) from None
    raise MissingDependencyError("ahocorasick_rs", package="ahocorasick-rs")
