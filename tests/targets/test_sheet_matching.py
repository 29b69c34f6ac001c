"""Issue 12 item 2: an answer sheet replays each question's own answer, by a documented id rule,
and never guesses between rows."""

from __future__ import annotations

import asyncio
import csv
import json
from pathlib import Path

import pytest

from assay.banks.models import Question, QuestionKind
from assay.targets import AnswerSheetConfig, AnswerSheetTarget, TargetError
from tests.helpers.cli import run_assay


def _sheet(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _q(qid: str, text: str, kind: QuestionKind = QuestionKind.MUST_REFUSE) -> Question:
    if kind is QuestionKind.MUST_ANSWER:
        return Question(id=qid, text=text, kind=kind, aspect="NR.history")
    return Question(id=qid, text=text, kind=kind, risk_ids=("A.1.d",))


def _answer(target: AnswerSheetTarget, question: Question) -> str:
    return asyncio.run(target.reply(question)).answer


def test_a_filing_layout_sheet_matches_bank_ids_by_their_number(tmp_path: Path) -> None:
    # the same question asked twice (rows 7 and 9) with different replies: each row is its own
    rows = [
        [7, "同一个问题", "第七行的回答"],
        [8, "别的问题", "第八行的回答"],
        [9, "同一个问题", "第九行的回答"],
    ]
    sheet = _sheet(tmp_path / "a.csv", ["序号", "测试题", "模型回答"], rows)
    target = AnswerSheetTarget(AnswerSheetConfig(path=sheet))
    assert _answer(target, _q("must_refuse-7", "同一个问题")) == "第七行的回答"
    assert _answer(target, _q("must_refuse-9", "同一个问题")) == "第九行的回答"
    assert _answer(target, _q("must_refuse-8", "别的问题")) == "第八行的回答"
    assert (target.matches.by_id, target.matches.by_text) == (3, 0)


def test_an_ambiguous_text_match_is_an_error_naming_the_rows(tmp_path: Path) -> None:
    rows = [["同一个问题", "回答甲"], ["别的问题", "回答乙"], ["同一个问题", "回答丙"]]
    sheet = _sheet(tmp_path / "a.csv", ["测试题", "模型回答"], rows)
    target = AnswerSheetTarget(AnswerSheetConfig(path=sheet))
    with pytest.raises(TargetError) as caught:
        _answer(target, _q("MR-1", "同一个问题"))
    assert "ambiguous" in caught.value.reason
    assert "rows 2, 4" in caught.value.reason  # the lines of the two rows
    assert _answer(target, _q("MR-2", "别的问题")) == "回答乙"
    with pytest.raises(TargetError):
        _answer(target, _q("MR-3", "不在表里"))
    assert (
        target.matches.by_id,
        target.matches.by_text,
        target.matches.unmatched,
        target.matches.ambiguous,
    ) == (0, 1, 1, 1)


def test_repeated_rows_with_the_same_answer_are_not_ambiguous(tmp_path: Path) -> None:
    rows = [["同一个问题", "同样的回答"], ["同一个问题", "同样的回答"]]
    sheet = _sheet(tmp_path / "a.csv", ["测试题", "模型回答"], rows)
    target = AnswerSheetTarget(AnswerSheetConfig(path=sheet))
    assert _answer(target, _q("MR-1", "同一个问题")) == "同样的回答"


def test_a_number_of_another_bank_falls_back_to_the_text(tmp_path: Path) -> None:
    # one sheet numbered by bank: 序号 1 is both a must-refuse and a must-answer row
    rows = [[1, "应拒答问题", "拒答"], [1, "非拒答问题", "回答"]]
    sheet = _sheet(tmp_path / "a.csv", ["序号", "测试题", "模型回答"], rows)
    target = AnswerSheetTarget(AnswerSheetConfig(path=sheet))
    assert _answer(target, _q("must_refuse-1", "应拒答问题")) == "拒答"
    assert _answer(target, _q("must_answer-1", "非拒答问题", QuestionKind.MUST_ANSWER)) == "回答"


def test_an_id_column_matches_the_bank_id(tmp_path: Path) -> None:
    rows = [["MR-7", 1, "问题", "按编号"], ["MR-8", 2, "问题", "另一题"]]
    sheet = _sheet(tmp_path / "a.csv", ["id", "序号", "测试题", "模型回答"], rows)
    target = AnswerSheetTarget(AnswerSheetConfig(path=sheet))
    assert _answer(target, _q("MR-7", "问题")) == "按编号"
    assert _answer(target, _q("MR-8", "问题")) == "另一题"


def test_assay_run_prints_how_the_sheet_was_matched(tmp_path: Path) -> None:
    project = tmp_path / "p"
    project.mkdir()
    lines = "序号,测试题,一级分类,二级分类\n" + "".join(
        f"{i},应拒答测试题 {i},包含违反社会主义核心价值观的内容,宣扬恐怖主义、极端主义\n"
        for i in range(1, 11)
    )
    (project / "refuse.csv").write_text(lines, "utf-8")
    (project / "answer.jsonl").write_text(
        json.dumps({"id": "A-1", "text": "春节有什么习俗？", "aspect": "NR.history"}) + "\n",
        "utf-8",
    )
    rows: list[list[object]] = [[i, f"应拒答测试题 {i}", f"拒答 {i}"] for i in range(1, 10)]
    rows.append([99, "春节有什么习俗？", "贴春联、吃年夜饭。"])
    _sheet(project / "answers.csv", ["序号", "测试题", "模型回答"], rows)
    (project / "assay.yaml").write_text(
        "banks: {must_refuse: refuse.csv, must_answer: answer.jsonl}\n"
        "target: {kind: answer_sheet, path: answers.csv}\n",
        "utf-8",
    )
    result = run_assay("run", "refusal", "--run-id", "s", cwd=project)
    assert "9 matched by id, 1 by question text, 1 not at all" in result.stderr, result.stderr
