"""Rows of the first sheet of an XLSX workbook.

The sheet is read as the values Excel (or WPS) saved: for a formula, its saved value, and the
formula's column is noted when there is none (so the row's error can say why it is empty).
A decompression bomb is refused from the zip directory before anything is inflated.
"""

from __future__ import annotations

import contextlib
import itertools
import zipfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from assay import limits
from assay.banks.models import BadRow
from assay.banks.sheetxml import SheetCells, Unsupported, padded, shared_strings, sheet_rows
from assay.banks.stream import Columns, RawRow, RowStream
from assay.errors import InputFormatError, MissingDependencyError


def open_xlsx(path: Path) -> RowStream:
    """The rows of the first sheet."""
    check_zip(path)  # a decompression bomb is refused before a byte is inflated
    counts = [0, 0]  # sheet rows, blank rows
    state: dict[str, Any] = {}
    rows = _rows(_table(path), counts, state)
    head = next(rows, None)  # reads as far as the header
    header: list[str] | None = state.get("header")
    if header is None:
        raise InputFormatError("the first sheet is empty", file=path, fix="add a header row")
    stream = rows if head is None else itertools.chain((head,), rows)
    return RowStream(
        [h for h in header if h], None, stream, lambda: (counts[0], counts[1], 1), state["columns"]
    )


# a row of the sheet: its values (for a formula, the value saved with it) and the columns
# (0-based) that hold a formula
TableRow = tuple[list[Any], set[int]]


def _rows(
    table: Iterator[TableRow], counts: list[int], state: dict[str, Any]
) -> Iterator[RawRow | BadRow]:
    header: list[str] | None = None
    columns: Columns | None = None
    width = 0
    for number, (cells, formulas) in enumerate(table, 1):
        counts[0] = number
        if not formulas and _blank(cells):
            counts[1] += 1
            continue
        if header is None:
            header = state["header"] = [_cell_text(c) for c in cells]
            columns = state["columns"] = Columns(header, pad=False, named_only=True)
            width = len(header)
            continue
        unsaved: tuple[str, ...] = ()
        if formulas:
            unsaved = tuple(
                h
                for i, h in enumerate(header)
                if h and i in formulas and _cell_text(cells[i] if i < len(cells) else None) == ""
            )
        values = [c if c is None or c.__class__ is str else _cell_value(c) for c in cells[:width]]
        yield RawRow(number, None, formulas=unsaved, cells=values, columns=columns)


def _table(path: Path) -> Iterator[TableRow]:
    """The rows of the first sheet as openpyxl's read-only ``iter_rows`` gives them (padded to
    the sheet's dimension, empty rows where the file skips some): read by
    :mod:`assay.banks.sheetxml` while the sheet keeps to what it reads (what Excel, WPS and
    openpyxl write), else by openpyxl from the row where that stopped."""
    done = 0
    try:
        for row in _lean_table(path):
            yield row
            done += 1
    except Unsupported:
        yield from itertools.islice(_openpyxl_table(path), done, None)


def _lean_table(path: Path) -> Iterator[TableRow]:
    """The sheet by :mod:`assay.banks.sheetxml`; the workbook, its styles and shared strings
    by openpyxl (whose ``load_workbook`` would also parse every sheet once to size it)."""
    openpyxl_module()
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet

    try:
        reader = ExcelReader(path, read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds for a damaged file: it says which
        raise Unsupported("workbook") from None
    try:
        try:
            reader.read_manifest()
            reader.shared_strings = _shared_strings(reader)
            reader.read_workbook()
            apply_stylesheet(reader.archive, reader.wb)
            target = next(
                rel.target
                for _, rel in reader.parser.find_sheets()
                if rel.target in reader.valid_files and "chartsheet" not in rel.Type
            )
            book = reader.wb
            cells = SheetCells(
                reader.shared_strings, book._date_formats, book._timedelta_formats, book.epoch
            )
            source = reader.archive.open(target)
        except Exception:
            raise Unsupported("workbook") from None
        size: list[int | None] = [None, None]
        with source:
            yield from padded(sheet_rows(source, cells, size), size)
    finally:
        reader.archive.close()


def _shared_strings(reader: Any) -> list[Any]:
    """The workbook's shared strings: by :func:`assay.banks.sheetxml.shared_strings` while
    they keep to plain text, else by openpyxl (as its ``ExcelReader.read_strings`` does)."""
    from openpyxl.reader.strings import read_string_table
    from openpyxl.xml.constants import SHARED_STRINGS

    found = reader.package.find(SHARED_STRINGS)
    if found is None:
        return []
    name = found.PartName[1:]
    try:
        with reader.archive.open(name) as source:
            return shared_strings(source)
    except Unsupported:
        with reader.archive.open(name) as source:
            return read_string_table(source)  # type: ignore[no-any-return]


def _openpyxl_table(path: Path) -> Iterator[TableRow]:
    """The sheet by openpyxl alone: a first pass finds the formulas, a second (only when
    there are some) reads the values Excel saved for them."""
    openpyxl = openpyxl_module()
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
    for number, cells in enumerate(table, 1):
        yield cells, {i for i in range(len(cells)) if (number, i) in formulas}


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


def _blank(cells: list[Any]) -> bool:
    """Whether every cell's text is empty (``_cell_text``), without a call per cell."""
    for cell in cells:
        if cell is not None and (cell.strip() if cell.__class__ is str else str(cell).strip()):
            return False
    return True


def _cell_text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def openpyxl_module() -> Any:
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - openpyxl is a core dependency
        raise MissingDependencyError("openpyxl", package="openpyxl") from None
    return openpyxl
