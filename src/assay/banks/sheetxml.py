"""A lean reader of a worksheet's XML: the rows and cell values of ``<sheetData>``.

openpyxl parses every element of a sheet into a Python object (2-4k rows a second). The cells
of a bank are a few shapes, written by every spreadsheet program the same way; they are cut
out of the XML text here with string methods, ten times faster. Whatever is not one of these
shapes (rich text, CDATA, a namespace prefix, an entity other than XML's own, a quote other
than ``"``…) raises :class:`Unsupported`, and the caller reads on with openpyxl. Values are
given as openpyxl gives them (numbers, dates by the cell's style, shared strings, booleans).
"""

from __future__ import annotations

import codecs
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any

_CHUNK = 1 << 20
_ENTITY = re.compile(r"&(?:(amp|lt|gt|quot|apos)|#(\d+)|#x([0-9a-fA-F]+));")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
_FORBIDDEN = ("<![CDATA[", "<!--", "<?", "<x:", "<r>", "<r ", "<rPh")
_MAIN = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


class Unsupported(Exception):  # noqa: N818 - a signal to read on with openpyxl, not an error
    """The sheet has a construct this reader leaves to openpyxl."""


@dataclass(frozen=True)
class SheetCells:
    """What a cell's value depends on beyond the sheet: the workbook's shared strings, which
    styles are dates (or durations), and its date epoch."""

    strings: list[Any]
    date_styles: set[int]
    duration_styles: set[int]
    epoch: datetime

    def value(self, kind: str | None, text: str | None, style: str | None) -> Any:
        """The value of a cell of type ``kind`` whose ``<v>`` holds ``text``."""
        if text is None or text == "":
            return None
        if kind is None or kind == "n":
            number: float = (
                float(text) if ("." in text or "E" in text or "e" in text) else int(text)
            )
            style_id = int(style) if style else 0  # no style: openpyxl's style 0
            if style_id in self.date_styles:
                return self._date(number, style_id)
            return number
        if kind == "s":
            return self.strings[int(text)]
        if kind == "str" or kind == "e":
            return text
        if kind == "b":
            return bool(int(text))
        if kind == "d":
            from openpyxl.utils.datetime import from_ISO8601

            return from_ISO8601(text)
        raise Unsupported(f"cell type {kind!r}")

    def _date(self, number: float, style: int) -> Any:
        from openpyxl.utils.datetime import from_excel

        try:
            return from_excel(number, self.epoch, timedelta=style in self.duration_styles)
        except (OverflowError, ValueError):
            return "#VALUE!"  # as openpyxl: a date out of range is an error cell


# one parsed row: its number, and its cells as (column, value, has a formula)
SheetRow = tuple[int, list[tuple[int, Any, bool]]]


def sheet_rows(source: IO[bytes], cells: SheetCells, size: list[int | None]) -> Iterator[SheetRow]:
    """The rows of ``<sheetData>`` in file order. Before the first, ``size`` is set to the
    sheet's (max row, max column) from its ``<dimension>``, [None, None] if it has none."""
    parser = _Rows(cells)
    before = True  # still before <sheetData>
    rest = ""
    for text in _texts(source):
        text = rest + text
        if before:
            start = text.find("<sheetData")
            end = text.find(">", start)
            if start < 0 or end < 0:
                rest = text  # the head of the sheet: its columns, views…
                continue
            root = text.lstrip("\ufeff")
            if not root.startswith(("<?xml", "<worksheet")) or _MAIN not in text[:start]:
                raise Unsupported("worksheet root")
            size[:] = _dimension(text[:start])
            if text[end - 1] == "/":  # <sheetData/>
                return
            text = text[end + 1 :]
            before = False
        stop = text.find("</sheetData>")
        if stop >= 0:
            yield from parser.rows(text[:stop])
            return
        cut = text.rfind("<row")  # the last row may go on in the next piece
        if cut <= 0:
            rest = text
            continue
        rest = text[cut:]
        yield from parser.rows(text[:cut])
    raise Unsupported("no end of sheetData")


def _dimension(head: str) -> tuple[int | None, int | None]:
    """(max row, max column) of the ``<dimension>`` before the rows, as openpyxl reads it."""
    if "<dimension" not in head:
        return None, None
    found = re.search(r'<dimension\s+ref="([^"]*)"\s*/>', head)
    if found is None:
        raise Unsupported("dimension")
    from openpyxl.utils.cell import range_boundaries

    try:
        _, _, max_col, max_row = range_boundaries(found.group(1))
    except (ValueError, TypeError):
        raise Unsupported("dimension") from None
    if max_row is None or max_col is None:
        raise Unsupported("dimension")
    return max_row, max_col


def _texts(source: IO[bytes]) -> Iterator[str]:
    decoder = codecs.getincrementaldecoder("utf-8")()
    first = True
    while chunk := source.read(_CHUNK):
        if first:
            first = False
            declared = re.match(rb"\s*<\?xml[^>]*encoding=[\"']([^\"']+)", chunk)
            if declared and declared.group(1).lower().replace(b"-", b"") != b"utf8":
                raise Unsupported("encoding")
            if chunk.startswith((b"\xff\xfe", b"\xfe\xff")):
                raise Unsupported("UTF-16")
        try:
            yield decoder.decode(chunk)
        except UnicodeDecodeError:
            raise Unsupported("bytes") from None
    yield decoder.decode(b"", final=True)


