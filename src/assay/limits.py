"""The limits every reader keeps, in one place (the README's "Limits and safety" lists them).

A hostile or broken input file must end as a quarantined line or one clear error, never as an
exhausted memory, a crash deep in a parser (exit 70) or minutes of work: lines are read in
bounded blocks (``max_line_bytes``), JSON is nested at most ``MAX_JSON_DEPTH`` levels, an XLSX
workbook's zip directory is checked before a byte is inflated, and a YAML file may use only a
few aliases.
"""

from __future__ import annotations

import json
from typing import Any

MAX_LINE_BYTES = 10 * 1024 * 1024  # the default longest line (one record) of a corpus file
MAX_JSON_DEPTH = 100  # objects and arrays inside one another, per record or row
XLSX_MAX_EXPANDED = 256 * 1024 * 1024  # bytes of a workbook once unzipped
XLSX_MAX_RATIO = 100  # unzipped size / zipped size, per member
XLSX_MAX_CELL = 32_767  # characters Excel keeps in one cell
YAML_MAX_ALIASES = 100  # alias uses (*name) in one YAML file
YAML_MAX_NODES = 100_000  # values in one YAML file once its aliases are expanded


def too_deep(value: Any, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether ``value`` (parsed JSON) nests objects and arrays deeper than ``limit``; walked
    without recursion, so any depth is measured safely."""
    if not isinstance(value, dict | list):
        return False
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item
        for child in children:
            if isinstance(child, dict | list):
                if depth + 1 > limit:
                    return True
                stack.append((child, depth + 1))
    return False


class TooDeepError(ValueError):
    """JSON nested deeper than the limit."""


def loads(text: str | bytes, limit: int = MAX_JSON_DEPTH) -> Any:
    """``json.loads`` that raises :class:`TooDeepError` (never ``RecursionError``) for JSON
    nested deeper than ``limit``."""
    try:
        value = json.loads(text)
    except RecursionError:
        raise TooDeepError(depth_reason(limit)) from None
    # each level opens with a bracket: no more levels than brackets (most texts are shallow)
    opened = text.count("{") + text.count("[") if isinstance(text, str) else _brackets(text)
    if opened > limit and too_deep(value, limit):
        raise TooDeepError(depth_reason(limit))
    return value


def _brackets(data: bytes) -> int:
    return data.count(b"{") + data.count(b"[")


def depth_reason(limit: int = MAX_JSON_DEPTH) -> str:
    return f"JSON nested deeper than {limit} levels"


def line_reason(limit: int, what: str = "line") -> str:
    """Why a line (or a one-record text file) was quarantined for its length."""
    return f"{what} longer than max_line_bytes ({limit} bytes; raise it in sources.yaml)"
