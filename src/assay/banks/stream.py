"""Rows of CSV/TSV and JSONL files, read as a stream.

A :class:`RowStream` knows its columns once opened and yields :class:`RawRow` (row number as a
person sees it in the file, and the cells) or :class:`BadRow` for a line that cannot even be
parsed; nothing is skipped except blank lines. Only the row being parsed is held, so a bank of
any size is read in the memory of its converted entries. Text encodings: UTF-8 with or without
BOM, UTF-16 with BOM, GB18030 (a superset of GBK and GB2312); ``auto`` tries them in that order,
over the whole file, before the first row is read.
"""

from __future__ import annotations

import codecs
import csv
import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import Any

from assay import limits
from assay.banks.models import BadRow
from assay.errors import InputFormatError, UnknownNameError

ENCODINGS = ("auto", "utf-8", "utf-8-sig", "utf-16", "gb18030", "gbk", "gb2312")
RAW_KEPT = 1000  # characters of a bad line kept in the quarantine file
_CHUNK = 1 << 20  # bytes decoded at a time (then up to the next line break)


class Columns:
    """How a file's cells map to column names: ``values`` of a row are built from it.

    ``pad``: a row shorter than the header has None in the missing columns (CSV); otherwise
    they are absent (XLSX). Columns named "" are kept unless ``named_only``."""

    __slots__ = ("header", "index", "named_only", "pad")

    def __init__(self, header: Sequence[str], *, pad: bool, named_only: bool = False) -> None:
        self.header = list(header)
        self.pad = pad
        self.named_only = named_only
        # a name given twice takes its last column, as a dict built left to right would
        self.index = {name: i for i, name in enumerate(self.header) if name or not named_only}

    def values(self, cells: Sequence[Any]) -> dict[str, Any]:
        n = len(cells)
        if self.pad:
            return {
                h: (cells[i] if i < n else None)
                for i, h in enumerate(self.header)
                if h or not self.named_only
            }
        return {h: cells[i] for i, h in enumerate(self.header[:n]) if h or not self.named_only}


class RawRow:
    """One row as read: its first line (XLSX: its row number), and its cells by position
    (``columns`` names them) or, for JSONL, by name."""

    __slots__ = ("_values", "cells", "columns", "end", "formulas", "row")

    def __init__(
        self,
        row: int,
        values: dict[str, Any] | None = None,
        end: int | None = None,
        formulas: tuple[str, ...] = (),
        *,
        cells: Sequence[Any] = (),
        columns: Columns | None = None,
    ) -> None:
        self.row = row
        self.end = end  # its last line, when a quoted cell spans lines
        self.formulas = formulas  # XLSX: columns whose cell is a formula with no saved value
        self.cells = cells
        self.columns = columns
        self._values = values

    @property
    def values(self) -> dict[str, Any]:
        """Column name → value (built when asked: a bank reads cells by position)."""
        if self._values is None:
            self._values = {} if self.columns is None else self.columns.values(self.cells)
        return self._values

    def __repr__(self) -> str:
        return f"RawRow(row={self.row}, values={self.values!r}, end={self.end})"


Picker = Callable[[RawRow], tuple[Any, ...]]


def picker(columns: Columns | None, names: Sequence[str | None]) -> Picker:
    """A function giving, for a row, the values of ``names`` (None: a column the file lacks)."""
    if columns is None:  # JSONL: each row its own keys

        def by_name(raw: RawRow) -> tuple[Any, ...]:
            get = raw.values.get
            return tuple(None if n is None else get(n) for n in names)

        return by_name
    width = len(columns.header)
    # a column the file lacks is read from one None put after a row as wide as the header
    where = [width if n is None else columns.index[n] for n in names]
    fetch = itemgetter(*where, width)  # one more: a tuple even for one name
    pad = [None]

    def pick(raw: RawRow) -> tuple[Any, ...]:
        cells = raw.cells
        if len(cells) != width:  # a short row (or one with empty cells past the header)
            cells = [*cells[:width], *([None] * (width - len(cells)))]
        return fetch([*cells, *pad])[:-1]  # type: ignore[no-any-return]

    return pick


