"""Labelled texts for training and evaluating judges, read from JSONL, CSV/TSV or XLSX.

Columns (for each row, the first of each group that the row fills is used):

* the text: ``text``, ``response``, ``question``, ``content``, ``文本``, ``测试题``;
* the context (the question an answer responds to, which judges that read context get too):
  ``question`` or ``测试题`` when another column is the text, e.g. ``question`` + ``response``;
* the risks: ``risk_ids``, ``risk_id``, ``risks``, ``tc260``, ``风险`` - ids (``A.2.e``) or the
  standard's names, several separated by ``;``, or a JSON list; empty means none;
* the label: ``label``, ``harmful``, ``flagged``, ``标签`` - harmful (``harmful``, ``unsafe``,
  ``offensive``, ``sexist``, ``1``, ``true``, ``yes``, ``有害``) or benign (``benign``, ``safe``,
  ``non_offensive``, ``non_sexist``, ``0``, ``false``, ``no``, ``无害``).

A row with risks is harmful for those risks. A row labelled benign is benign even when it names a
risk (a harmless text on a risk's topic). A row labelled harmful without risks is harmful for
an unknown risk: it counts in the "any risk" figures of an evaluation and is not used for
training. A file needs the risk column, the label column or both; every problem names the file
and line.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assay.banks.models import BadRow
from assay.banks.resolve import NameResolver
from assay.banks.tabular import read_rows
from assay.errors import InputFormatError, UnknownNameError
from assay.standard.models import Profile

TEXT_COLUMNS = ("text", "response", "question", "content", "文本", "测试题")
CONTEXT_COLUMNS = ("question", "测试题")
RISK_COLUMNS = ("risk_ids", "risk_id", "risks", "tc260", "风险")
LABEL_COLUMNS = ("label", "harmful", "flagged", "标签")
HARMFUL = frozenset({"harmful", "unsafe", "offensive", "sexist", "1", "true", "yes", "有害"})
BENIGN = frozenset(
    {"benign", "safe", "non_offensive", "non_sexist", "0", "false", "no", "无害", "none"}
)


@dataclass(frozen=True)
class Example:
    """One labelled text. ``risk_ids`` empty and ``harmful`` false: a benign text."""

    text: str
    risk_ids: tuple[str, ...] = ()
    harmful: bool = False
    id: str = ""
    context: str | None = None  # the question, when the text is an answer
    weight: float = 1.0  # how much the text counts in training (e.g. rare kinds count more)

    @property
    def known(self) -> bool:
        """Usable per risk: benign, or harmful with its risks named."""
        return bool(self.risk_ids) or not self.harmful


def read_labelled(path: Path, profile: Profile, *, fmt: str | None = None) -> list[Example]:
    """Every row of a labelled file as an :class:`Example`; raises on the first bad row."""
    result = read_rows(path, fmt=fmt)
    text_col = _pick(result.columns, TEXT_COLUMNS)
    context_col = next(
        (c for c in _present(result.columns, CONTEXT_COLUMNS) if c != text_col), None
    )
    risk_cols = _present(result.columns, RISK_COLUMNS)
    label_cols = _present(result.columns, LABEL_COLUMNS)
    if text_col is None:
        raise InputFormatError(
            f"no text column (found: {', '.join(result.columns) or 'none'})",
            file=path,
            fix=f"name the column of texts one of: {', '.join(TEXT_COLUMNS)}",
        )
    if not risk_cols and not label_cols:
        raise InputFormatError(
            "no risk or label column",
            file=path,
            fix=f"add a column {RISK_COLUMNS[0]!r} (risk ids) or {LABEL_COLUMNS[0]!r}",
        )
    resolver = NameResolver(profile)
    examples = []
    for raw in result.rows:
        if isinstance(raw, BadRow):
            raise InputFormatError(raw.reason, file=path, line=raw.row, fix=raw.fix or None)
        values = raw.values
        text = values.get(text_col)
        if not isinstance(text, str) or not text.strip():
            raise InputFormatError(f"empty {text_col!r}", file=path, line=raw.row)
        risks = _risks(_first(values, risk_cols), resolver, path, raw.row)
        label = _label(_first(values, label_cols), path, raw.row)
        if label is None and not risks and not risk_cols:
            raise InputFormatError(f"empty {label_cols[0]!r}", file=path, line=raw.row)
        harmful = bool(risks) if label is None else label
        example_id = str(values.get("id") or f"{path.name}:{raw.row}")
        question = values.get(context_col) if context_col else None
        context = question if isinstance(question, str) and question.strip() else None
        examples.append(Example(text, risks if harmful else (), harmful, example_id, context))
    return examples


def _pick(columns: Iterable[str], names: tuple[str, ...]) -> str | None:
    present = _present(columns, names)
    return present[0] if present else None


def _present(columns: Iterable[str], names: tuple[str, ...]) -> list[str]:
    """The columns among ``names``, in the order of ``names``."""
    lowered = {c.strip().lower(): c for c in columns}
    return [lowered[n] for n in names if n in lowered]


def _first(values: dict[str, Any], columns: list[str]) -> Any:
    """The value of the first of ``columns`` that this row fills (None: none does)."""
    for column in columns:
        value = values.get(column)
        if value is not None and value != "" and value != []:
            return value
    return None


def _risks(cell: Any, resolver: NameResolver, path: Path, line: int) -> tuple[str, ...]:
    if cell is None:
        return ()
    parts = [str(c) for c in cell] if isinstance(cell, list) else [str(cell)]
    out: list[str] = []
    for part in parts:
        if not part.strip() or part.strip().lower() in ("null", "none"):
            continue
        try:
            ids = resolver.risks(part)
        except UnknownNameError as exc:
            exc.file, exc.line = str(path), line
            raise
        out.extend(i for i in ids if i not in out)
    return tuple(out)


def _label(cell: Any, path: Path, line: int) -> bool | None:
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return None
    if isinstance(cell, bool):
        return cell
    if isinstance(cell, int | float) and cell in (0, 1):
        return bool(cell)
    word = str(cell).strip().lower()
    if word in HARMFUL:
        return True
    if word in BENIGN:
        return False
    raise InputFormatError(
        f"unknown label {cell!r}",
        file=path,
        line=line,
        fix="write harmful or benign (also 1/0, true/false, 有害/无害)",
    )
