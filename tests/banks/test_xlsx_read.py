"""The lean XLSX reader (assay.banks.sheetxml) gives the rows openpyxl gives: on the shapes
it reads (by its quick pattern, by its general one, or both in one sheet), and on the shapes it
leaves to openpyxl, which reads on from the row where it stopped."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from assay.banks import sheetxml, xlsx
from assay.banks.models import BadRow
from assay.banks.tabular import read_rows

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
ROWS: list[list[Any]] = [["id", "text", "kind", "risk_ids", "updated", "note", "n"]]
ROWS += [
    [
        f"q{i}",
        "问题 & <b> \"引号\" 'x' " * (i % 3 + 1) + str(i),
        "content",
        "A.1.d;A.2.a" if i % 5 else "宣扬恐怖主义、极端主义",
        date(2026, 1, 1 + i % 28) if i % 4 else "2026-02-03",
        None if i % 7 else "备注\r\n第二行",
        i * 1.5 if i % 2 else i,
    ]
    for i in range(60)
]


def _rewrite(path: Path, change: Callable[[str, bytes], bytes]) -> None:
    with zipfile.ZipFile(path) as source:
        entries = [(i.filename, source.read(i.filename)) for i in source.infolist()]
    with zipfile.ZipFile(path, "w") as target:
        for name, data in entries:
            target.writestr(name, change(name, data))


def _sheet(change: Callable[[bytes], bytes]) -> Callable[[str, bytes], bytes]:
    return lambda name, data: change(data) if name == "xl/worksheets/sheet1.xml" else data


def _openpyxl_book(path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in ROWS:
        sheet.append(row)
    sheet["H5"] = True
    sheet["C9"] = datetime(2026, 3, 4, 5, 6)
    sheet["D11"] = timedelta(hours=3)
    sheet["B12"] = "  spaces kept  "
    sheet.cell(row=80, column=2, value="after a gap")
    book.save(path)


def _write_only(path: Path) -> None:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    for row in ROWS:
        sheet.append(row)
    sheet.append([])
    sheet.append(["q99", " leading space", "content", "A.1.d"])
    book.save(path)


def _shared_strings(path: Path, *, rich: bool = False, formula: bool = False) -> None:
    """As Excel saves a bank: shared strings, rows with spans, (a formula with its value)."""
    _write_only(path)
    strings: dict[str, int] = {}

    def shared(match: re.Match[bytes]) -> bytes:
        index = strings.setdefault(match.group(3).decode(), len(strings))
        return b'<c r="%s"%s t="s"><v>%d</v></c>' % (match.group(1), match.group(2), index)

    def sheet(data: bytes) -> bytes:
        data = re.sub(
            rb'<c r="([A-Z]+\d+)"((?: s="\d+")?) t="inlineStr"><is><t(?: xml:space="preserve")?>'
            rb"([^<]*)</t></is></c>",
            shared,
            data,
        )
        data = re.sub(
            rb'<row r="(\d+)">', rb'<row r="\1" spans="1:7" x14ac:dyDescent="0.25">', data
        )
        data = data.replace(
            b"<worksheet ",
            b'<worksheet xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac" ',
            1,
        )
        if formula:  # late in the sheet: the quick pattern reads the pieces before it
            data = data.replace(
                b'<c r="G50"', b'<c r="H50" t="str"><f>A50&amp;"x"</f><v>q48x</v></c><c r="G50"'
            )
        return data

    def change(name: str, data: bytes) -> bytes:
        if name == "[Content_Types].xml":
            return data.replace(
                b"</Types>",
                b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
            )
        if name == "xl/_rels/workbook.xml.rels":
            return data.replace(
                b"</Relationships>",
                b'<Relationship Id="rIdS" Target="sharedStrings.xml" Type="http://schemas.'
                b'openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>'
                b"</Relationships>",
            )
        return _sheet(sheet)(name, data)

    _rewrite(path, change)
    items = []
    for text in strings:
        escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        space = ' xml:space="preserve"' if text != text.strip() else ""
        items.append(f"<si><t{space}>{escaped}</t></si>")
    if rich:
        items[2] = "<si><r><t>con</t></r><r><rPr><b/></rPr><t>tent</t></r></si>"
    table = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<sst xmlns="{_MAIN}" count="{len(items)}" uniqueCount="{len(items)}">'
        + "".join(items)
        + "</sst>"
    )
    with zipfile.ZipFile(path, "a") as book:
        book.writestr("xl/sharedStrings.xml", table)


def _odd(path: Path) -> None:
    """Cells out of order or given twice, a cell past the dimension, a row number that goes
    back, an empty row element."""
    _openpyxl_book(path)

    def sheet(data: bytes) -> bytes:
        data = data.replace(
            b'<c r="A3"', b'<c r="C3" t="inlineStr"><is><t>first</t></is></c><c r="A3"'
        )
        data = data.replace(b'</row><row r="5"', b'<c r="Z4"><v>7</v></c></row><row r="5"')
        data = data.replace(b'<row r="10"', b'<row r="8"><c r="A8"><v>1</v></c></row><row r="10"')
        return data.replace(b'<row r="20">', b'<row r="19" /><row r="20">')

    _rewrite(path, _sheet(sheet))


def _rich_cell(path: Path) -> None:
    """A rich-text inline string half way: openpyxl reads on from its row."""
    _write_only(path)
    rich = b'<c r="B30" t="inlineStr"><is><r><t>rich</t></r></is></c>'
    _rewrite(path, _sheet(lambda d: re.sub(rb'<c r="B30" t="inlineStr"><is>.*?</is></c>', rich, d)))


BUILDERS: dict[str, tuple[Callable[[Path], None], bool]] = {
    # name: (builder, read without openpyxl's sheet reader)
    "openpyxl": (_openpyxl_book, True),
    "write-only": (_write_only, True),
    "excel": (_shared_strings, True),
    "excel-formula": (lambda p: _shared_strings(p, formula=True), True),
    "rich-shared-string": (lambda p: _shared_strings(p, rich=True), True),
    "odd": (_odd, True),
    "rich-cell": (_rich_cell, False),
}


def _rows(path: Path) -> list[Any]:
    result = read_rows(path)
    rows = [
        (r.row, r.reason) if isinstance(r, BadRow) else (r.row, r.values, r.formulas)
        for r in result.rows
    ]
    return [result.columns, result.lines, result.blank, rows]


@pytest.mark.parametrize("chunk", [1 << 20, 97])
@pytest.mark.parametrize("name", list(BUILDERS))
def test_lean_rows_are_openpyxl_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, chunk: int
) -> None:
    build, lean_only = BUILDERS[name]
    path = tmp_path / f"{name}.xlsx"
    build(path)
    monkeypatch.setattr(sheetxml, "_CHUNK", chunk)  # small pieces: rows cut across them
    if lean_only:
        with monkeypatch.context() as patch:

            def never(*args: object, **kwargs: object) -> None:
                raise AssertionError("openpyxl read the sheet")

            patch.setattr(openpyxl, "load_workbook", never)
            lean = _rows(path)
    else:
        lean = _rows(path)

    def unsupported(path: Path) -> Iterator[Any]:
        raise sheetxml.Unsupported("test: openpyxl reads it all")
        yield

    monkeypatch.setattr(xlsx, "_lean_table", unsupported)
    reference = _rows(path)
    assert lean == reference
    assert len(reference[3]) > 50