@dataclass(frozen=True)
class ReadResult:
    """The rows of a file, and how its lines were accounted for: ``lines == header_lines +
    blank + the lines of every row`` (good or quarantined)."""

    rows: list[RawRow | BadRow]
    columns: list[str]
    encoding: str | None
    lines: int = 0
    blank: int = 0
    header_lines: int = 1


class RowStream:
    """The rows of one file, read once as they are iterated. ``columns`` and ``encoding`` are
    known when it is opened; ``lines``, ``blank`` and ``header_lines`` once every row is read."""

    def __init__(
        self,
        columns: list[str],
        encoding: str | None,
        rows: Iterator[RawRow | BadRow],
        counts: Callable[[], tuple[int, int, int]],
        spec: Columns | None,
    ) -> None:
        self.columns = columns
        self.encoding = encoding
        self.spec = spec  # how cells map to columns (None: JSONL, rows by name)
        self._rows = rows
        self._counts = counts

    def __iter__(self) -> Iterator[RawRow | BadRow]:
        return self._rows

    @property
    def lines(self) -> int:
        return self._counts()[0]

    @property
    def blank(self) -> int:
        return self._counts()[1]

    @property
    def header_lines(self) -> int:
        return self._counts()[2]

    def read(self) -> ReadResult:
        rows = list(self._rows)
        return ReadResult(
            rows, self.columns, self.encoding, self.lines, self.blank, self.header_lines
        )


# -- decoding ------------------------------------------------------------------------------


def detect_encoding(path: Path, encoding: str = "auto") -> str:
    """The encoding to read ``path`` with, checked over the whole file (a piece at a time) so
    that a stream of its rows never fails half way. Raises :class:`InputFormatError` for bytes
    it cannot decode."""
    if encoding not in ENCODINGS:
        raise UnknownNameError("encoding", encoding, ENCODINGS, file=path)
    if encoding != "auto":
        candidates = [encoding]
    else:
        with path.open("rb") as fh:
            start = fh.read(3)
        if start.startswith(b"\xef\xbb\xbf"):
            candidates = ["utf-8-sig"]
        elif start.startswith((b"\xff\xfe", b"\xfe\xff")):
            candidates = ["utf-16"]
        else:
            candidates = ["utf-8", "gb18030"]
    for name in candidates:
        if _decodes(path, name):
            return name
    # the error as the whole file decoded at once reports it (the byte and its line)
    data = path.read_bytes()
    first: UnicodeDecodeError | None = None
    for name in candidates:
        try:
            data.decode(name)
        except UnicodeDecodeError as exc:
            first = first or exc
    assert first is not None
    tried = encoding if encoding != "auto" else "UTF-8 or GB18030"
    raise InputFormatError(
        f"cannot decode byte {first.start} as {tried}",
        file=path,
        line=data.count(b"\n", 0, first.start) + 1,
        fix="save the file as UTF-8, or pass --encoding with its real encoding",
    )


