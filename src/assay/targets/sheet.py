"""An answer sheet as the target: recorded answers replayed from CSV, JSONL or XLSX.

Columns: the question's ``id`` (or 序号) and/or its text (``text`` / 测试题), and the answer
(``answer`` / 模型回答 / 回答). A question is matched by id first, then by its text after folding.
A question with no answer in the sheet is an error, never an answer.

A reply blocked by the service's own filter is marked by an optional ``blocked`` (拦截 / 是否拦截)
column holding 是 / yes / true / 1 (its answer cell may then be empty, or hold the canned text),
or recognised by its text: ``target.blocked:`` text rules (a canned block text) apply to every
answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from assay.banks.models import Question
from assay.banks.schema import column_map
from assay.banks.tabular import RawRow, read_rows
from assay.errors import InputFormatError
from assay.targets.base import TargetError, TargetReply, split_reasoning
from assay.targets.blocked import Block, BlockMatcher, BlockRule
from assay.text import fold

_ANSWER_COLUMNS = ("answer", "模型回答", "回答", "response", "reply")
_BLOCKED_COLUMNS = ("blocked", "拦截", "是否拦截", "过滤拦截")
_YES = {"是", "yes", "y", "true", "1", "拦截", "blocked", "x", "✓", "√"}


class AnswerSheetConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["answer_sheet"] = "answer_sheet"
    path: Path
    encoding: str = "auto"
    blocked: list[BlockRule] = Field(default_factory=list)  # canned texts of the service's filter


class AnswerSheetTarget:
    def __init__(self, config: AnswerSheetConfig) -> None:
        self.config = config
        result = read_rows(config.path, encoding=config.encoding)
        columns = column_map(result.columns)
        answer_column = next(
            (c for c in result.columns if fold(c) in {fold(a) for a in _ANSWER_COLUMNS}), None
        )
        if answer_column is None:
            raise InputFormatError(
                "no answer column (模型回答 or answer)",
                file=config.path,
                line=1,
                fix="add a 模型回答 column",
            )
        blocked_column = next(
            (c for c in result.columns if fold(c) in {fold(b) for b in _BLOCKED_COLUMNS}), None
        )
        self.blocks = BlockMatcher(config.blocked, builtin=False)
        self._by_id: dict[str, _Entry] = {}
        self._by_text: dict[str, _Entry] = {}
        for row in result.rows:
            if not isinstance(row, RawRow):
                continue
            answer = row.values.get(answer_column)
            flagged = fold(_cell(row.values, blocked_column)) in _YES
            if (answer is None or str(answer).strip() == "") and not flagged:
                continue
            entry = _Entry("" if answer is None else str(answer), flagged)
            for key in ("id", "seq"):
                value = _cell(row.values, columns.get(key))
                if value:
                    self._by_id[value] = entry
            text = _cell(row.values, columns.get("text"))
            if text:
                self._by_text[fold(text)] = entry
        self._blocked_column = blocked_column

    def spec(self) -> dict[str, Any]:
        return {
            "kind": "answer_sheet",
            "path": str(self.config.path),
            "answers": len(self._by_text),
        }

    async def reply(self, question: Question) -> TargetReply:
        entry = self._by_id.get(question.id) or self._by_text.get(fold(question.text))
        if entry is None:
            raise TargetError(f"no answer in the sheet for question {question.id}")
        text, reasoning = split_reasoning(entry.answer)
        if entry.flagged:
            block = Block(rule=f"sheet column {self._blocked_column}", message=text or None)
            return TargetReply(answer=text, reasoning=reasoning, blocked=block)
        return TargetReply(
            answer=text, reasoning=reasoning, blocked=self.blocks.reply(text, None, None)
        )

    async def aclose(self) -> None:
        return None


@dataclass(frozen=True)
class _Entry:
    answer: str
    flagged: bool  # marked blocked in the sheet's blocked column


def _cell(values: dict[str, Any], column: str | None) -> str:
    if column is None:
        return ""
    value = values.get(column)
    return "" if value is None else str(value).strip()
