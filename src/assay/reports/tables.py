"""The report's tables as plain text (:class:`Table` of :class:`Row` of :class:`Cell`), which
one template macro lays out in HTML and one in Markdown; and the corpus assessment's tables
(5.1, 5.2, 9.2)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial

from assay.messages import MESSAGES, t
from assay.reports.model import Report
from assay.stats.rates import Rate

_CORPUS_EVIDENCE = 20  # sampled corpus records shown in the report (all are in the attachment)


@dataclass(frozen=True)
class Line:
    """A further line of a cell: ``label: text`` (evidence, a plan, a hash)."""

    label: str
    text: str
    css: str = ""


@dataclass(frozen=True)
class Cell:
    text: str
    css: str = ""  # the cell's class: id, result, a decision (pass, fail...), hash, nowrap
    more: list[Line] = field(default_factory=list)


@dataclass(frozen=True)
class Row:
    cells: list[Cell]
    css: str = ""  # the row's class: its result or decision (fail rows are highlighted)


@dataclass(frozen=True)
class Table:
    title: str
    headers: list[str]
    rows: list[Row]
    columns: list[str] = field(default_factory=list)  # the header cells' classes (widths)


def word(prefix: str, code: str, lang: str) -> str:
    """A code in the report's words (``prefix + code`` in the catalogue), else as written."""
    key = prefix + code
    return t(key, lang) if key in MESSAGES else code


def interval(r: Rate) -> str:
    return "-" if r.low is None or r.high is None else f"{r.low:.1%}–{r.high:.1%}"


def _corpus_methods(report: Report) -> tuple[str, str]:
    """The ids of the corpus spot checks (manual, technical), as the profile named them in the
    clause they verify; empty when the report's profile names none."""
    for r in report.clauses:
        if r.source == "corpus" and len(r.methods) == 2:
            return r.methods[0], r.methods[1]
    return "", ""


def _decision(shown: str, key: str) -> Cell:
    return Cell(shown, {"accept": "pass", "reject": "fail"}.get(key, key))


def corpus_tables(report: Report, lang: str) -> list[Table]:
    """The corpus assessment (5.1, 5.2, 9.2): sources, spot checks, evidence, findings."""
    corpus = report.corpus
    if corpus is None:
        return []
    lb = partial(t, lang=lang)
    sources = [
        Row(
            [
                Cell(s.source),
                Cell(word("report.source_kind_", s.kind, lang)),
                Cell(str(s.records)),
                Cell(str(s.quarantined)),
                Cell(f"{s.harmful}/{s.sampled}"),
                Cell(interval(s.rate)),
                Cell(f"≤ {s.max_harmful_rate:.0%}", "nowrap"),
                _decision(lb(s.decision), s.decision),
                Cell(
                    "，".join(
                        f"{word('report.pii_', k, lang)} {v}" for k, v in sorted(s.pii.items())
                    )
                    or "-"
                ),
            ],
            {"reject": "fail"}.get(s.decision, ""),
        )
        for s in corpus.sources
    ]
    methods: list[Row] = []
    manual_id, technical_id = _corpus_methods(report)
    for clause, name, m in (
        (manual_id, "manual", corpus.manual),
        (technical_id, "technical", corpus.technical),
    ):
        if m is None:
            cells = [Cell(f"{clause} {lb(name)}"), *[Cell("-")] * 4, Cell(lb("status_not_run"))]
            methods.append(Row([*cells, Cell("")]))
            continue
        notes = "；".join(m.notes_zh or m.notes) if lang == "zh" else "; ".join(m.notes)
        methods.append(
            Row(
                [
                    Cell(f"{clause} {lb(name)}", "nowrap"),
                    Cell(f"{m.qualified}/{m.reviewed if hasattr(m, 'reviewed') else m.sampled}"),
                    Cell(str(m.required)),
                    Cell(interval(m.rate)),
                    Cell(f"≥ {m.threshold:.0%}", "nowrap"),
                    _decision(lb(m.decision.value), m.decision.value),
                    Cell(notes),
                ],
                m.decision.value,
            )
        )
    colon = t("sep.colon", lang)
    rule = f"{lb('decision_rule')}{colon}{lb('rule_name_' + corpus.rule)}"
    tables = [
        Table(
            f"{lb('corpus_sources')} · {rule}",
            [
                lb(k)
                for k in (
                    "corpus_source",
                    "kind",
                    "records",
                    "quarantined",
                    "harmful",
                    "interval",
                    "threshold",
                    "decision",
                    "pii",
                )
            ],
            sources,
        ),
        Table(
            f"{lb('corpus_samples')} · {rule}",
            [
                lb(k)
                for k in (
                    "method",
                    "qualified",
                    "needed",
                    "interval",
                    "threshold",
                    "decision",
                    "reason",
                )
            ],
            methods,
        ),
    ]
    items = corpus.manual.items if corpus.manual else []
    shown = sorted(items, key=lambda i: i.verdict != "unqualified")[:_CORPUS_EVIDENCE]
    if shown:
        tables.append(
            Table(
                lb("corpus_evidence"),
                [lb(k) for k in ("corpus_source", "text", "decision", "risks")],
                [
                    Row(
                        [
                            Cell(f"{i.source} {i.file}:{i.line}"),
                            Cell(i.text),
                            Cell(lb(i.verdict), "fail" if i.verdict == "unqualified" else ""),
                            Cell(", ".join(i.risk_ids) or "-"),
                        ],
                        "bad" if i.verdict == "unqualified" else "",
                    )
                    for i in shown
                ],
            )
        )
    if corpus.findings:
        tables.append(
            Table(
                lb("corpus_findings"),
                [lb(k) for k in ("clause", "corpus_source", "field", "reason")],
                [
                    Row(
                        [
                            Cell(f.clause, "id"),
                            Cell(f.source or "-"),
                            Cell(f.field or "-"),
                            Cell(f.message),
                        ]
                    )
                    for f in corpus.findings
                ],
            )
        )
    return tables
