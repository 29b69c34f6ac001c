"""An answer sheet as the target: recorded answers replayed from CSV, JSONL or XLSX.

Columns: the question's ``id`` (or 序号) and/or its text (``text`` / 测试题), and the answer
(``answer`` / 模型回答 / 回答). A question with no answer in the sheet is an error, never an
answer.

How a question finds its row (the id rule):

1. **By id.** The sheet's key column is ``id`` (编号 / 题号 / question_id) when it has one, else
   序号 (a sheet in the filing layout). A row matches a question when its key is the question's
   id, or, for a sheet keyed by 序号, when the question's id is ``<bank>-<序号>`` — the id Assay
   gives the row of that 序号 in a filing-layout bank (``must_refuse-7`` is 序号 7). A 序号 is
   only a row number, so in that second case a row whose question text is given must also
   agree with the question's (after folding): else its 序号 belongs to a question of another
   bank.
2. **By text**, only when no row matched by id: the rows whose question text equals the
   question's after folding.

Several rows matching one question with different answers (the same question asked twice
with two replies, a 序号 used twice) is ambiguous: it is an error naming the rows, never a
guess. :attr:`AnswerSheetTarget.matches` counts how the questions were matched: by id, by
text, not at all (and how many were ambiguous).

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
from assay.errors import InputFormatError, TargetError
from assay.targets.base import TargetReply, split_reasoning
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

    def public(self) -> dict[str, Any]:
        """The config as the run store keeps it: all of it (a sheet holds no secret)."""
        return self.model_dump(mode="json")

    @classmethod
    def restore(cls, stored: dict[str, Any], own: BaseModel | None, run: str) -> dict[str, Any]:
        """The fields of a stored config (nothing to re-supply; ``answers``, a count that
        stores written before the spec was the config kept beside it, is left out)."""
        return {k: v for k, v in stored.items() if k != "answers"}


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
        key = columns.get("id") or columns.get("seq")
        self._by_seq = "id" not in columns and key is not None
        self._by_id: dict[str, list[_Entry]] = {}
        self._by_text: dict[str, list[_Entry]] = {}
        for row in result.rows:
            if not isinstance(row, RawRow):
                continue
            answer = row.values.get(answer_column)
            flagged = fold(_cell(row.values, blocked_column)) in _YES
            if (answer is None or str(answer).strip() == "") and not flagged:
                continue
            text = _cell(row.values, columns.get("text"))
            entry = _Entry("" if answer is None else str(answer), flagged, row.row, fold(text))
            value = _cell(row.values, key)
            if value:
                self._by_id.setdefault(value, []).append(entry)
            if text:
                self._by_text.setdefault(entry.text, []).append(entry)
        self._blocked_column = blocked_column
        self.matches = SheetMatches()

    def spec(self) -> dict[str, Any]:
        return self.config.public()

    async def reply(self, question: Question) -> TargetReply:
        entry = self._find(question)
        text, reasoning = split_reasoning(entry.answer)
        if entry.flagged:
            block = Block(rule=f"sheet column {self._blocked_column}", message=text or None)
            return TargetReply(answer=text, reasoning=reasoning, blocked=block)
        return TargetReply(
            answer=text, reasoning=reasoning, blocked=self.blocks.reply(text, None, None)
        )

    def _find(self, question: Question) -> _Entry:
        """The one row answering ``question`` by the id rule (module docstring)."""
        folded = fold(question.text)
        by_id = self._id_rows(question, folded)
        if by_id:
            how, rows = "id", by_id
        else:
            how, rows = "text", self._by_text.get(folded, [])
        if not rows:
            self.matches.unmatched += 1
            raise TargetError(f"no answer in the sheet for question {question.id}")
        if len({(e.answer, e.flagged) for e in rows}) > 1:
            self.matches.ambiguous += 1
            lines = ", ".join(str(e.row) for e in rows[:10])
            raise TargetError(
                f"ambiguous: sheet rows {lines} match question {question.id} by {how} with "
                "different answers; give each row the question's id in an id column"
            )
        if how == "id":
            self.matches.by_id += 1
        else:
            self.matches.by_text += 1
        return rows[0]

    def _id_rows(self, question: Question, folded: str) -> list[_Entry]:
        rows = list(self._by_id.get(question.id, []))
        prefix = f"{question.kind.value}-"
        if not rows and self._by_seq and question.id.startswith(prefix):
            seq = self._by_id.get(question.id.removeprefix(prefix), [])
            rows = [e for e in seq if not e.text or e.text == folded]
        return rows

    async def aclose(self) -> None:
        return None


@dataclass
class SheetMatches:
    """How the questions asked found their answers in the sheet."""

    by_id: int = 0
    by_text: int = 0
    unmatched: int = 0
    ambiguous: int = 0  # several rows with different answers: an error, never a guess


@dataclass(frozen=True)
class _Entry:
    answer: str
    flagged: bool  # marked blocked in the sheet's blocked column
    row: int  # the row's line in the sheet
    text: str  # its question text, folded ("" when the sheet has none)


def _cell(values: dict[str, Any], column: str | None) -> str:
    if column is None:
        return ""
    value = values.get(column)
    return "" if value is None else str(value).strip()
