"""Load and save banks. Bad rows are quarantined into a side file (or raise with ``strict``).

The quarantine file is JSONL, one object per bad row with ``file``, ``row``, ``reason``, ``fix``
and the raw row, written as ``<name>.quarantine.jsonl`` beside the input (or in
``quarantine_dir``). The :class:`LoadReport` counts rows read, accepted and quarantined, so
nothing is dropped silently.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from assay.banks.models import (
    BadRow,
    BankKind,
    KeywordEntry,
    KeywordLibrary,
    LoadReport,
    Question,
    QuestionBank,
    QuestionKind,
)
from assay.banks.resolve import NameResolver
from assay.banks.schema import (
    KEYWORD_FIELDS,
    KEYWORD_FILING,
    KEYWORD_NATIVE,
    QUESTION_FIELDS,
    QUESTION_FILING,
    QUESTION_NATIVE,
    Layout,
    RowReader,
    column_map,
    id_maker,
    keyword_row,
    question_row,
)
from assay.banks.stream import picker
from assay.banks.tabular import RawRow, RowStream, open_rows, write_rows
from assay.errors import BadRowError, InputFormatError, RowError
from assay.outputs import OutputFolder
from assay.standard.models import Profile

T = TypeVar("T")


@dataclass(frozen=True)
class ReadOptions:
    """How to read a bank file."""

    fmt: str | None = None
    encoding: str = "auto"
    strict: bool = False
    quarantine_dir: Path | None = None


def load_keywords(
    path: Path, profile: Profile, options: ReadOptions | None = None
) -> tuple[KeywordLibrary, LoadReport]:
    """Read a keyword library in the native or filing layout."""
    opts = options or ReadOptions()
    result = open_rows(path, fmt=opts.fmt, encoding=opts.encoding)
    columns = column_map(result.columns)
    if "keyword" not in columns:
        raise _missing_column(path, "关键词 (or keyword)", result.columns, keywords=True)
    reader = RowReader(NameResolver(profile), columns)
    pick = picker(result.spec, reader.fields(KEYWORD_FIELDS))
    entries, report = _convert(
        path, result, BankKind.KEYWORDS, lambda raw: reader.keyword(pick(raw), raw.row), opts
    )
    report.encoding = result.encoding
    report.lines, report.blank = result.lines, result.blank
    report.header_lines = result.header_lines
    if report.quarantined:
        report.quarantine_file = str(_write_quarantine(path, report.quarantined, opts))
    # the entries are validated: the list is not checked again, one by one
    return KeywordLibrary.model_construct(entries=entries, source=path), report


def load_questions(
    path: Path,
    profile: Profile,
    kind: QuestionKind | None,
    options: ReadOptions | None = None,
) -> tuple[QuestionBank, LoadReport]:
    """Read a question bank. ``kind`` None takes each row's kind column (all rows must agree)."""
    opts = options or ReadOptions()
    result = open_rows(path, fmt=opts.fmt, encoding=opts.encoding)
    columns = column_map(result.columns)
    if "text" not in columns:
        raise _missing_column(path, "测试题 (or text)", result.columns, keywords=False)
    reader = RowReader(NameResolver(profile), columns)
    make_id = id_maker()
    bank_kind = BankKind(kind.value) if kind else BankKind.CONTENT
    pick = picker(result.spec, reader.fields(QUESTION_FIELDS))

    def convert(raw: RawRow) -> Question:
        return reader.question(pick(raw), raw.row, kind, make_id)

    items, report = _convert(path, result, bank_kind, convert, opts)
    _quarantine_duplicate_ids(items, report, path, strict=opts.strict)
    report.encoding = result.encoding
    report.lines, report.blank = result.lines, result.blank
    report.header_lines = result.header_lines
    kinds = {q.kind for q in items}
    if kind is None and len(kinds) > 1:
        raise InputFormatError(
            f"the file mixes question kinds ({', '.join(sorted(k.value for k in kinds))})",
            file=path,
            fix="split it into one file per bank, or pass --kind",
        )
    final_kind = kind or (kinds.pop() if kinds else QuestionKind.CONTENT)
    report.bank = BankKind(final_kind.value)
    if report.quarantined:
        report.quarantine_file = str(_write_quarantine(path, report.quarantined, opts))
    return QuestionBank.model_construct(kind=final_kind, items=items, source=path), report


def _convert(
    path: Path,
    rows: RowStream,
    bank: BankKind,
    convert: Callable[[RawRow], T],
    opts: ReadOptions,
) -> tuple[list[T], LoadReport]:
    """Entries of the rows as they are read: only the entries (and the quarantined rows) are
    kept, never the file's rows."""
    out: list[T] = []
    keep = out.append
    quarantined: list[BadRow] = []
    for raw in rows:
        if isinstance(raw, BadRow):
            bad = raw
        else:
            try:
                keep(convert(raw))
                continue
            except RowError as exc:
                reason, fix = exc.reason, exc.fix
                if raw.formulas:  # an empty cell that is really a formula Excel never computed
                    reason = f"formula with no saved value in {', '.join(raw.formulas)} ({reason})"
                    fix = _FORMULA_FIX
                bad = BadRow(
                    file=str(path),
                    row=raw.row,
                    end=raw.end,
                    reason=reason,
                    fix=fix,
                    raw=_jsonable(raw.values),
                )
        if opts.strict:
            raise BadRowError(bad.reason, file=path, line=bad.row, fix=bad.fix or None)
        quarantined.append(bad)
    report = LoadReport(file=str(path), bank=bank)
    report.read = len(out) + len(quarantined)
    report.accepted = len(out)
    report.quarantined = quarantined
    return out, report


