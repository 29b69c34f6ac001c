"""Rows in and out of CSV/TSV, JSONL and XLSX files, with encodings detected or given.

Reading yields :class:`RawRow` (row number as a person sees it in the file, and a mapping of
column to value) or :class:`BadRow` for a line that cannot even be parsed; nothing is skipped
except blank lines. Text encodings: UTF-8 with or without BOM, UTF-16 with BOM, GB18030 (a
superset of GBK and GB2312); ``auto`` tries them in that order.
"""

from __future__ import annotations

import contextlib
import csv
import io
import itertools
import json
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal

from assay import limits
from assay.banks.models import BadRow
from assay.errors import InputFormatError, MissingDependencyError, UnknownNameError
from assay.text.visible import cut, visible

FileFormat = Literal["csv", "tsv", "jsonl", "xlsx"]
FORMATS: tuple[FileFormat, ...] = ("csv", "tsv", "jsonl", "xlsx")
ENCODINGS = ("auto", "utf-8", "utf-8-sig", "utf-16", "gb18030", "gbk", "gb2312")
_RAW_KEPT = 1000  # characters of a bad line kept in the quarantine file
_SUFFIXES: dict[str, FileFormat] = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".txt": "tsv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
}


@dataclass(frozen=True)
class RawRow:
    row: int  # the row's first line (XLSX: its row number)
    values: dict[str, Any]
    end: int | None = None  # its last line, when a quoted cell spans lines
    formulas: tuple[str, ...] = ()  # XLSX: columns whose cell is a formula with no saved value


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


def detect_format(path: Path, given: str | None = None) -> FileFormat:
    if given:
        if given not in FORMATS:
            raise UnknownNameError("file format", given, FORMATS, file=path)
        return given
    fmt = _SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise InputFormatError(
            f"cannot tell the format from the suffix {path.suffix!r}",
            file=path,
            fix="use .csv, .tsv, .jsonl or .xlsx, or pass --format",
        )
    return fmt


def read_rows(path: Path, *, fmt: str | None = None, encoding: str = "auto") -> ReadResult:
    """Read every row of a table file. Raises :class:`InputFormatError` if the file is unusable."""
    kind = detect_format(path, fmt)
    if not path.is_file():
        raise InputFormatError("file not found", file=path, fix="check the path")
    if kind == "xlsx":
        return _read_xlsx(path)
    text, used = decode(path.read_bytes(), path, encoding)
    if kind == "jsonl":
        return _read_jsonl(text, path, used)
    return _read_delimited(text, path, used, "\t" if kind == "tsv" else None)


def decode(data: bytes, path: Path, encoding: str = "auto") -> tuple[str, str]:
    """Decode file bytes; returns the text and the encoding used."""
    if encoding not in ENCODINGS:
        raise UnknownNameError("encoding", encoding, ENCODINGS, file=path)
    if encoding != "auto":
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError as exc:
            raise _decode_error(data, exc, path, encoding) from None
    if data.startswith(b"\xef\xbb\xbf"):
        candidates = ["utf-8-sig"]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8", "gb18030"]
    last: UnicodeDecodeError | None = None
    for name in candidates:
        try:
            return data.decode(name), name
        except UnicodeDecodeError as exc:
            last = last or exc
    assert last is not None
    raise _decode_error(data, last, path, "UTF-8 or GB18030")


def _decode_error(data: bytes, exc: UnicodeDecodeError, path: Path, tried: str) -> InputFormatError:
    line = data.count(b"\n", 0, exc.start) + 1
    return InputFormatError(
        f"cannot decode byte {exc.start} as {tried}",
        file=path,
        line=line,
        fix="save the file as UTF-8, or pass --encoding with its real encoding",
    )


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")  # one physical line, as csv sees it


def _read_delimited(text: str, path: Path, used: str, delimiter: str | None) -> ReadResult:
    """Rows of a CSV/TSV text. Every physical line ends up in the header, a blank, a row or a
    quarantined row: a quote that never closes quarantines the line it opened on (not the rest
    of the file), and a quote in the middle of a quoted cell quarantines its row."""
    lines = _LINE.findall(text)
    if delimiter is None:
        first = text.split("\n", 1)[0]
        delimiter = "\t" if first.count("\t") > first.count(",") else ","
    table = _Table(path, delimiter)
    done = 0  # lines read so far
    while done < len(lines):
        start = done
        reader = csv.reader(itertools.islice(lines, start, None), delimiter=delimiter, strict=True)
        try:
            for cells in reader:
                table.add(cells, done + 1, start + reader.line_num, lines)
                done = start + reader.line_num
        except csv.Error as exc:
            done = table.broken(str(exc), done + 1, start + reader.line_num, len(lines), lines)
            continue
        done = len(lines)
    if table.header is None:
        raise InputFormatError("the file is empty", file=path, fix="add a header row")
    return ReadResult(
        table.rows, table.header, used, lines=len(lines), blank=table.blank, header_lines=table.top
    )


