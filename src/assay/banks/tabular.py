"""Rows in and out of CSV/TSV, JSONL and XLSX files, with encodings detected or given.

Reading yields :class:`RawRow` (row number as a person sees it in the file, and a mapping of
column to value) or :class:`BadRow` for a line that cannot even be parsed; nothing is skipped
except blank lines. Text encodings: UTF-8 with or without BOM, UTF-16 with BOM, GB18030 (a
superset of GBK and GB2312); ``auto`` tries them in that order.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

from assay import limits
from assay.banks.models import BadRow
from assay.errors import InputFormatError, MissingDependencyError, UnknownNameError

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
    row: int
    values: dict[str, Any]


@dataclass(frozen=True)
class ReadResult:
    rows: list[RawRow | BadRow]
    columns: list[str]
    encoding: str | None


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


def _read_delimited(text: str, path: Path, used: str, delimiter: str | None) -> ReadResult:
    if delimiter is None:
        first = text.split("\n", 1)[0]
        delimiter = "\t" if first.count("\t") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    rows: list[RawRow | BadRow] = []
    start = 1
    for cells in reader:
        line, start = start, reader.line_num + 1
        if not any(c.strip() for c in cells):
            continue
        if header is None:
            header = [c.strip() for c in cells]
            continue
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
            reason = f"row has {len(cells)} fields but the header has {len(header)}"
            rows.append(
                BadRow(
                    file=str(path),
                    row=line,
                    reason=reason,
                    raw=cells,
                    fix="quote fields that contain the delimiter",
                )
            )
            continue
        values = {h: (_unquote(cells[i]) if i < len(cells) else None) for i, h in enumerate(header)}
        rows.append(RawRow(line, values))
    if header is None:
        raise InputFormatError("the file is empty", file=path, fix="add a header row")
    return ReadResult(rows, header, used)


def _read_jsonl(text: str, path: Path, used: str) -> ReadResult:
    rows: list[RawRow | BadRow] = []
    columns: dict[str, None] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = limits.loads(line)
        except ValueError as exc:
            rows.append(
                BadRow(
                    file=str(path),
                    row=number,
                    reason=str(exc)
                    if isinstance(exc, limits.TooDeepError)
                    else f"invalid JSON: {getattr(exc, 'msg', exc)}",
                    raw=line[:_RAW_KEPT],
                    fix="write one JSON object per line",
                )
            )
            continue
        if not isinstance(obj, dict):
            rows.append(
                BadRow(
                    file=str(path),
                    row=number,
                    raw=line,
                    reason=f"a line must hold a JSON object, not {type(obj).__name__}",
                )
            )
            continue
        columns.update(dict.fromkeys(obj))
        rows.append(RawRow(number, obj))
    return ReadResult(rows, list(columns), used)


def _read_xlsx(path: Path) -> ReadResult:
    openpyxl = _openpyxl()
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise InputFormatError(f"not a readable XLSX workbook ({exc})", file=path) from None
    try:
        sheet = book.worksheets[0]
        header: list[str] | None = None
        rows: list[RawRow | BadRow] = []
        for number, cells in enumerate(sheet.iter_rows(values_only=True), 1):
            if not any(_cell_text(c) for c in cells):
                continue
            if header is None:
                header = [_cell_text(c) for c in cells]
                continue
            values = {h: _cell_value(c) for h, c in zip(header, cells, strict=False) if h}
            rows.append(RawRow(number, values))
    finally:
        book.close()
    if header is None:
        raise InputFormatError("the first sheet is empty", file=path, fix="add a header row")
    return ReadResult(rows, [h for h in header if h], None)


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
) -> None:
    """Write rows. CSV defaults to UTF-8 with BOM, which Excel opens correctly in Chinese."""
    kind = detect_format(path, fmt)
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "jsonl":
        with path.open("w", encoding="utf-8", newline="\n") as fh:
            for row in rows:
                fh.write(json.dumps(row, ensure_ascii=False, default=_json_default) + "\n")
    elif kind == "xlsx":
        _write_xlsx(path, columns, rows)
    else:
        enc = "utf-8-sig" if encoding == "auto" else encoding
        with path.open("w", encoding=enc, newline="") as fh:
            writer = csv.writer(fh, delimiter="\t" if kind == "tsv" else ",")
            writer.writerow(columns)
            for row in rows:
                writer.writerow([_csv_safe(_flat(row.get(c))) for c in columns])


def _write_xlsx(path: Path, columns: Sequence[str], rows: Sequence[dict[str, Any]]) -> None:
    openpyxl = _openpyxl()
    from openpyxl.cell import WriteOnlyCell

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(list(columns))
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    for row in rows:
        cells = []
        for column in columns:
            value = _flat(row.get(column))
            if isinstance(value, str):
                value = ILLEGAL_CHARACTERS_RE.sub(
                    "\ufffd", value
                )  # control characters XLSX cannot hold
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # text, never a formula: "=1+1" stays "=1+1"
            cells.append(cell)
        sheet.append(cells)
    book.save(path)


_FORMULA_START = ("=", "+", "-", "@")


def _flat(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ";".join(str(v) for v in value)
    if isinstance(value, date):
        return value.isoformat()
    return value


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