def _decodes(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(_CHUNK):
                decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _texts(path: Path, encoding: str) -> Iterator[str]:
    """The decoded text of a file in pieces of about a megabyte."""
    decoder = codecs.getincrementaldecoder(encoding)()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            text = decoder.decode(chunk)
            if text:
                yield text
        text = decoder.decode(b"", final=True)
        if text:
            yield text


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")  # one physical line, as csv sees it


def physical_lines(pieces: Iterable[str]) -> Iterator[str]:
    """The lines of a text given in pieces, each with its line break, as csv sees them: a
    line ends at CR LF, CR or LF."""
    rest = ""
    for piece in pieces:
        text = rest + piece
        # hold back the last line (it may go on in the next piece), and a CR at the end (its
        # LF may begin the next piece)
        cut = max(text.rfind("\n"), text.rfind("\r", 0, len(text) - 1))
        if cut < 0:
            rest = text
            continue
        rest = text[cut + 1 :]
        yield from _LINE.findall(text, 0, cut + 1)
    if rest:
        yield from _LINE.findall(rest)


# -- CSV / TSV -----------------------------------------------------------------------------


def open_delimited(path: Path, encoding: str, delimiter: str | None) -> RowStream:
    """Rows of a CSV/TSV file. Every physical line ends up in the header, a blank, a row or a
    quarantined row: a quote that never closes quarantines the line it opened on (not the rest
    of the file), and a quote in the middle of a quoted cell quarantines its row."""
    used = detect_encoding(path, encoding)
    lines = physical_lines(_texts(path, used))
    ahead: list[str] = []  # the text as far as its first LF (a CR alone does not end it)
    for line in lines:
        ahead.append(line)
        if line.endswith("\n"):
            break
    if delimiter is None:
        first = "".join(ahead).split("\n", 1)[0]
        delimiter = "\t" if first.count("\t") > first.count(",") else ","
    parser = _Delimited(path, delimiter, itertools.chain(ahead, lines))
    rows = parser.rows()
    head = next(rows, None)  # reads as far as the header (or raises for a broken first line)
    if parser.header is None or parser.columns is None:
        raise InputFormatError("the file is empty", file=path, fix="add a header row")
    stream = rows if head is None else itertools.chain((head,), rows)
    return RowStream(
        parser.header,
        used,
        stream,
        lambda: (parser.total, parser.blank, parser.top),
        parser.columns,
    )


class _Delimited:
    """Rows of a delimited file as they are parsed, with the lines each one spans. Only the
    lines of the row being read are held (all that follow, while a quote stays open)."""

    def __init__(self, path: Path, delimiter: str, lines: Iterator[str]) -> None:
        self.path = path
        self.delimiter = delimiter
        self.source = lines
        self.header: list[str] | None = None
        self.columns: Columns | None = None
        self.blank = 0
        self.top = 0  # lines of the header (and of blank lines before it: counted as blank)
        self.total = 0  # lines read from the file
        self.held: list[str] = []  # lines of the row being read: lines base + 1, base + 2, …
        self.base = 0
        self.exhausted = False

    def _feed(self, replay: list[str]) -> Iterator[str]:
        """Lines for csv: first ``replay`` (lines read again), then the file's."""
        held = self.held
        for line in replay:
            held.append(line)
            yield line
        for line in self.source:
            self.total += 1
            held.append(line)
            yield line
        self.exhausted = True

    def rows(self) -> Iterator[RawRow | BadRow]:
        """The rows; on the way the header is set (before the first row is yielded)."""
        replay: list[str] = []
        while True:
            reader = csv.reader(self._feed(replay), delimiter=self.delimiter, strict=True)
            try:
                for cells in reader:
                    last = self.base + len(self.held)
                    row = self._row(cells, self.base + 1, last)
                    self.base = last
                    self.held.clear()
                    if row is not None:
                        yield row
                return
            except csv.Error as exc:
                bad, replay = self._broken(str(exc))
            yield bad

    def _broken(self, problem: str) -> tuple[BadRow, list[str]]:
        """Quarantine what a csv error stopped on; returns it and the lines to read again."""
        first, failed = self.base + 1, self.base + len(self.held)
        if self.exhausted and "end of data" in problem:  # the quote never closed
            reason = (
                f"a quote opened on line {first} is never closed: the rest of the file "
                "would be read as one cell"
            )
            bad = self._bad(first, first, reason, QUOTE_FIX)
            replay = self.held[1:]  # the lines after it are read again, as rows of their own
            self.base = first
        else:
            reason = f"a quote ends in the middle of a quoted cell on line {failed} ({problem})"
            bad = self._bad(first, failed, reason, QUOTE_FIX)
            replay = []
            self.base = failed
        self.held.clear()
        return bad, replay

    def _row(self, cells: list[str], first: int, last: int) -> RawRow | BadRow | None:
        joined = "".join(cells)
        if not joined.strip():
            self.blank += last - first + 1
            return None
        if self.header is None:
            self.header = [c.strip() for c in cells]
            self.columns = Columns(self.header, pad=True)
            self.top = last - first + 1
            return None
        n = len(self.header)
        if "\x00" in joined:
            return self._bad(first, last, "NUL byte in the row", NUL_FIX)
        if len(cells) > n and "".join(cells[n:]).strip():
            reason = f"row has {len(cells)} fields but the header has {n}"
            return self._bad(first, last, reason, "quote fields that contain the delimiter")
        if "'" in joined:  # a cell saved with the apostrophe that guards a formula
            cells = [_unquote(c) for c in cells]
        return RawRow(first, None, last, cells=cells, columns=self.columns)

    def _bad(self, first: int, last: int, reason: str, fix: str) -> BadRow:
        raw = "".join(self.held[first - self.base - 1 : last - self.base])[:RAW_KEPT]
        if self.header is None:  # a broken first line: there is no header to read rows by
            raise InputFormatError(reason, file=self.path, line=first, fix=fix)
        return BadRow(file=str(self.path), row=first, end=last, reason=reason, fix=fix, raw=raw)


QUOTE_FIX = (
    'inside a quoted cell write a quote as "" (e.g. """他说""你好"), or do not start the '
    "cell with a quote"
)
NUL_FIX = "remove the NUL bytes (a binary or UTF-16 file saved as text?)"
_FORMULA_START = ("=", "+", "-", "@")


def _unquote(value: str) -> str:
    if value and value.startswith("'") and value[1:2] in _FORMULA_START and len(value) > 1:
        return value[1:]
    return value


# -- JSONL ---------------------------------------------------------------------------------


def open_jsonl(path: Path, encoding: str) -> RowStream:
    """Rows of a JSONL file. Its columns are every key of every line: they are gathered by a
    first pass over the file (which holds nothing), then the rows are read by a second."""
    used = detect_encoding(path, encoding)
    columns: dict[str, None] = {}
    for _, line in _json_lines(path, used):
        problem, obj = json_row(line)
        if problem is None:
            columns.update(dict.fromkeys(obj))
    counts = [0, 0]  # lines, blank

    def rows() -> Iterator[RawRow | BadRow]:
        for number, line in _json_lines(path, used, counts):
            problem, obj = json_row(line)
            if problem is not None:
                yield BadRow(
                    file=str(path),
                    row=number,
                    reason=problem,
                    raw=line[:RAW_KEPT],
                    fix="write one JSON object per line",
                )
                continue
            yield RawRow(number, obj)

    return RowStream(list(columns), used, rows(), lambda: (counts[0], counts[1], 0), None)


def _json_lines(
    path: Path, encoding: str, counts: list[int] | None = None
) -> Iterator[tuple[int, str]]:
    """(line number, line) of every line that is not blank. "\\n" only ends a line: U+2028
    and friends are text inside a JSON string. ``counts`` gets the lines and the blank ones."""
    number = blank = 0
    rest = ""
    for piece in _texts(path, encoding):
        text = rest + piece
        parts = text.split("\n")
        rest = parts.pop()
        for line in parts:
            number += 1
            line = line.removesuffix("\r")
            if not line.strip():
                blank += 1
                continue
            yield number, line
    if rest:
        number += 1
        line = rest.removesuffix("\r")
        if not line.strip():
            blank += 1
        else:
            yield number, line
    if counts is not None:
        counts[0], counts[1] = number, blank


def json_row(line: str) -> tuple[str | None, dict[str, Any]]:
    """(None, the object) for a good JSONL line, else (why it is bad, {})."""
    try:
        obj = limits.loads(line)
    except limits.TooDeepError as exc:
        return str(exc), {}
    except ValueError as exc:
        return f"invalid JSON: {getattr(exc, 'msg', exc)}", {}
    if not isinstance(obj, dict):
        return f"a line must hold a JSON object, not {type(obj).__name__}", {}
    # JSON holds a NUL only as the escape \u0000 (a raw one is invalid): walk only then
    if ("\\u0000" in line or "\x00" in line) and _has_nul(obj):
        return "NUL byte in the row", {}
    return None, obj


def _has_nul(value: Any) -> bool:
    """Whether a NUL character is in any key or text of ``value`` (at most MAX_JSON_DEPTH deep)."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False
