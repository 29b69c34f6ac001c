"""Bank files (CSV/TSV, JSONL, XLSX) and answer sheets: any content reads to rows, quarantined
rows or one user error, and every line is the header's, blank or one row's."""

from __future__ import annotations

import contextlib
import itertools
import tempfile
from pathlib import Path

import openpyxl
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from assay.banks.io import ReadOptions, load_keywords, load_questions
from assay.banks.models import BadRow, LoadReport, QuestionKind
from assay.banks.tabular import ReadResult, read_rows
from assay.errors import UserError
from assay.standard import Profile, load_profile
from assay.targets.sheet import AnswerSheetConfig, AnswerSheetTarget
from tests.fuzz.strategies import cell, csv_text, jsonl_text, risk

PROFILE: Profile = load_profile("tc260-003-2024")


def _physical_lines(text: str) -> int:
    flat = text.replace("\r\n", "\n").replace("\r", "\n")
    return flat.count("\n") + (1 if flat and not flat.endswith("\n") else 0)


def _accounted(result: ReadResult, lines: int) -> None:
    assert result.lines == lines
    spans = sorted((r.row, r.end or r.row) for r in result.rows)
    for first, last in spans:
        assert 1 <= first <= last <= lines
    for (_, last), (first, _) in itertools.pairwise(spans):
        assert last < first  # no line in two rows
    in_rows = sum(last - first + 1 for first, last in spans)
    assert result.header_lines + result.blank + in_rows == lines
    for bad in result.rows:
        if isinstance(bad, BadRow):
            assert bad.reason


def _loaded(report: LoadReport) -> None:
    assert report.read == report.accepted + len(report.quarantined)
    for bad in report.quarantined:
        assert bad.row >= 1
        assert bad.reason


def _load_all(path: Path, folder: Path) -> None:
    """Every importer of the file: question bank, keyword library, answer sheet."""
    options = ReadOptions(quarantine_dir=folder / "q")
    for load in (
        lambda: load_questions(path, PROFILE, QuestionKind.CONTENT, options)[1],
        lambda: load_keywords(path, PROFILE, options)[1],
    ):
        with contextlib.suppress(UserError):
            _loaded(load())
    with contextlib.suppress(UserError):
        AnswerSheetTarget(AnswerSheetConfig(path=path))


@given(text=csv_text(), encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
def test_any_csv_bank(text: str, encoding: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / "bank.csv"
        try:
            path.write_bytes(text.encode(encoding))
        except UnicodeEncodeError:
            return
        try:
            result = read_rows(path)
        except UserError:
            return
        if encoding != "utf-8-sig" or not text.startswith("\ufeff"):
            _accounted(
                result, _physical_lines(path.read_bytes().decode(result.encoding or "utf-8"))
            )
        _load_all(path, folder)


@given(text=jsonl_text())
def test_any_jsonl_bank(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / "bank.jsonl"
        path.write_text(text, "utf-8")
        try:
            result = read_rows(path)
        except UserError:
            return
        lines = text.split("\n")
        _accounted(result, len(lines) - (lines[-1] == ""))
        _load_all(path, folder)


cell_value = st.one_of(
    cell,
    risk,
    st.integers(-5, 5),
    st.none(),
    st.sampled_from(["=1+1", '=A2&"x"', "=ROW()", "=", "==", "=NOT_A_FUNCTION("]),
)


@settings(max_examples=20)  # a workbook per example: the slowest reader
@given(rows=st.lists(st.lists(cell_value, min_size=1, max_size=4), max_size=6))
def test_any_xlsx_bank(rows: list[list[object]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / "bank.xlsx"
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(["序号", "测试题", "二级分类", "关键词"])
        for row in rows:
            sheet.append(
                [ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row]
            )
        book.save(path)
        result = read_rows(path)
        _accounted(result, 1 + len(rows))
        _load_all(path, folder)


@given(data=st.binary(max_size=300))
def test_any_bytes_as_xlsx(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bank.xlsx"
        path.write_bytes(b"PK\x03\x04" + data)
        with contextlib.suppress(UserError):
            read_rows(path)
