"""Rows of the first sheet of an XLSX workbook.

The sheet is read as the values Excel (or WPS) saved: for a formula, its saved value, and the
formula's column is noted when there is none (so the row's error can say why it is empty).
A decompression bomb is refused from the zip directory before anything is inflated.
"""

from __future__ import annotations

import contextlib
import zipfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from assay import limits
from assay.banks.models import BadRow
from assay.banks.stream import Columns, RawRow, RowStream
from assay.errors import InputFormatError, MissingDependencyError


def open_xlsx(path: Path) -> RowStream:
    """The rows of the first sheet."""
    check_zip(path)  # a decompression bomb is refused before a byte is inflated
    return _read_openpyxl(path)


def _read_openpyxl(path: Path) -> RowStream:
    """The first sheet by openpyxl (read-only), as a stream of rows already read."""
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
    header: list[str] | None = None
    columns = Columns([], pad=False)
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
            columns = Columns(header, pad=False, named_only=True)
            continue
        unsaved = tuple(
            h
            for i, h in enumerate(header)
            if h
            and (number, i) in formulas
            and _cell_text(cells[i] if i < len(cells) else None) == ""
        )
        values = [_cell_value(c) for c in cells[: len(header)]]
        rows.append(RawRow(number, None, formulas=unsaved, cells=values, columns=columns))
    if header is None:
        raise InputFormatError("the first sheet is empty", file=path, fix="add a header row")
    counts = (len(table), blank, 1)
    named = [h for h in header if h]
    return RowStream(named, None, iter(rows), lambda: counts, columns)


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


def openpyxl_module() -> Any:
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - openpyxl is a core dependency
        raise MissingDependencyError("openpyxl", package="openpyxl") from None
    return openpyxl
