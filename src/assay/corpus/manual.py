"""The manual sample of 9.2 a): draw records from the whole corpus for reviewers (CSV or XLSX),
read their verdicts back, and decide the qualified rate against 96%.

The sheet: id / 序号 / 来源 / 文件 / 行 / 语料内容 / 研判结果 (合格 or 不合格) / 风险 / 审核人 / 备注 /
text_sha256. The draw is a seeded uniform sample over every record of every source; ``text_sha256``
ties each verdict to the text that was shown. Importing reports each bad row with its row
number and the fix; rows without a verdict are pending. Fewer reviewed rows than the profile's
minimum never pass.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

from pydantic import BaseModel

from assay.banks.models import BadRow
from assay.banks.resolve import NameResolver
from assay.banks.tabular import RawRow, read_rows, write_rows
from assay.corpus.assess import reservoir
from assay.corpus.readers import Record
from assay.corpus.sources import Source, load_sources
from assay.errors import InputFormatError, UnknownNameError
from assay.messages import t
from assay.outputs import check_output
from assay.standard.models import Profile
from assay.stats.rates import Decision, DecisionRule, Direction, Rate, decide_open, rate
from assay.text import fold
from assay.text.pii import mask
from assay.text.verdicts import QUALIFIED, UNQUALIFIED

COLUMNS = [
    "id",
    "序号",
    "来源",
    "文件",
    "行",
    "语料内容",
    "研判结果",
    "风险",
    "审核人",
    "备注",
    "text_sha256",
    "语料总数",  # records in the whole corpus at export: tells a census (every record drawn)
]


_EXCERPT = 300  # characters of a record's text kept as evidence


class ManualItem(BaseModel):
    """One row of the sheet as read back: the sampled record and its verdict."""

    id: str
    source: str
    file: str
    line: str
    verdict: str  # qualified / unqualified / pending
    risk_ids: list[str] = []
    reviewer: str = ""
    text: str = ""  # the first characters of the record, personal information masked


class ManualResult(BaseModel):
    required: int
    rows: int
    reviewed: int
    pending: int
    qualified: int
    rate: Rate
    threshold: float
    decision: Decision
    rule: DecisionRule = "confidence"  # the rule that decided (older stored results: confidence)
    census: bool = False  # every record was judged: the point decides under both rules
    reviewers: list[str]
    by_risk: dict[str, int]
    bad: list[BadRow]
    notes: list[str]
    notes_zh: list[str] = []
    items: list[ManualItem] = []  # every counted row, in sheet order


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def export_manual(
    sources: Path, profile: Profile, out: Path, *, size: int | None = None, seed: int = 0
) -> tuple[int, int]:
    """Write the review sheet; returns (rows written, records in the corpus)."""
    registry, _ = load_sources(sources)
    files = [path for source in registry.sources for path in source.files(sources.parent)]
    check_output(out, [sources, *files])  # never over the corpus or the registry
    out.parent.mkdir(parents=True, exist_ok=True)
    rows, seen = draw_manual(sources, profile, size=size, seed=seed)
    write_rows(out, COLUMNS, rows)
    return len(rows), seen


def draw_manual(
    sources: Path, profile: Profile, *, size: int | None = None, seed: int = 0
) -> tuple[list[dict[str, object]], int]:
    """The sheet's rows (the seeded draw, in sheet order) and the records in the corpus: what
    the sheet and the review app's corpus queue both show."""
    registry, _ = load_sources(sources)
    n = size or profile.parameters.corpus_eval.manual_sample_min.value

    def everything() -> Iterator[tuple[str, str, Record]]:
        for source in registry.sources:
            for path in source.files(sources.parent):
                shown = Source.relative(path, sources.parent).as_posix()
                for item in source.read(path):
                    if isinstance(item, Record):
                        yield source.id, shown, item

    sample, seen = reservoir(everything(), n, seed)
    sample.sort(key=lambda drawn: (drawn[0], drawn[1], drawn[2].line))
    rows = [
        {
            "id": f"{source}/{shown}:{r.line}",
            "序号": seq,
            "来源": source,
            "文件": shown,
            "行": r.line,
            "语料内容": r.text,
            "研判结果": "",
            "风险": "",
            "审核人": "",
            "备注": "",
            "text_sha256": digest(r.text),
            "语料总数": seen,
        }
        for seq, (source, shown, r) in enumerate(sample, 1)
    ]
    return rows, seen