_FORMULA_FIX = (
    "Assay reads the values a spreadsheet saved, not formulas: open and save the file in "
    "Excel or WPS (which stores the values), or paste the column as values"
)


def _quarantine_duplicate_ids(
    items: list[Question], report: LoadReport, path: Path, *, strict: bool
) -> None:
    suspects = _repeated_hashes(items)
    if not suspects:
        return
    first_row: dict[str, int | None] = {}
    keep: list[Question] = []
    for item in items:
        if hash(item.id) not in suspects:  # its id is the only one with its hash
            keep.append(item)
        elif item.id in first_row:
            reason = f"duplicate id {item.id!r} (first at row {first_row[item.id]})"
            fix = "give each question its own id"
            if strict:
                raise BadRowError(reason, file=path, line=item.row, fix=fix)
            report.accepted -= 1
            report.quarantined.append(
                BadRow(
                    file=str(path),
                    row=item.row or 0,
                    reason=reason,
                    fix=fix,
                    raw=item.model_dump(mode="json"),
                )
            )
        else:
            first_row[item.id] = item.row
            keep.append(item)
    items[:] = keep


def _repeated_hashes(items: list[Question]) -> set[int]:
    """The hashes of ids that more than one question has (or that two ids share): only those
    questions can be duplicates. An array of hashes, sorted, takes 8 bytes a question where a
    dict of every id took 60 (42 MB for 700,000, the peak of a large load)."""
    import numpy as np

    hashes = np.fromiter((hash(q.id) for q in items), dtype=np.int64, count=len(items))
    hashes.sort()
    return set(hashes[1:][hashes[1:] == hashes[:-1]].tolist())


def _write_quarantine(path: Path, bad: list[BadRow], opts: ReadOptions) -> Path:
    folder = opts.quarantine_dir or path.parent
    target = OutputFolder(folder, [path]).path(f"{path.name}.quarantine.jsonl")
    folder.mkdir(parents=True, exist_ok=True)
    with target.open("w", encoding="utf-8") as fh:
        for row in bad:
            fh.write(json.dumps(row.model_dump(mode="json"), ensure_ascii=False) + "\n")
    return target


def _missing_column(path: Path, name: str, found: list[str], *, keywords: bool) -> InputFormatError:
    shown = ", ".join(found[:10]) or "none"
    columns = column_map(found)
    if keywords and "text" in columns:
        fix = "this looks like a question bank: pass --kind content, must_refuse or must_answer"
    elif not keywords and "keyword" in columns:
        fix = "this looks like a keyword library: pass --kind keywords"
    elif keywords:
        fix = "use the native layout (keyword, risk_ids, …) or the filing layout 序号/关键词/一级分类/二级分类"
    else:
        fix = "use the native layout (id, text, risk_ids, …) or the filing layout 序号/测试题/一级分类/二级分类"
    return InputFormatError(
        f"no {name} column (columns found: {shown})", file=path, line=1, fix=fix
    )


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in values.items()}


# -- saving -----------------------------------------------------------------------------


KEYWORD_SHEET = "拦截关键词列表"  # the sheet names of the filing attachments
QUESTION_SHEET = "评估测试题"


def save_keywords(
    library: KeywordLibrary,
    path: Path,
    profile: Profile,
    *,
    layout: Layout = "native",
    fmt: str | None = None,
    encoding: str = "utf-8-sig",
    stamp: datetime | None = None,
) -> None:
    """Write the library; ``stamp`` dates an XLSX (see :func:`write_rows`)."""
    resolver = NameResolver(profile)
    rows = [keyword_row(e, layout, i, resolver) for i, e in enumerate(library.entries, 1)]
    columns = KEYWORD_FILING if layout == "filing" else KEYWORD_NATIVE
    write_rows(path, columns, rows, fmt=fmt, encoding=encoding, sheet=KEYWORD_SHEET, stamp=stamp)


def save_questions(
    bank: QuestionBank,
    path: Path,
    profile: Profile,
    *,
    layout: Layout = "native",
    fmt: str | None = None,
    encoding: str = "utf-8-sig",
) -> None:
    resolver = NameResolver(profile)
    rows = [question_row(q, layout, i, resolver) for i, q in enumerate(bank.items, 1)]
    columns = QUESTION_FILING if layout == "filing" else QUESTION_NATIVE
    write_rows(path, columns, rows, fmt=fmt, encoding=encoding, sheet=QUESTION_SHEET)


def load_allowlist(path: Path) -> list[str]:
    """Allowlist phrases: one per line; blank lines and lines starting with # are skipped."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputFormatError(
            "allowlist file not found", file=path, fix="check the path"
        ) from None
    except UnicodeDecodeError as exc:
        raise InputFormatError(
            f"not UTF-8 text ({exc.reason})", file=path, fix="save as UTF-8"
        ) from None
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def load_bank(
    path: Path, bank: BankKind, profile: Profile, options: ReadOptions | None = None
) -> tuple[KeywordLibrary | QuestionBank, LoadReport]:
    """Load any of the four banks."""
    if bank is BankKind.KEYWORDS:
        return load_keywords(path, profile, options)
    return load_questions(path, profile, bank.question_kind, options)


def entries_of(bank: KeywordLibrary | QuestionBank) -> list[KeywordEntry] | list[Question]:
    return bank.entries if isinstance(bank, KeywordLibrary) else bank.items
