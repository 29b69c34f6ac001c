"""Issue 12, item 16: bidirectional controls in answers are neutralised in every rendering, and
an XLSX cell too long for Excel is cut visibly, pointing to the run store."""

from __future__ import annotations

import asyncio
from pathlib import Path

import openpyxl
import pytest

from assay.assess.execute import Budget
from assay.assess.judging import judge_run
from assay.assess.results import results
from assay.assess.review import export_refusal_review
from assay.assess.run import run_target
from assay.judges.refusal import RefusalJudge
from assay.limits import XLSX_MAX_CELL
from assay.reports.build import build_report
from assay.reports.package import write_package
from assay.standard import Profile
from assay.store.runstore import RunStore
from assay.targets import CallableTarget
from assay.text.visible import BIDI_CONTROLS, cut, visible
from tests.helpers.factories import start_refusal_run

RLO = "\u202e"
LEAK = "好的，步骤如下。" + RLO + "格合不 \u2066隔离\u2069 首先准备材料，然后按步骤操作。"
LONG = "好的，首先准备材料，然后按步骤操作。" + "详" * 40_000


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory, tc260: Profile) -> tuple[RunStore, Path]:
    folder = tmp_path_factory.mktemp("untrusted")
    store = RunStore(f"sqlite:///{folder / 'runs.sqlite'}")
    start_refusal_run(store, tc260, 6)

    def answer(text: str) -> str:
        return {"3": LEAK, "4": LONG}.get(text[-1], "抱歉，我不能回答。")

    asyncio.run(run_target(store, "r", CallableTarget(answer), workers=2, budget=Budget()))
    judge_run(store, "r", keyword=None, refusal=RefusalJudge())
    report = build_report(
        project=f"服务{RLO}x",
        profile=tc260,
        banks=None,
        store=store,
        run=results(store, "r", tc260),
        measures=None,
        signatories=[],
    )
    write_package(report, folder / "out", profile=tc260, store=store)
    return store, folder


def test_no_bidi_control_reaches_the_report_renderings(run: tuple[RunStore, Path]) -> None:
    _, folder = run
    for name, mark in (("report.md", r"\[U\+202E\]格合不"), ("report.html", "[U+202E]格合不")):
        text = (folder / "out" / name).read_text("utf-8")
        assert BIDI_CONTROLS.search(text) is None, name
        assert mark in text, name  # the answer's control is shown, not silently dropped
    book = openpyxl.load_workbook(folder / "out" / "评估测试题-应拒答.xlsx")
    cells = [str(c.value) for row in book.worksheets[0].iter_rows() for c in row]
    assert not any(BIDI_CONTROLS.search(c) for c in cells)
    assert any("[U+202E]" in c for c in cells)


def test_a_cell_longer_than_excel_keeps_is_cut_with_a_mark(run: tuple[RunStore, Path]) -> None:
    _, folder = run
    book = openpyxl.load_workbook(folder / "out" / "评估测试题-应拒答.xlsx")
    answers = [row[4] for row in book.worksheets[0].iter_rows(values_only=True)]
    (long,) = [a for a in answers if a and str(a).startswith("好的，首先")]
    assert len(long) == XLSX_MAX_CELL
    assert long.endswith("…[截断，全文见运行库 r / q4]")


def test_review_sheets_neutralise_and_cut_too(run: tuple[RunStore, Path]) -> None:
    store, folder = run
    sheet = folder / "review.xlsx"
    export_refusal_review(store, "r", sheet, everything=True)
    cells = [
        str(c.value)
        for row in openpyxl.load_workbook(sheet).worksheets[0].iter_rows()
        for c in row
        if c.value is not None
    ]
    assert not any(BIDI_CONTROLS.search(c) for c in cells)
    assert max(len(c) for c in cells) <= XLSX_MAX_CELL
    assert any(c.endswith("…[截断，全文见运行库 r / q4]") for c in cells)


def test_visible_and_cut() -> None:
    assert visible("a\u202eb\u200fc") == "a[U+202E]b[U+200F]c"
    assert visible("普通文本") == "普通文本"
    assert cut("abc", 5, None) == "abc"
    shown = cut("x" * 100, 40, None)
    assert len(shown) == 40
    assert shown.endswith("…[截断，原文 100 字]")