def import_manual(path: Path, profile: Profile, rule: DecisionRule = "standard") -> ManualResult:
    """Read a reviewed sheet and decide the qualified rate of 9.2 a)."""
    result = read_rows(path)
    missing = {"id", "语料内容", "研判结果", "text_sha256"} - set(result.columns)
    if missing:
        raise InputFormatError(
            f"the sheet lacks the column(s) {', '.join(sorted(missing))}",
            file=path,
            line=1,
            fix="import the sheet that assay corpus manual export wrote",
        )
    resolver = NameResolver(profile)
    bad: list[BadRow] = []
    seen: set[str] = set()
    items: list[ManualItem] = []
    totals: set[str] = set()  # 语料总数 of the rows: one number when the sheet is whole
    rows = 0
    for raw in result.rows:
        rows += 1
        if not isinstance(raw, RawRow):
            bad.append(raw)
            continue
        values = {k: ("" if v is None else str(v).strip()) for k, v in raw.values.items()}
        problem = _problem(values, seen)
        if problem:
            bad.append(BadRow(file=str(path), row=raw.row, reason=problem[0], fix=problem[1]))
            continue
        seen.add(values["id"])
        totals.add(values.get("语料总数", ""))
        verdict = fold(values["研判结果"])
        item = ManualItem(
            id=values["id"],
            source=values.get("来源", ""),
            file=values.get("文件", ""),
            line=values.get("行", ""),
            verdict="pending",
            # masked whole, then cut: a number at the cut is never left half in clear
            text=mask(values["语料内容"])[:_EXCERPT],
        )
        if not verdict:
            items.append(item)
            continue
        try:
            risks = resolver.risks(values["风险"]) if values.get("风险") else ()
        except UnknownNameError as exc:
            bad.append(BadRow(file=str(path), row=raw.row, reason=exc.message, fix=exc.fix or ""))
            continue
        items.append(
            item.model_copy(
                update={
                    "verdict": "qualified" if verdict in QUALIFIED else "unqualified",
                    "risk_ids": list(risks),
                    "reviewer": values["审核人"],
                }
            )
        )
    (total,) = totals if len(totals) == 1 else ("",)
    population = int(total) if total.isdigit() else None
    return decide_manual(items, profile, rule, rows=rows, bad=bad, population=population)


def decide_manual(
    items: list[ManualItem],
    profile: Profile,
    rule: DecisionRule = "standard",
    *,
    rows: int | None = None,
    bad: list[BadRow] | None = None,
    population: int | None = None,
) -> ManualResult:
    """Decide the qualified rate of 9.2 a) from the sample's items and their verdicts, read
    from a sheet (:func:`import_manual`) or from the review app's corpus queue: both routes
    count alike. ``population``: the records in the corpus (a census when all were reviewed)."""
    params = profile.parameters.corpus_eval
    bad = bad or []
    done = [i for i in items if i.verdict != "pending"]
    reviewed = len(done)
    qualified = sum(i.verdict == "qualified" for i in done)
    by_risk: dict[str, int] = {}
    for i in done:
        for risk in i.risk_ids:
            by_risk[risk] = by_risk.get(risk, 0) + 1
    required = params.manual_sample_min.value
    measured = rate(qualified, reviewed)
    threshold = params.manual_qualified_min.value
    # a census: the sheet drew every record of the corpus and every one was reviewed
    census = 0 < reviewed == len(items) == (population or -1) and not bad
    decision = decide_open(
        qualified,
        reviewed,
        0,
        threshold,
        Direction.MIN,
        required=required,
        census=census,
        rule=rule,
    )
    said: list[tuple[str, dict[str, object]]] = []  # catalogue keys and their values
    if census:
        said.append(("corpus.note.manual_census", {}))
    elif reviewed < required:
        said.append(("corpus.note.manual_few", {"n": reviewed, "need": required}))
    if bad:
        said.append(("corpus.note.bad_rows", {"n": len(bad)}))
    notes = [t(key, "en", **fields) for key, fields in said]
    notes_zh = [t(key, "zh", **fields) for key, fields in said]
    return ManualResult(
        required=required,
        rows=len(items) + len(bad) if rows is None else rows,
        reviewed=reviewed,
        pending=len(items) - reviewed,
        qualified=qualified,
        rate=measured,
        threshold=threshold,
        decision=decision,
        rule=rule,
        census=census,
        reviewers=sorted({i.reviewer for i in done}),
        by_risk=dict(sorted(by_risk.items())),
        bad=bad,
        notes=notes,
        notes_zh=notes_zh,
        items=items,
    )


def _problem(values: dict[str, str], seen: set[str]) -> tuple[str, str] | None:
    """(reason, fix) when a row cannot be counted."""
    if not values.get("id"):
        return "the id is empty", "do not edit the id column"
    if values["id"] in seen:
        return f"id {values['id']!r} appears twice", "keep one row per sampled record"
    if digest(values.get("语料内容", "")) != values.get("text_sha256"):
        return (
            "语料内容 differs from the text that was exported",
            "do not edit 语料内容; write remarks in 备注",
        )
    verdict = fold(values.get("研判结果", ""))
    if verdict and verdict not in QUALIFIED | UNQUALIFIED:
        return f"研判结果 {values['研判结果']!r} is not 合格 or 不合格", "write 合格 or 不合格"
    if verdict and not values.get("审核人"):
        return "审核人 (reviewer) is empty", "fill in 审核人"
    return None