class _Table:
    """Rows of a delimited file as they are parsed, with the lines each one spans."""

    def __init__(self, path: Path, delimiter: str) -> None:
        self.path = path
        self.delimiter = delimiter
        self.header: list[str] | None = None
        self.rows: list[RawRow | BadRow] = []
        self.blank = 0
        self.top = 0  # lines of the header (and of blank lines before it: counted as blank)

    def add(self, cells: list[str], first: int, last: int, lines: list[str]) -> None:
        if not any(c.strip() for c in cells):
            self.blank += last - first + 1
            return
        if self.header is None:
            self.header = [c.strip() for c in cells]
            self.top = last - first + 1
            return
        header = self.header
        if any("\x00" in c for c in cells):
            self._bad(first, last, lines, "NUL byte in the row", _NUL_FIX)
        elif len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
            reason = f"row has {len(cells)} fields but the header has {len(header)}"
            self._bad(first, last, lines, reason, "quote fields that contain the delimiter")
        else:
            values = {
                h: (_unquote(cells[i]) if i < len(cells) else None) for i, h in enumerate(header)
            }
            self.rows.append(RawRow(first, values, end=last))

    def broken(self, problem: str, first: int, failed: int, total: int, lines: list[str]) -> int:
        """Quarantine what a csv error stopped on; returns the lines now accounted for."""
        if failed >= total and "end of data" in problem:  # the quote never closed
            reason = (
                f"a quote opened on line {first} is never closed: the rest of the file "
                "would be read as one cell"
            )
            self._bad(first, first, lines, reason, _QUOTE_FIX)
            return first  # the lines after it are read again, as rows of their own
        reason = f"a quote ends in the middle of a quoted cell on line {failed} ({problem})"
        self._bad(first, failed, lines, reason, _QUOTE_FIX)
        return failed

    def _bad(self, first: int, last: int, lines: list[str], reason: str, fix: str) -> None:
        raw = "".join(lines[first - 1 : last])[:_RAW_KEPT]
        row = BadRow(file=str(self.path), row=first, end=last, reason=reason, fix=fix, raw=raw)
        if self.header is None:  # a broken first line: there is no header to read rows by
            raise InputFormatError(reason, file=self.path, line=first, fix=fix)
        self.rows.append(row)


_QUOTE_FIX = (
    'inside a quoted cell write a quote as "" (e.g. """他说""你好"), or do not start the '
    "cell with a quote"
)
_NUL_FIX = "remove the NUL bytes (a binary or UTF-16 file saved as text?)"


def _read_jsonl(text: str, path: Path, used: str) -> ReadResult:
    rows: list[RawRow | BadRow] = []
    columns: dict[str, None] = {}
    lines = text.split("\n")  # "\n" only: U+2028 and friends are text inside a JSON string
    if lines and lines[-1] == "":
        lines.pop()
    blank = 0
    for number, line in enumerate(lines, 1):
        line = line.removesuffix("\r")
        if not line.strip():
            blank += 1
            continue
        problem, obj = _json_row(line)
        if problem is not None:
            rows.append(
                BadRow(
                    file=str(path),
                    row=number,
                    reason=problem,
                    raw=line[:_RAW_KEPT],
                    fix="write one JSON object per line",
                )
            )
            continue
        columns.update(dict.fromkeys(obj))
        rows.append(RawRow(number, obj))
    return ReadResult(rows, list(columns), used, lines=len(lines), blank=blank, header_lines=0)


def _json_row(line: str) -> tuple[str | None, dict[str, Any]]:
    """(None, the object) for a good JSONL line, else (why it is bad, {})."""
    try:
        obj = limits.loads(line)
    except limits.TooDeepError as exc:
        return str(exc), {}
    except ValueError as exc:
        return f"invalid JSON: {getattr(exc, 'msg', exc)}", {}
    if not isinstance(obj, dict):
        return f"a line must hold a JSON object, not {type(obj).__name__}", {}
    if _has_nul(obj):
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


