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
from operator import itemgetter
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


# one parsed row: its number, its values (as wide as the sheet's dimension, else as its last
# cell) and the columns (0-based) that hold a formula
SheetRow = tuple[int, list[Any], set[int]]


def sheet_rows(source: IO[bytes], cells: SheetCells, size: list[int | None]) -> Iterator[SheetRow]:
    """The rows of ``<sheetData>`` in file order. Before the first, ``size`` is set to the
    sheet's (max row, max column) from its ``<dimension>``, [None, None] if it has none."""
    parser = _Rows(cells, size)
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


# the shared strings as openpyxl reads them without rich text: plain ``<si><t>…</t></si>`` items
# (any other shape, e.g. rich runs or phonetic text, is left to openpyxl), then any character
# but white space (group 2: a shape not read here)
_STRING = re.compile(r'<si><t(?: xml:space="preserve")?>([^<]*)</t></si>|<si><t ?/></si>|(\S)')
_SST = re.compile(r'\s*(?:<\?xml[^>]*\?>\s*)?<sst(?: [\w:]+="[^"]*")*\s*(/?)>')


def shared_strings(source: IO[bytes]) -> list[str]:
    """The workbook's shared strings (``xl/sharedStrings.xml``), as openpyxl's
    ``read_string_table`` gives them; raises :class:`Unsupported` for a shape not read here."""
    text = "".join(_texts(source)).lstrip("\ufeff")
    head = _SST.match(text)
    if head is None or _MAIN not in head.group(0):
        raise Unsupported("shared strings root")
    if head.group(1):  # <sst …/>
        if text[head.end() :].strip():
            raise Unsupported("shared strings")
        return []
    stop = text.rfind("</sst>")
    if stop < 0 or text[stop + 6 :].strip():
        raise Unsupported("shared strings end")
    body = text[head.end() : stop]
    plain = "&" not in body and "\r" not in body
    strings = []
    for value, other in _STRING.findall(body):
        if other:
            raise Unsupported("a shared string not read here")
        strings.append((value if plain else _text(value)).replace("x005F_", ""))
    return strings


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


# The shapes of the rows and cells read here, as one pattern: a cell (its reference first; its
# style and type; a formula; a value or an inline string), a row's start (its number first), its
# end, or any other character but white space (group 14: a shape not read here). The shapes
# begin differently, so at most one matches at a place; a cell, the commonest, is tried first.
_TOKEN = re.compile(
    r'<c r="([A-Z]{1,3})\d+"'  # 1 column
    r'(?: s="(\d+)")?(?: t="(\w+)")?(?: s="(\d+)")?'  # 2 style, 3 type, 4 style
    r'(?: (?![str]=)[\w:]+="[^"]*")*\s*'
    r"(?:/>|>"
    r"(<f[^>]*/>|<f[^>]*>[^<]*</f>)?"  # 5 formula
    r"(?:<v>([^<]*)</v>|<v ?/>)?"  # 6 value
    r'(?:(<is>)<t(?: xml:space="preserve")?>([^<]*)</t></is>|(<is>)<t ?/></is>|(<is ?/>))?'
    r"</c>)"  # 7 <is>, 8 its text, 9/10 an empty one
    r'|<row r="(\d+)"(?: (?!r=)[\w:]+="[^"]*")*\s*(/?)>'  # 11 number, 12 "/" for an empty row
    r"|(</row>)"  # 13
    r"|(\S)"  # 14: anything else
)


# The commonest shapes (what openpyxl, Excel and WPS write for text and numbers), as a pattern
# that is quicker than _TOKEN: text it covers entirely is read by _TOKEN to the same rows. A
# cell: its column, style; an inline string (3 its mark, 4 its text), or a type and a value
# (5, 6), or nothing; a row's start (7), its end (8); any other character but white space (9).
# (Possessive: what a quantifier took is never given back, which changes no match here, as what
# follows each never begins with what it takes, and spares the engine trying.)
_COMMON = re.compile(
    r'<c r="([A-Z]{1,3})\d++"(?: s="(\d++)")?+'
    r'(?: t="(inlineStr)"><is><t(?: xml:space="preserve")?+>([^<]*+)</t></is></c>'
    r'|(?: t="(\w++)")?+(?: ?/>|><v>([^<]*+)</v></c>))'
    r'|<row r="(\d++)"(?: (?!r=)[\w:]++="[^"]*+")*+\s*+>'
    r"|(</row>)"
    r"|(\S)"
)
_OTHER = itemgetter(8)


