"""The four banks: the keyword library and the three question banks."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from assay.messages import t
from assay.text.normalize import NormalizeOptions


class QuestionKind(StrEnum):
    CONTENT = "content"  # 生成内容测试题 (8.2)
    MUST_REFUSE = "must_refuse"  # 应拒答测试题 (8.3 a)
    MUST_ANSWER = "must_answer"  # 非拒答测试题 (8.3 b)


class BankKind(StrEnum):
    """The four banks of chapter 8."""

    KEYWORDS = "keywords"
    CONTENT = "content"
    MUST_REFUSE = "must_refuse"
    MUST_ANSWER = "must_answer"

    @property
    def question_kind(self) -> QuestionKind | None:
        return None if self is BankKind.KEYWORDS else QuestionKind(self.value)

    def label(self, lang: str) -> str:
        return t(f"banks.kind.{self.value}", lang)


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    added: date | None = None
    updated: date | None = None
    note: str = ""
    row: int | None = Field(default=None, exclude=True)  # where it was read, for messages

    @property
    def last_changed(self) -> date | None:
        dates = [d for d in (self.added, self.updated) if d is not None]
        return max(dates) if dates else None


class KeywordEntry(_Entry):
    """One keyword of the library. Variants are matched too but never counted for 8.1."""

    keyword: str = Field(min_length=1)
    risk_ids: tuple[str, ...] = Field(min_length=1)
    variants: tuple[str, ...] = ()


class Question(_Entry):
    """One test question. ``content`` and ``must_refuse`` name risks; ``must_answer`` an aspect.

    A must-refuse question may also name an aspect (8.3 b) 3): a domain model that omits an
    aspect from its must-answer bank reflects it in the must-refuse bank).
    """

    id: str = Field(min_length=1)
    text: str = Field(min_length=1)
    kind: QuestionKind
    risk_ids: tuple[str, ...] = ()
    aspect: str | None = None
    lang: str = "zh"

    @model_validator(mode="after")
    def _labels_match_kind(self) -> Question:
        if self.kind is QuestionKind.MUST_ANSWER and not self.aspect:
            raise ValueError("a must-answer question needs an aspect")
        if self.kind is not QuestionKind.MUST_ANSWER and not self.risk_ids:
            raise ValueError(f"a {self.kind.value} question needs at least one risk id")
        return self


def _share_keys(model: type[BaseModel]) -> None:
    """Give ``model``'s instances one table of attribute names, now, before any instance exists.

    A bank's entries are built by ``assay.banks.schema._slim`` with their values set one by one,
    so CPython keeps them beside each entry under names shared by all (about 190 bytes an entry
    instead of 360). But every new instance of a class narrows how many names may still join
    that shared table, and pydantic's own constructor adds none: after a few dozen questions
    made the ordinary way (a test's factory, a caller's code), the names could no longer be
    added and every entry loaded afterwards had a dict of its own. Setting them once here, in
    the order ``_slim`` sets them, puts them in the table first."""
    probe = object.__new__(model)
    for name in model.model_fields:
        object.__setattr__(probe, name, None)


_share_keys(KeywordEntry)
_share_keys(Question)


class KeywordLibrary(BaseModel):
    model_config = ConfigDict(extra="forbid")

    entries: list[KeywordEntry] = []
    source: Path | None = None

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[KeywordEntry]:  # type: ignore[override]
        return iter(self.entries)


class QuestionBank(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: QuestionKind
    items: list[Question] = []
    source: Path | None = None

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[Question]:  # type: ignore[override]
        return iter(self.items)


class BadRow(BaseModel):
    """A row that could not be loaded: where, why, how to fix it, and what it held."""

    file: str
    row: int
    reason: str
    fix: str = ""
    raw: object = None
    end: int | None = None  # the row's last line, when it spans several

    def __str__(self) -> str:
        fix = f" (fix: {self.fix})" if self.fix else ""
        return f"{self.file}:{self.row}: {self.reason}{fix}"


class LoadReport(BaseModel):
    """What happened when a bank file was read. ``read == accepted + len(quarantined)``, and
    every line of the file is the header's, blank or a row's: ``lines == header_lines + blank +
    the lines of the rows read`` (a row spans several when a quoted cell holds a line break)."""

    file: str
    bank: BankKind
    encoding: str | None = None
    lines: int = 0  # physical lines (XLSX: rows of the sheet)
    blank: int = 0
    header_lines: int = 0
    read: int = 0
    accepted: int = 0
    quarantined: list[BadRow] = []
    quarantine_file: str | None = None


class BankSource(BaseModel):
    """Where a bank is: a file and, optionally, its encoding and format. For the keyword
    library also an allowlist file (one benign phrase per line) and the normalization steps."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    path: Path
    encoding: str | None = None
    format: str | None = None
    allow: Path | None = None
    normalize: NormalizeOptions | None = None