def _read_xlsx(path: Path) -> ReadResult:
    check_zip(path)  # a decompression bomb is refused before a byte is inflated
    openpyxl = _openpyxl()
    formulas: dict[tuple[int, int], None] = {}
    with _workbook(openpyxl, path, data_only=False) as sheet:
        table = [
            [_formula(cell, number, i, formulas) for i, cell in enumerate(cells)]
            for number, cells in enumerate(sheet.iter_rows(), 1)
        ]
    if formulas:  # the values Excel saved for them, when it did
        with _workbook(openpyxl, path, data_only=True) as sheet:
            for number, cells in enumerate(sheet.iter_rows(values_only=True), 1):
                for i, value in enumerate(cells):
                    if (number, i) in formulas:
                        table[number - 1][i] = value
    header: list[str] | None = None
    rows: list[RawRow | BadRow] = []
    blank = 0
    for number, cells in enumerate(table, 1):
        if not any(_cell_text(c) for c in cells) and not any(
            (number, i) in formulas for i in range(len(cells))
        ):
            blank += 1
            continue
        if header is None:
            header = [_cell_text(c) for c in cells]
            continue
        values = {h: _cell_value(c) for h, c in zip(header, cells, strict=False) if h}
        unsaved = tuple(
            h
            for i, h in enumerate(header)
            if h
            and (number, i) in formulas
            and _cell_text(cells[i] if i < len(cells) else None) == ""
        )
        rows.append(RawRow(number, values, formulas=unsaved))
    if header is None:
        raise InputFormatError("the first sheet is empty", file=path, fix="add a header row")
    return ReadResult(rows, [h for h in header if h], None, lines=len(table), blank=blank)


@contextlib.contextmanager
def _workbook(openpyxl: Any, path: Path, *, data_only: bool) -> Iterator[Any]:
    """The first sheet of a workbook, read-only."""
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=data_only)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise InputFormatError(f"not a readable XLSX workbook ({exc})", file=path) from None
    try:
        yield book.worksheets[0]
    finally:
        book.close()


def _formula(cell: Any, number: int, column: int, formulas: dict[tuple[int, int], None]) -> Any:
    if getattr(cell, "data_type", None) == "f":
        formulas[(number, column)] = None
        return None
    return getattr(cell, "value", None)


