"""The data rows of a worksheet written as openpyxl's write-only worksheet writes them, byte for
byte, without a cell object and an XML element per cell (openpyxl: about 20k cells a second).

Only the values the bank and report sheets hold are written here: text (as an inline string,
the way :func:`assay.banks.tabular.write_rows` asks openpyxl to write every text: never a
formula), integers, booleans and finite floats, and None (no cell). For any other value
:func:`rows_xml` gives None and the caller lets openpyxl write the whole sheet.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

_CELL_TEXT = 32_767  # openpyxl keeps this many characters of a text cell


def column_letter(number: int) -> str:
    """The letters of a 1-based column number (1 → A, 27 → AA)."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def rows_xml(rows: Sequence[Sequence[Any]], first: int) -> bytes | None:
    """``<row>`` elements for ``rows`` (numbered from ``first``), as openpyxl writes them in
    ``<sheetData>``; None if a value is one openpyxl should write."""
    width = max((len(r) for r in rows), default=0)
    letters = [column_letter(i) for i in range(1, width + 1)]
    out: list[str] = []
    add = out.append
    for number, values in enumerate(rows, first):
        add(f'<row r="{number}">')
        for letter, value in zip(letters, values, strict=False):
            kind = value.__class__
            if kind is str:
                if not value:
                    add(f'<c r="{letter}{number}" t="inlineStr" />')
                    continue
                add(f'<c r="{letter}{number}" t="inlineStr"><is>{_text(value)}</is></c>')
            elif kind is int or kind is bool or (kind is float and math.isfinite(value)):
                try:
                    shown = "%.16g" % value  # noqa: UP031 - exactly openpyxl's safe_string
                except OverflowError:
                    return None
                kind_code = "b" if kind is bool else "n"
                add(f'<c r="{letter}{number}" t="{kind_code}"><v>{shown}</v></c>')
            elif value is not None:
                return None
        add("</row>")
    return "".join(out).encode("utf-8", "xmlcharrefreplace")


def _text(value: str) -> str:
    """A ``<t>`` element as ElementTree writes it for openpyxl: the text cut to what a cell
    keeps, ``&<>`` escaped, spaces kept by ``xml:space`` when the text begins or ends with
    some."""
    value = value[:_CELL_TEXT]
    stripped = value.strip()
    space = ' xml:space="preserve"' if stripped and stripped != value else ""
    if "&" in value:
        value = value.replace("&", "&amp;")
    if "<" in value:
        value = value.replace("<", "&lt;")
    if ">" in value:
        value = value.replace(">", "&gt;")
    return f"<t{space}>{value}</t>"