class _Rows:
    """The rows of pieces of ``<sheetData>`` (a row may go on in the next piece)."""

    def __init__(self, cells: SheetCells, size: list[int | None]) -> None:
        self.cells = cells
        self.size = size  # (max row, max column) of the sheet: set before the first piece
        self.columns: dict[str, int] = {}  # column letters -> number
        self.number = 0
        # the open row: its values by column, the columns holding a formula, its last cell's
        self.values: list[Any] | None = None
        self.formulas: set[int] = set()
        self.last = 0
        self.general = False  # a piece had a shape that only _TOKEN reads: it reads the rest

    def rows(self, text: str) -> Iterator[SheetRow]:
        """The rows that end in ``text``; raises :class:`Unsupported` at the first shape not
        read here (the rows before it are given: the caller reads on from there). A piece is
        read by the pattern of the commonest shapes while the sheet keeps to them."""
        if not self.general:
            tokens = _COMMON.findall(text)
            if not "".join(map(_OTHER, tokens)):
                yield from self._common(tokens, "&" not in text and "\r" not in text)
                return
            self.general = True  # from this piece on: one pass, not two
        yield from self._general(text)

    def _common(self, tokens: list[tuple[str, ...]], plain: bool) -> Iterator[SheetRow]:
        """The rows of a piece read by :data:`_COMMON` (no formulas): as :meth:`_general`
        reads the same text."""
        value_of = self.cells.value
        strings = self.cells.strings
        columns = self.columns
        values, formulas, last = self.values, self.formulas, self.last
        for letters, style, inline, t, kind, v, number, _end, _ in tokens:
            if letters:
                if values is None:
                    raise Unsupported("a cell outside a row")
                column = columns.get(letters) or self._column(letters)
                if inline:
                    value: Any = t if plain else _text(t)
                elif kind == "inlineStr":
                    value = None  # an inline string cell with no <is>
                elif kind == "s":
                    index = v if plain else _text(v)
                    value = strings[int(index)] if index else None
                else:
                    value = value_of(kind or None, v if plain else _text(v), style)
                have = len(values)
                if column > have:
                    if column > have + 1:
                        values.extend([None] * (column - have - 1))
                    values.append(value)
                else:
                    values[column - 1] = value
                if formulas:
                    formulas.discard(column - 1)
                last = column
            elif number:
                if values is not None:
                    raise Unsupported("a row inside a row")
                self.number = int(number)
                values, formulas, last = [], set(), 0
            else:  # </row>
                if values is None:
                    raise Unsupported("the end of a row not begun")
                yield self._done(values, formulas, last)
                values = None
        self.values, self.formulas, self.last = values, formulas, last

    def _general(self, text: str) -> Iterator[SheetRow]:
        plain = "&" not in text and "\r" not in text
        value_of = self.cells.value
        strings = self.cells.strings
        columns = self.columns
        values, formulas, last = self.values, self.formulas, self.last
        for (
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
            number,
            empty,
            end,
            _,
        ) in _TOKEN.findall(text):
            if letters:
                if values is None:
                    raise Unsupported("a cell outside a row")
                column = columns.get(letters) or self._column(letters)
                if kind == "inlineStr":
                    if formula:
                        raise Unsupported("formula with an inline string")
                    value: Any = (
                        (t if plain else _text(t)) if inline else ("" if t0 or t1 else None)
                    )
                elif kind == "s":  # as SheetCells.value, without the call
                    index = v if plain else _text(v)
                    value = strings[int(index)] if index else None
                else:
                    value = value_of(kind or None, v if plain else _text(v), s1 or s2)
                have = len(values)
                if column > have:  # the next column, or one past a gap
                    if column > have + 1:
                        values.extend([None] * (column - have - 1))
                    values.append(value)
                else:  # a column given again, or out of order: the later cell holds
                    values[column - 1] = value
                if formula:
                    formulas.add(column - 1)
                elif formulas:
                    formulas.discard(column - 1)
                last = column
            elif number:
                if values is not None:
                    raise Unsupported("a row inside a row")
                self.number = int(number)
                if empty:
                    yield self._done([], set(), 0)
                else:
                    values, formulas, last = [], set(), 0
            elif end:
                if values is None:
                    raise Unsupported("the end of a row not begun")
                yield self._done(values, formulas, last)
                values = None
            else:
                raise Unsupported("a shape of row or cell not read here")
        self.values, self.formulas, self.last = values, formulas, last

    def _done(self, values: list[Any], formulas: set[int], last: int) -> SheetRow:
        """The row as openpyxl's read-only rows give it: as wide as the sheet's dimension,
        else as its last cell (cells past that width are not read)."""
        width = self.size[1] or last
        have = len(values)
        if have < width:
            values.extend([None] * (width - have))
        elif have > width:
            del values[width:]
            formulas = {f for f in formulas if f < width}
        return self.number, values, formulas

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
    for number, values, formulas in rows:
        if max_row is not None and number > max_row:
            break
        while counter < number:
            counter += 1
            yield list(empty), set()
        if counter <= number:
            counter += 1
            yield values, formulas
    if max_row is not None and max_row < number:
        for _ in range(counter, max_row + 1):
            yield list(empty), set()