def check_zip(path: Path) -> None:
    """Refuse a workbook whose zip directory declares more than ``XLSX_MAX_EXPANDED`` bytes in
    all, or a large member that expands more than ``XLSX_MAX_RATIO`` times (a decompression
    bomb): read from the directory, before anything is inflated. Python's zipfile never
    inflates a member past its declared size, so the directory can be trusted for this."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputFormatError(f"not a readable XLSX workbook ({exc})", file=path) from None
    total = sum(m.file_size for m in members)
    if total > limits.XLSX_MAX_EXPANDED:
        raise InputFormatError(
            f"the workbook expands to {total} bytes, more than the {limits.XLSX_MAX_EXPANDED} "
            "Assay reads (a decompression bomb, or a sheet too large for XLSX)",
            file=path,
            fix="check where the file came from; save a large bank as CSV or JSONL",
        )
    for member in members:
        ratio = member.file_size / max(1, member.compress_size)
        if member.file_size > _RATIO_FLOOR and ratio > limits.XLSX_MAX_RATIO:
            raise InputFormatError(
                f"{member.filename} expands {ratio:.0f} times ({member.compress_size} → "
                f"{member.file_size} bytes), more than the {limits.XLSX_MAX_RATIO} Assay "
                "accepts (a decompression bomb?)",
                file=path,
                fix="check where the file came from; save it again from Excel, or as CSV",
            )


_RATIO_FLOOR = 8 * 1024 * 1024  # smaller members may compress very well without harm


def _cell_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return str(value)
    return value


def _cell_text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def write_rows(
    path: Path,
    columns: Sequence[str],
    rows: Sequence[dict[str, Any]],
    *,
    fmt: str | None = None,
    encoding: str = "utf-8-sig",
    untrusted: bool = False,
    refs: Sequence[str] | None = None,
    sheet: str | None = None,
    stamp: datetime | None = None,
) -> None:
    """Write rows. CSV defaults to UTF-8 with BOM, which Excel opens correctly in Chinese.
    In XLSX the sheet is named ``sheet`` (else "Sheet1"), its header bold and frozen, and each
    column as wide as its text (up to a limit).

    ``untrusted``: the rows hold text Assay did not write (a model's answers): bidirectional
    controls are shown as visible marks in XLSX and CSV. In XLSX a cell longer than Excel
    keeps (32,767 characters) is cut with a mark that says where the whole text is: ``refs``
    gives, per row, its place in the run store (e.g. "RUN / question id").

    ``stamp``: the XLSX is dated ``stamp`` rather than now (its properties and every entry of
    its zip), so the same rows give the same bytes (see :func:`save_stamped`)."""
    kind = detect_format(path, fmt)
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "jsonl":
        with path.open("w", encoding="utf-8", newline="\n") as fh:
            for row in rows:
                fh.write(json.dumps(row, ensure_ascii=False, default=_json_default) + "\n")
    elif kind == "xlsx":
        _write_xlsx(path, columns, rows, untrusted, refs, sheet, stamp)
    else:
        enc = "utf-8-sig" if encoding == "auto" else encoding
        shown = _shown if untrusted else _flat
        with path.open("w", encoding=enc, newline="") as fh:
            writer = csv.writer(fh, delimiter="\t" if kind == "tsv" else ",")
            writer.writerow(columns)
            for row in rows:
                writer.writerow([_csv_safe(shown(row.get(c))) for c in columns])


def _write_xlsx(
    path: Path,
    columns: Sequence[str],
    rows: Sequence[dict[str, Any]],
    untrusted: bool = False,
    refs: Sequence[str] | None = None,
    title: str | None = None,
    stamp: datetime | None = None,
) -> None:
    openpyxl = _openpyxl()
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(title=sheet_title(title or "Sheet1"))
    values = []
    for n, row in enumerate(rows):
        shown = []
        for column in columns:
            value = _shown(row.get(column)) if untrusted else _flat(row.get(column))
            if isinstance(value, str):
                # control characters XLSX cannot hold; then Excel's longest cell, cut visibly
                value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
                value = cut(value, limits.XLSX_MAX_CELL, refs[n] if refs else None)
            shown.append(value)
        values.append(shown)
    for i, column in enumerate(columns):  # widths first: a write-only sheet writes them first
        wide = max([_width(column), *(_width(v[i]) for v in values[:_WIDTH_ROWS])])
        sheet.column_dimensions[get_column_letter(i + 1)].width = min(wide + 2, _MAX_WIDTH)
    sheet.freeze_panes = "A2"
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for shown in values:
        cells = []
        for value in shown:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # text, never a formula: "=1+1" stays "=1+1"
            cells.append(cell)
        sheet.append(cells)
    if stamp is None:
        book.save(path)
    else:
        save_stamped(book, path, stamp)


_ZIP_EPOCH = datetime(1980, 1, 1)  # the earliest date a zip entry can carry
_CORE_DATES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def save_stamped(book: Any, path: Path, stamp: datetime) -> None:
    """Save an openpyxl workbook dated ``stamp`` throughout, so that its bytes depend on its
    content alone: openpyxl writes the time of saving into ``docProps/core.xml`` and every zip
    entry carries the time it was written. The zip is written again with each entry, in the
    same order, dated ``stamp`` (at the earliest 1980-01-01, a zip's first date) and the
    document's created and modified times set to it."""
    when = max(stamp.astimezone(UTC).replace(tzinfo=None) if stamp.tzinfo else stamp, _ZIP_EPOCH)
    book.properties.created = when
    buffer = io.BytesIO()
    book.save(buffer)
    iso = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with (
        zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _CORE_DATES.sub(rb"\g<1>" + iso + rb"\g<2>", data)
            entry = zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            target.writestr(entry, data)


_WIDTH_ROWS = 200  # rows looked at for a column's width
_MAX_WIDTH = 60  # a long answer column stays readable; the cell holds the whole text
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def sheet_title(name: str) -> str:
    """``name`` as Excel allows a sheet name: no ``[]:*?/\\``, at most 31 characters."""
    return _SHEET_FORBIDDEN.sub("_", name)[:31] or "Sheet1"


def _width(value: Any) -> int:
    """Columns a value takes in a spreadsheet: a CJK character two, others one."""
    text = "" if value is None else str(value).split("\n", 1)[0]
    return sum(2 if ord(c) >= 0x1100 and not 0xD7B0 <= ord(c) < 0xF900 else 1 for c in text[:80])


_FORMULA_START = ("=", "+", "-", "@")


def _flat(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ";".join(str(v) for v in value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _shown(value: Any) -> Any:
    flat = _flat(value)
    return visible(flat) if isinstance(flat, str) else flat


def _csv_safe(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula gets a leading apostrophe, which
    Excel hides and reading strips again (see ``_unquote``)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _unquote(value: str | None) -> str | None:
    if value and value.startswith("'") and value[1:2] in _FORMULA_START and len(value) > 1:
        return value[1:]
    return value


def _json_default(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def _openpyxl() -> Any:
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - openpyxl is a core dependency
        raise MissingDependencyError("openpyxl", package="openpyxl") from None
    return openpyxl
