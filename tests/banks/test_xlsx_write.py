"""XLSX sheets written by assay.banks.sheetwrite are the bytes openpyxl writes for the same rows
(each workbook written both ways and compared), and a value it does not write sends the whole
sheet to openpyxl."""

from __future__ import annotations

import zipfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from assay.banks import tabular
from assay.banks.tabular import write_rows

STAMP = datetime(2026, 11, 23, tzinfo=UTC)
TEXTS = [
    "",
    " ",
    "  leading",
    "trailing  ",
    " both ",
    "\ttab",
    "\u3000全角空格\u3000",
    "a&b<c>d\"e'f &amp;",
    "=1+1",
    "#N/A",
    "-3",
    "+x",
    "@y",
    "line\r\nbreak\rcr",
    "x\u2028y\u202eevil",
    "lone \ud800 surrogate",
    "control \x01\x1f chars",
    "生成内容测试题 😀",
    "长" * 40_000,
]
NUMBERS: list[Any] = [0, -5, 7, 12345678901234567890, True, False, 1.5, -0.0, 1e-300, 0.1 + 0.2]


def _rows() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for i, text in enumerate(TEXTS * 3):
        rows.append(
            {
                "序号": NUMBERS[i % len(NUMBERS)],
                "测试题": text,
                "风险": ["A.1.d", "A.2.a"] if i % 2 else None,
                "日期": date(2026, 1, 1 + i % 28),
                "备注": TEXTS[(i * 7) % len(TEXTS)],
            }
        )
    return rows


COLUMNS = ["序号", "测试题", "风险", "日期", "备注", "不存在"]


def _both(path: Path, monkeypatch: pytest.MonkeyPatch, **options: Any) -> tuple[bytes, bytes]:
    """The workbook written as it is, and as openpyxl alone writes it."""
    rows = options.pop("rows", _rows())
    written: list[bytes | None] = []
    with monkeypatch.context() as patch:
        lean_rows = tabular.rows_xml
        patch.setattr(tabular, "rows_xml", lambda *a: written.append(lean_rows(*a)) or written[0])
        write_rows(path, COLUMNS, rows, **options)
    assert written[0] is not None  # written here, not by openpyxl
    lean = path.read_bytes()
    with monkeypatch.context() as patch:
        patch.setattr(tabular, "rows_xml", lambda rows, first: None)
        write_rows(path, COLUMNS, rows, **options)
    return lean, path.read_bytes()


@pytest.mark.parametrize("untrusted", [False, True])
def test_stamped_sheets_are_openpyxls_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, untrusted: bool
) -> None:
    refs = [f"run / q{i}" for i in range(len(TEXTS) * 3)]
    lean, reference = _both(
        tmp_path / "a.xlsx",
        monkeypatch,
        untrusted=untrusted,
        refs=refs,
        sheet="评估测试题",
        stamp=STAMP,
    )
    assert lean == reference
    with zipfile.ZipFile(tmp_path / "a.xlsx") as book:
        sheet = book.read("xl/worksheets/sheet1.xml")
    assert f'<row r="{len(TEXTS) * 3 + 1}">'.encode() in sheet
    # (a lone surrogate is written as a character reference, which openpyxl cannot read back:
    # as openpyxl writes it)
    assert b"&#55296;" in sheet


def test_unstamped_sheets_hold_the_same_entries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "b.xlsx"
    lean, reference = _both(path, monkeypatch)

    def entries(data: bytes) -> dict[str, bytes]:
        path.write_bytes(data)
        with zipfile.ZipFile(path) as book:
            return {
                i.filename: book.read(i.filename)
                for i in book.infolist()
                if i.filename != "docProps/core.xml"  # the time it was saved
            }

    assert entries(lean) == entries(reference)


def test_an_empty_sheet_and_a_value_left_to_openpyxl(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lean, reference = _both(tmp_path / "c.xlsx", monkeypatch, rows=[], stamp=STAMP)
    assert lean == reference
    rows = [{"序号": 1, "测试题": float("nan")}, {"序号": 2, "测试题": 10**400}]
    write_rows(tmp_path / "d.xlsx", COLUMNS, rows[:1])  # by openpyxl: NaN as it writes it
    sheet = zipfile.ZipFile(tmp_path / "d.xlsx").read("xl/worksheets/sheet1.xml")
    assert b'<c r="B2" t="n"><v /></c>' in sheet
    with pytest.raises(OverflowError):
        write_rows(tmp_path / "e.xlsx", COLUMNS, rows, stamp=STAMP)
