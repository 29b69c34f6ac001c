"""Rows in and out of CSV/TSV, JSONL and XLSX files, with encodings detected or given.

Reading (see :mod:`assay.banks.stream` and :mod:`assay.banks.xlsx`) yields :class:`RawRow` (row
number as a person sees it in the file, and its cells) or :class:`BadRow` for a line that
cannot even be parsed; nothing is skipped except blank lines. :func:`open_rows` streams them,
:func:`read_rows` gathers them in a list. Text encodings: UTF-8 with or without BOM, UTF-16
with BOM, GB18030 (a superset of GBK and GB2312); ``auto`` tries them in that order.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal

from assay import limits
from assay.banks.sheetwrite import rows_xml
from assay.banks.stream import ENCODINGS, RawRow, ReadResult, RowStream, open_delimited, open_jsonl
from assay.banks.xlsx import check_zip, open_xlsx, openpyxl_module
from assay.errors import AssayError, InputFormatError, UnknownNameError
from assay.text.visible import cut, visible

__all__ = [
    "ENCODINGS",
    "FORMATS",
    "RawRow",
    "ReadResult",
    "RowStream",
    "check_zip",
    "detect_format",
    "open_rows",
    "read_rows",
    "write_rows",
]

FileFormat = Literal["csv", "tsv", "jsonl", "xlsx"]
FORMATS: tuple[FileFormat, ...] = ("csv", "tsv", "jsonl", "xlsx")
_SUFFIXES: dict[str, FileFormat] = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".txt": "tsv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
}


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


def open_rows(path: Path, *, fmt: str | None = None, encoding: str = "auto") -> RowStream:
    """The rows of a table file as a stream: its columns are known now, its rows are read as
    they are iterated. Raises :class:`InputFormatError` if the file is unusable."""
    kind = detect_format(path, fmt)
    if not path.is_file():
        raise InputFormatError("file not found", file=path, fix="check the path")
    if kind == "xlsx":
        return open_xlsx(path)
    if kind == "jsonl":
        return open_jsonl(path, encoding)
    return open_delimited(path, encoding, "\t" if kind == "tsv" else None)


def read_rows(path: Path, *, fmt: str | None = None, encoding: str = "auto") -> ReadResult:
    """Read every row of a table file. Raises :class:`InputFormatError` if the file is unusable."""
    return open_rows(path, fmt=fmt, encoding=encoding).read()


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
    openpyxl = openpyxl_module()
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
    body = rows_xml(values, 2)  # the data rows, as openpyxl would write them
    if body is None:  # a value openpyxl converts itself: it writes every row
        for shown in values:
            cells = []
            for value in shown:
                cell = WriteOnlyCell(sheet, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # text, never a formula: "=1+1" stays "=1+1"
                cells.append(cell)
            sheet.append(cells)
    if stamp is None and body is None:
        book.save(path)
    else:
        save_stamped(book, path, stamp, rows=body)


_ZIP_EPOCH = datetime(1980, 1, 1)  # the earliest date a zip entry can carry
_CORE_DATES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")
_SHEET = "xl/worksheets/sheet1.xml"


def save_stamped(
    book: Any, path: Path, stamp: datetime | None, *, rows: bytes | None = None
) -> None:
    """Save an openpyxl workbook dated ``stamp`` throughout, so that its bytes depend on its
    content alone: openpyxl writes the time of saving into ``docProps/core.xml`` and every zip
    entry carries the time it was written. The zip is written again with each entry, in the
    same order, dated ``stamp`` (at the earliest 1980-01-01, a zip's first date) and the
    document's created and modified times set to it (``stamp`` None: as openpyxl dated them).

    ``rows``: the data rows of its one sheet (see :func:`assay.banks.sheetwrite.rows_xml`),
    put at the end of the ``<sheetData>`` openpyxl wrote."""
    when = None
    if stamp is not None:
        when = max(
            stamp.astimezone(UTC).replace(tzinfo=None) if stamp.tzinfo else stamp, _ZIP_EPOCH
        )
        book.properties.created = when
    buffer = io.BytesIO()
    book.save(buffer)
    iso = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode() if when is not None else b""
    with (
        zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            data = source.read(info.filename)
            if rows and info.filename == _SHEET:
                end = data.rindex(b"</sheetData>")
                data = data[:end] + rows + data[end:]
                rows = None
            if when is not None and info.filename == "docProps/core.xml":
                data = _CORE_DATES.sub(rb"\g<1>" + iso + rb"\g<2>", data)
            entry = zipfile.ZipInfo(
                info.filename, date_time=when.timetuple()[:6] if when else info.date_time
            )
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            target.writestr(entry, data)
    if rows:  # never: openpyxl names a workbook's one sheet so
        raise AssayError(f"openpyxl wrote no {_SHEET} to put the rows in", file=path)


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


def _json_default(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")
