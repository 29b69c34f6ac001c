"""Issue 12, items 6, 7, 10 and 17: broken and hostile bank files."""

from __future__ import annotations

import itertools
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest

from assay import limits
from assay.banks.io import load_keywords, load_questions
from assay.banks.models import QuestionKind
from assay.banks.tabular import check_zip, read_rows
from assay.errors import InputFormatError
from assay.standard import Profile
from tests.helpers.cli import run_assay

HEADER = "序号,测试题,一级分类,二级分类\n"


def _rows(n: int, start: int = 1) -> str:
    return "".join(f"{i},问题{i},,A.1.d\n" for i in range(start, start + n))


def _accounted(path: Path) -> None:
    """Every physical line is the header's, blank, or one row's (good or quarantined)."""
    result = read_rows(path)
    spans = sorted((r.row, r.end or r.row) for r in result.rows)
    for (_, last), (first, _) in itertools.pairwise(spans):
        assert last < first  # no line in two rows
    in_rows = sum(last - first + 1 for first, last in spans)
    assert result.header_lines + result.blank + in_rows == result.lines


# -- item 7: quotes and NUL bytes in a CSV bank ----------------------------------------------


def test_an_unbalanced_quote_quarantines_its_own_line_not_the_rest(
    tmp_path: Path, tc260: Profile
) -> None:
    path = tmp_path / "c.csv"
    path.write_text(HEADER + _rows(3) + '4,"没有闭合的引号,,A.1.d\n' + _rows(995, 5), "utf-8")
    bank, report = load_questions(path, tc260, QuestionKind.CONTENT)
    assert (report.lines, report.accepted, len(report.quarantined)) == (1000, 998, 1)
    (bad,) = report.quarantined
    assert bad.row == 5  # the file's fifth line: where the quote opened
    assert "quote opened on line 5" in bad.reason
    assert len(bank.items) == 998
    _accounted(path)


def test_a_quoted_cell_may_still_span_lines(tmp_path: Path, tc260: Profile) -> None:
    path = tmp_path / "c.csv"
    path.write_text(HEADER + '1,"第一行\n第二行",,A.1.d\n\n2,问题,,A.1.d\n', "utf-8")
    bank, report = load_questions(path, tc260, QuestionKind.CONTENT)
    assert [q.text for q in bank.items] == ["第一行\n第二行", "问题"]
    assert (report.lines, report.blank, report.quarantined) == (5, 1, [])
    _accounted(path)


def test_a_quote_closed_mid_cell_is_quarantined_with_a_reason(
    tmp_path: Path, tc260: Profile
) -> None:
    """``"他说"你好`` was silently read as 他说你好. The quotes may be the user's text or CSV
    quoting: the row is quarantined with the line and how to write it, not guessed at."""
    path = tmp_path / "c.csv"
    path.write_text(HEADER + '1,"他说"你好,,A.1.d\n2,正常,,A.1.d\n', "utf-8")
    bank, report = load_questions(path, tc260, QuestionKind.CONTENT)
    assert [q.text for q in bank.items] == ["正常"]
    (bad,) = report.quarantined
    assert bad.row == 2
    assert "quote" in bad.reason
    assert '""' in bad.fix
    _accounted(path)


def test_quotes_written_the_csv_way_are_kept(tmp_path: Path, tc260: Profile) -> None:
    path = tmp_path / "c.csv"
    path.write_text(HEADER + '1,"""他说""你好",,A.1.d\n2,他说"你好",,A.1.d\n', "utf-8")
    bank, _ = load_questions(path, tc260, QuestionKind.CONTENT)
    assert [q.text for q in bank.items] == ['"他说"你好', '他说"你好"']


@pytest.mark.parametrize("suffix", ["csv", "jsonl"])
def test_a_nul_byte_quarantines_its_row(tmp_path: Path, tc260: Profile, suffix: str) -> None:
    path = tmp_path / f"c.{suffix}"
    if suffix == "csv":
        path.write_text(HEADER + "1,问\x00题,,A.1.d\n2,正常,,A.1.d\n", "utf-8")
    else:
        rows = [{"text": "问\x00题", "risk_ids": "A.1.d"}, {"text": "正常", "risk_ids": "A.1.d"}]
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    bank, report = load_questions(path, tc260, QuestionKind.CONTENT)
    assert [q.text for q in bank.items] == ["正常"]
    (bad,) = report.quarantined
    assert (bad.row, bad.reason) == (2 if suffix == "csv" else 1, "NUL byte in the row")


def test_a_nul_anywhere_in_a_jsonl_row_quarantines_it(tmp_path: Path, tc260: Profile) -> None:
    """JSON writes a NUL as the escape \\u0000, in a key or in any value however nested; the
    same six characters after an escaped backslash are text, not a NUL."""
    rows = [
        {"text": "一", "risk_ids": "A.1.d", "x": {"k\x00": 1}},
        {"text": "二", "risk_ids": ["A.1.d"], "note": ["a", ["b\x00"]]},
        {"text": "三\\u0000", "risk_ids": "A.1.d"},
        {"text": "四", "risk_ids": "A.1.d"},
    ]
    path = tmp_path / "c.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    assert path.read_text("utf-8").count("\\u0000") == 3
    bank, report = load_questions(path, tc260, QuestionKind.CONTENT)
    assert [q.text for q in bank.items] == ["三\\u0000", "四"]
    assert [(b.row, b.reason) for b in report.quarantined] == [
        (1, "NUL byte in the row"),
        (2, "NUL byte in the row"),
    ]