# The shapes of the rows and cells read here, as one pattern: a row's start (its number first),
# its end, or a cell (its reference first; its style and type; a formula; a value or an
# inline string). A text of rows is read only when these cover it all (see ``_Rows.rows``).
_TOKEN = re.compile(
    r'<row r="(\d+)"(?: (?!r=)[\w:]+="[^"]*")*\s*(/?)>'  # 1 number, 2 "/" for an empty row
    r"|(</row>)"  # 3
    r'|<c r="([A-Z]{1,3})\d+"'  # 4 column
    r'(?: s="(\d+)")?(?: t="(\w+)")?(?: s="(\d+)")?'  # 5 style, 6 type, 7 style
    r'(?: (?![str]=)[\w:]+="[^"]*")*\s*'
    r"(?:/>|>"
    r"(<f[^>]*/>|<f[^>]*>[^<]*</f>)?"  # 8 formula
    r"(?:<v>([^<]*)</v>|<v ?/>)?"  # 9 value
    r'(?:(<is>)<t(?: xml:space="preserve")?>([^<]*)</t></is>|(<is>)<t ?/></is>|(<is ?/>))?'
    r"</c>)"  # 10 <is>, 11 its text, 12/13 an empty one
)


class _Rows:
    def __init__(self, cells: SheetCells) -> None:
        self.cells = cells
        self.columns: dict[str, int] = {}  # column letters -> number
        self.number = 0
        self.row: list[tuple[int, Any, bool]] | None = None  # the cells of an open row

    def rows(self, text: str) -> Iterator[SheetRow]:
        if _TOKEN.sub("", text).strip():
            raise Unsupported("a shape of row or cell not read here")
        plain = "&" not in text and "\r" not in text
        value_of = self.cells.value
        columns = self.columns
        row = self.row
        for (
            number,
            empty,
            end,
            letters,
            s1,
            kind,
            s2,
            formula,
            v,
            inline,
            t,
            t0,
            t1,
        ) in _TOKEN.findall(text):
            if letters:
                if row is None:
                    raise Unsupported("a cell outside a row")
                column = columns.get(letters) or self._column(letters)
                if kind == "inlineStr":
                    if formula:
                        raise Unsupported("formula with an inline string")
                    value: Any = (
                        (t if plain else _text(t)) if inline else ("" if t0 or t1 else None)
                    )
                else:
                    value = value_of(kind or None, v if plain else _text(v), s1 or s2)
                row.append((column, value, bool(formula)))
            elif number:
                if row is not None:
                    raise Unsupported("a row inside a row")
                self.number = int(number)
                if empty:
                    yield self.number, []
                else:
                    row = []
            elif end:
                if row is None:
                    raise Unsupported("the end of a row not begun")
                yield self.number, row
                row = None
        self.row = row

    def _column(self, letters: str) -> int:
        found = 0
        for letter in letters:
            found = found * 26 + ord(letter) - 64
        self.columns[letters] = found
        return found


def _text(raw: str) -> str:
    """XML character data as a parser gives it: entities replaced, line ends as LF."""
    if "<" in raw:
        raise Unsupported("markup in text")
    if "\r" in raw:
        raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    if "&" in raw:
        if raw.count("&") != len(_ENTITY.findall(raw)):
            raise Unsupported("entity")  # not XML's own: a parser would refuse it
        raw = _ENTITY.sub(_entity, raw)
    return raw


def _entity(match: re.Match[str]) -> str:
    name, decimal, hexa = match.groups()
    if name:
        return _NAMED[name]
    code = int(decimal) if decimal else int(hexa, 16)
    if not (code in (9, 10, 13) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0x10FFFF) or (
        0xFFFE <= code <= 0xFFFF
    ):
        raise Unsupported("character reference")
    return chr(code)


def padded(
    rows: Iterator[SheetRow], size: list[int | None]
) -> Iterator[tuple[list[Any], set[int]]]:
    """Rows as openpyxl's read-only ``iter_rows()`` gives them: each as wide as the sheet's
    dimension (or its last cell), an empty row for each row number the file skips, none past
    the dimension. Yields (values, columns holding a formula) per row, from row 1."""
    first = next(rows, None)  # the dimension is read on the way to it
    max_row, max_col = size
    if first is not None:
        rows = itertools.chain((first,), rows)
    empty: list[Any] = [None] * max_col if max_col is not None else []
    counter = 1
    number = 1
    for number, cells in rows:
        if max_row is not None and number > max_row:
            break
        while counter < number:
            counter += 1
            yield list(empty), set()
        if counter <= number:
            counter += 1
            yield _row(cells, max_col)
    if max_row is not None and max_row < number:
        for _ in range(counter, max_row + 1):
            yield list(empty), set()


def _row(cells: list[tuple[int, Any, bool]], max_col: int | None) -> tuple[list[Any], set[int]]:
    if not cells and not max_col:
        return [], set()
    width = max_col or cells[-1][0]
    values: list[Any] = [None] * width
    formulas: set[int] = set()
    for column, value, formula in cells:
        if 1 <= column <= width:
            values[column - 1] = value
            if formula:
                formulas.add(column - 1)
            else:
                formulas.discard(column - 1)
    return values, formulas
