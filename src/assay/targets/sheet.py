"""An answer sheet as the target: recorded answers replayed from CSV, JSONL or XLSX.

Columns: the question's ``id`` (or 序号) and/or its text (``text`` / 测试题), and the answer
(``answer`` / 模型回答 / 回答). A question is matched by id first, then by its text after folding.
A question with no answer in the sheet is an error, never an answer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from assay.banks.models import Question
from assay.banks.schema import column_map
from assay.banks.tabular import RawRow, read_rows
from assay.errors import InputFormatError
from assay.targets.base import TargetError, TargetReply, split_reasoning
from assay.text import fold

_ANSWER_COLUMNS = ("answer", "模型回答", "回答", "response", "reply")


class AnswerSheetConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["answer_sheet"] = "answer_sheet"
    path: Path
    encoding: str = "auto"


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
        self._by_id: dict[str, str] = {}
        self._by_text: dict[str, str] = {}
        for row in result.rows:
            if not isinstance(row, RawRow):
                continue
            answer = row.values.get(answer_column)
            if answer is None or str(answer).strip() == "":
                continue
            for key in ("id", "seq"):
                value = _cell(row.values, columns.get(key))
                if value:
                    self._by_id[value] = str(answer)
            text = _cell(row.values, columns.get("text"))
            if text:
                self._by_text[fold(text)] = str(answer)

    def spec(self) -> dict[str, Any]:
        return {
            "kind": "answer_sheet",
            "path": str(self.config.path),
            "answers": len(self._by_text),
        }

    async def reply(self, question: Question) -> TargetReply:
        answer = self._by_id.get(question.id) or self._by_text.get(fold(question.text))
        if answer is None:
            raise TargetError(f"no answer in the sheet for question {question.id}")
        text, reasoning = split_reasoning(answer)
        return TargetReply(answer=text, reasoning=reasoning)

    async def aclose(self) -> None:
        return None


def _cell(values: dict[str, Any], column: str | None) -> str:
    if column is None:
        return ""
    value = values.get(column)
    return "" if value is None else str(value).strip()