@pytest.mark.parametrize("text", [True, False])
def test_json_depth_is_counted_in_levels_not_brackets(text: bool) -> None:
    """As deep as the limit loads, one level more does not; brackets inside strings (or side
    by side) are no levels."""

    def nested(depth: int) -> str:
        return "[" * depth + "]" * depth

    def loads(doc: str) -> object:
        return limits.loads(doc if text else doc.encode(), limit=5)

    assert loads(nested(5)) == json.loads(nested(5))
    with pytest.raises(limits.TooDeepError):
        loads(nested(6))
    wide = json.dumps({"a": "[[[[[[{{{{", "b": [[1], [2], [3], [4], [5], [6]]})
    assert loads(wide) == json.loads(wide)


def test_an_unclosed_quote_in_the_header_is_an_error_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text('序号,"测试题\n1,a\n', "utf-8")
    with pytest.raises(InputFormatError, match="quote opened on line 1") as caught:
        read_rows(path)
    assert caught.value.line == 1


def test_jsonl_lines_split_on_newlines_only(tmp_path: Path, tc260: Profile) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text(
        json.dumps({"text": "a\u2028b", "risk_ids": "A.1.d"}, ensure_ascii=False) + "\n"
    )
    bank, report = load_questions(path, tc260, QuestionKind.CONTENT)
    assert [q.text for q in bank.items] == ["a\u2028b"]
    assert report.lines == 1


# -- item 6: recursion bombs in a bank ---------------------------------------------------


def test_banks_convert_quarantines_a_recursion_bomb(tmp_path: Path) -> None:
    deep = '{"keyword": ' * 100_000 + "1" + "}" * 100_000
    (tmp_path / "kw.jsonl").write_text(
        json.dumps({"keyword": "炸药", "risk_ids": ["A.1.d"]}) + "\n" + deep + "\n", "utf-8"
    )
    done = run_assay("banks", "convert", "kw.jsonl", "out.csv", "--kind", "keywords", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    (bad,) = (tmp_path / "kw.jsonl.quarantine.jsonl").read_text("utf-8").splitlines()
    assert json.loads(bad)["row"] == 2
    assert json.loads(bad)["reason"] == "JSON nested deeper than 100 levels"


# -- item 10: XLSX decompression bombs ---------------------------------------------------


def _bomb(path: Path, size: int) -> None:
    """A real workbook with one sheet that inflates to ``size`` bytes of blank padding."""
    book = openpyxl.Workbook()
    book.active.append(["关键词", "二级分类"])
    book.active.append(["炸药", "A.1.d"])
    book.save(path)
    with zipfile.ZipFile(path) as src:
        entries = [(i, src.read(i.filename)) for i in src.infolist()]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as out:
        for info, data in entries:
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<sheetData>", b"<sheetData>" + b" " * size)
            out.writestr(info.filename, data, compresslevel=9)


def test_an_xlsx_bomb_is_refused_before_it_is_inflated(
    tmp_path: Path, tc260: Profile, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "kw.xlsx"
    _bomb(path, 2 * 1024 * 1024)
    monkeypatch.setattr(limits, "XLSX_MAX_EXPANDED", 1024 * 1024)

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("the workbook was opened")

    monkeypatch.setattr(openpyxl, "load_workbook", never)
    with pytest.raises(InputFormatError, match="expands to") as caught:
        load_keywords(path, tc260)
    assert caught.value.file == str(path)


def test_an_xlsx_member_that_expands_too_many_times_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "kw.xlsx"
    _bomb(path, 9 * 1024 * 1024)  # about 1,000 times its compressed size
    with pytest.raises(InputFormatError, match=r"expands .* times"):
        check_zip(path)


def test_an_ordinary_workbook_passes_the_zip_check(tmp_path: Path, tc260: Profile) -> None:
    path = tmp_path / "kw.xlsx"
    _bomb(path, 0)
    library, report = load_keywords(path, tc260)
    assert [e.keyword for e in library.entries] == ["炸药"]
    assert report.lines == 2


# -- item 17: formula cells --------------------------------------------------------------


def test_a_formula_cell_is_quarantined_as_a_formula(tmp_path: Path, tc260: Profile) -> None:
    path = tmp_path / "c.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["序号", "测试题", "二级分类"])
    sheet.append([1, '=A2&"号问题"', "A.1.d"])  # written by a script: no saved value
    sheet.append(["=ROW()-1", "普通问题", "A.1.d"])  # a formula where no value is needed
    book.save(path)
    bank, report = load_questions(path, tc260, QuestionKind.CONTENT)
    assert [q.text for q in bank.items] == ["普通问题"]
    (bad,) = report.quarantined
    assert bad.row == 2
    assert "formula" in bad.reason
    assert "测试题" in bad.reason
    assert "empty" in bad.reason  # what the formula left: an empty question


def test_a_formula_with_a_saved_value_is_read_as_its_value(tmp_path: Path) -> None:
    path = tmp_path / "c.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["测试题"])
    book.active.append(["=1+1"])
    book.save(path)
    with zipfile.ZipFile(path) as src:  # what Excel does on save: keep the computed value
        entries = [(i.filename, src.read(i.filename)) for i in src.infolist()]
    with zipfile.ZipFile(path, "w") as out:
        for name, data in entries:
            if name == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<f>1+1</f><v></v>", b"<f>1+1</f><v>2</v>")
                data = data.replace(b"<f>1+1</f><v />", b"<f>1+1</f><v>2</v>")
            out.writestr(name, data)
    result = read_rows(path)
    (row,) = result.rows
    assert row.values == {"测试题": "2"}  # type: ignore[union-attr]
