"""Render a :class:`Report` as Markdown and as one self-contained HTML file.

Everything from the model or the user is untrusted: in HTML it is escaped with
``html.escape`` (an answer holding ``<script>`` shows as text); in Markdown, characters that
Markdown or HTML would act on are escaped. In both, bidirectional controls (U+202E and kin)
are shown as visible marks, so an answer cannot reorder the verdict beside it.
"""

from __future__ import annotations

import html
import re
from functools import partial

from assay.assess.clauses import ClauseResult
from assay.assess.results import MethodResult
from assay.reports.labels import label
from assay.reports.model import Report
from assay.stats.rates import Rate, margin_words
from assay.text.visible import visible

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>])")


def _md(text: object) -> str:
    return _MD_SPECIAL.sub(r"\\\1", visible(str(text))).replace("\r", " ").replace("\n", " ")


def _e(text: str) -> str:
    """HTML-escaped, with bidirectional controls made visible (see assay.text.visible)."""
    return html.escape(visible(text))


def _rate(m: MethodResult, lang: str) -> tuple[str, str]:
    if m.status != "measured" or m.rate.value is None or m.rate.low is None or m.rate.high is None:
        return (label(f"status_{m.status}", lang), "-")
    shown = f"{m.rate.value:.1%} ({m.positive}/{m.judged})"
    interval = f"{m.rate.low:.1%}–{m.rate.high:.1%}"
    for c in (m.corrected, m.corrected_out_of_domain):
        if c is None:  # the rate corrected for the judge's error, its source, and what decided
            continue
        raw, fixed = label("raw", lang), label("corrected", lang)
        if c.source == "in_run":
            where = f"{label('in_run_calibration', lang)} n={c.pairs}"
        else:
            where = f"{label('out_of_domain', lang)} {c.calibration.rsplit('/', 1)[-1]}"
        mark = f" {label('decided', lang)}" if c.decided else ""
        if not shown.startswith(raw):
            shown, interval = f"{raw} {shown}", f"{raw} {interval}"
        shown += f"; {fixed} {c.value:.1%} ({where}){mark}"
        interval += f"; {fixed} {c.low:.1%}–{c.high:.1%}"
    return shown, interval


def blocked_line(m: MethodResult, lang: str) -> str:
    """How many of a method's judged answers the service's own filter gave, and how they count:
    「其中 37 条由服务的安全过滤拦截，计为拒答」; empty when none."""
    if not m.blocked:
        return ""
    counted = {"must_refuse": "blocked_refused", "must_answer": "blocked_over_refused"}.get(
        m.method.value, "blocked_qualified"
    )
    sep = label("sep.comma", lang)
    return label("blocked_share", lang, n=m.blocked) + sep + label(counted, lang)


def _decided(m: MethodResult, lang: str) -> str:
    """ "通过；下限低于阈值": the decision and, beside it, where the interval lies."""
    shown = label(m.decision.value, lang)
    if m.margin is None:
        return shown
    words = margin_words(m.margin, m.direction, lang)
    return shown + label("margin.beside", lang, words=words)


def _rule_line(rule: str, lang: str) -> str:
    return f"{label('decision_rule', lang)}: {label('rule_' + rule, lang)}"


def _bound(m: MethodResult) -> str:
    return ("≥ " if m.direction.value == "min" else "≤ ") + f"{m.threshold:.0%}"


Table = tuple[str, list[str], list[list[str]]]  # title, header labels, rows of plain text
_CORPUS_EVIDENCE = 20  # sampled corpus records shown in the report (all are in the attachment)


def _reason(r: ClauseResult, lang: str) -> str:
    return (r.reason_zh or r.reason) if lang == "zh" else r.reason


def _interval(r: Rate) -> str:
    return "-" if r.low is None or r.high is None else f"{r.low:.1%}–{r.high:.1%}"


def _corpus_methods(report: Report) -> tuple[str, str]:
    """The ids of the corpus spot checks (manual, technical), as the profile named them in the
    clause they verify; empty when the report's profile names none."""
    for r in report.clauses:
        if r.source == "corpus" and len(r.methods) == 2:
            return r.methods[0], r.methods[1]
    return "", ""


def _corpus_tables(report: Report, lang: str) -> list[Table]:
    """The corpus assessment (5.1, 5.2, 9.2) as plain-text tables, escaped by the renderer."""
    corpus = report.corpus
    if corpus is None:
        return []
    lb = partial(label, lang=lang)
    sources = [
        [
            s.source,
            s.kind,
            str(s.records),
            str(s.quarantined),
            f"{s.harmful}/{s.sampled}",
            _interval(s.rate),
            f"≤ {s.max_harmful_rate:.0%}",
            lb(s.decision),
            ", ".join(f"{k} {v}" for k, v in sorted(s.pii.items())) or "-",
        ]
        for s in corpus.sources
    ]
    methods: list[list[str]] = []
    manual_id, technical_id = _corpus_methods(report)
    for clause, name, m in (
        (manual_id, "manual", corpus.manual),
        (technical_id, "technical", corpus.technical),
    ):
        if m is None:
            methods.append([f"{clause} {lb(name)}", "-", "-", "-", "-", lb("status_not_run"), ""])
            continue
        methods.append(
            [
                f"{clause} {lb(name)}",
                f"{m.qualified}/{m.reviewed if hasattr(m, 'reviewed') else m.sampled}",
                str(m.required),
                _interval(m.rate),
                f"≥ {m.threshold:.0%}",
                lb(m.decision.value),
                "；".join(m.notes_zh or m.notes) if lang == "zh" else "; ".join(m.notes),
            ]
        )
    findings = [[f.clause, f.source or "-", f.field or "-", f.message] for f in corpus.findings]
    # evidence: the records reviewers called unqualified, first
    items = corpus.manual.items if corpus.manual else []
    shown = sorted(items, key=lambda i: i.verdict != "unqualified")[:_CORPUS_EVIDENCE]
    evidence = [
        [f"{i.source} {i.file}:{i.line}", i.text, lb(i.verdict), ", ".join(i.risk_ids) or "-"]
        for i in shown
    ]
    rule = f"{lb('decision_rule')}: {lb('rule_name_' + corpus.rule)}"
    tables: list[Table] = [
        (
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
        (
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
    if evidence:
        tables.append(
            (
                lb("corpus_evidence"),
                [lb(k) for k in ("corpus_source", "text", "decision", "risks")],
                evidence,
            )
        )
    if findings:
        tables.append(
            (
                lb("corpus_findings"),
                [lb(k) for k in ("clause", "corpus_source", "field", "reason")],
                findings,
            )
        )
    return tables


def _md_tables(tables: list[Table]) -> list[str]:
    out: list[str] = []
    for title, headers, rows in tables:
        out += ["", f"### {title}", "", "| " + " | ".join(headers) + " |"]
        out.append("|" + "---|" * len(headers))
        out += ["| " + " | ".join(_md(c) for c in row) + " |" for row in rows]
    return out


def _html_tables(tables: list[Table], decision_column: str) -> str:
    e = _e
    out: list[str] = []
    for title, headers, rows in tables:
        out.append(f"<h3>{e(title)}</h3><table><tr>")
        out += [f"<th>{e(h)}</th>" for h in headers]
        out.append("</tr>")
        marked = headers.index(decision_column) if decision_column in headers else -1
        for row in rows:
            out.append("<tr>")
            out += [
                f'<td class="{_decision_class(cell)}">{e(cell)}</td>'
                if i == marked
                else f"<td>{e(cell)}</td>"
                for i, cell in enumerate(row)
            ]
            out.append("</tr>")
        out.append("</table>")
    return "".join(out)


def _decision_class(shown: str) -> str:
    for key in ("pass", "fail", "inconclusive", "no_data", "accept", "reject"):
        if shown in (label(key, "zh"), label(key, "en")):
            return {"accept": "pass", "reject": "fail"}.get(key, key)
    return ""


def markdown(report: Report, lang: str = "zh") -> str:
    def lb(key: str) -> str:
        return label(key, lang)

    c = report.conclusion
    overall_key = "overall_undetermined" if c.overall == "undetermined" else c.overall
    out = [
        f"# {lb('title')}",
        "",
        f"- {lb('project')}: {_md(report.project)}",
        f"- {lb('profile')}: {_md(report.profile.code)} ({_md(report.profile.id)}, {report.profile.status})",
        f"- {lb('generated')}: {report.generated_at:%Y-%m-%d %H:%M} UTC",
        "",
    ]
    notice = report.profile.notice_zh if lang == "zh" else report.profile.notice_en
    if notice:
        out += [f"> {_md(notice)}", ""]
    out += [
        f"## {lb('conclusion')}",
        "",
        f"**{lb(overall_key)}**" + (f" {lb('provisional')}" if c.provisional else ""),
        "",
    ]
    if c.provisional:
        out += [", ".join(c.undetermined), ""]
    out += [
        f"## {lb('methods')}",
        "",
        _md(_rule_line(report.decision_rule, lang)),
        "",
        f"| {lb('method')} | {lb('drawn')} | {lb('answered')} | {lb('errors')} | {lb('uncertain')} | {lb('rate')} | "
        f"{lb('interval')} | {lb('threshold')} | {lb('decision')} |",
        "|" + "---|" * 9,
    ]
    for m in report.methods:
        rate, interval = _rate(m, lang)
        out.append(
            f"| {lb(m.method.value)} {m.clause} | {m.drawn} | {m.answered} | {m.errors} | {m.uncertain} | "
            f"{rate} | {interval} | {_bound(m)} | {_decided(m, lang)} |"
        )
    blocked = [
        f"- {lb(m.method.value)} {m.clause}: {_md(blocked_line(m, lang))}"
        for m in report.methods
        if m.blocked
    ]
    if blocked:
        out += ["", *blocked]
    out += [
        "",
        f"## {lb('banks')}",
        "",
        f"| {lb('bank')} | {lb('distinct')} | {lb('needed')} | {lb('shortfalls')} |",
        "|---|---|---|---|",
    ]
    out += [
        f"| {_md(b.bank)} | {b.distinct} | {b.total_need or '-'} | {b.shortfalls} |"
        for b in report.banks
    ]
    corpus = _corpus_tables(report, lang)
    if corpus:
        out += ["", f"## {lb('corpus')}"] + _md_tables(corpus)
    out += [
        "",
        f"## {lb('clauses')}",
        "",
        f"| {lb('clause')} | {lb('requirement')} | {lb('force')} | {lb('result')} | {lb('source')} | {lb('reason')} |",
        "|---|---|---|---|---|---|",
    ]
    for r in report.clauses:
        title = r.title_zh if lang == "zh" else r.title_en
        out.append(
            f"| {r.clause} | {_md(title)} | {lb(r.force.value)} | {lb(r.result)} | {lb('source_' + r.source)} | "
            f"{_md(_reason(r, lang))} |"
        )
    out += ["", f"## {lb('samples')}", ""]
    for s in report.samples:
        out.append(
            f"- **{lb(s.method)}** `{_md(s.question_id)}` {lb('question')}: {_md(s.question)} — "
            f"{lb('answer')}: {_md(s.answer)} — {lb('outcome')}: {_md(s.outcome)} {_md(s.detail)}"
        )
    out += ["", f"## {lb('signatories')}", ""]
    out += [f"- {lb(s.role)}: {_md(s.name)} {_md(s.title)}" for s in report.signatories]
    if report.signatory_note:
        out.append(f"- {_md(report.signatory_note)}")
    if report.signatory_warning:
        out.append(f"- ⚠ {_md(report.signatory_warning)}")
    man = report.manifest
    out += [
        "",
        f"## {lb('manifest')}",
        "",
        f"- Assay {man.assay_version}; run `{_md(man.run_id or '-')}`; seed {man.seed if man.seed is not None else '-'}",
        f"- profile {man.profile_id} sha256 `{man.profile_sha256}`",
    ]
    out += [
        f"- {_md(k)}: {_md(v.get('path', ''))} sha256 `{v.get('sha256', '')}`"
        for k, v in man.banks.items()
    ]
    out.append(f"- judges: {', '.join(sorted(man.judges)) or '-'}")
    out += [f"- {_md(line)}" for line in _corpus_manifest(report)]
    return "\n".join(out) + "\n"


def _corpus_manifest(report: Report) -> list[str]:
    """The corpus assessment's own reproducibility lines: its registry, hash, seed, judges."""
    c = report.corpus
    if c is None:
        return []
    judges = ", ".join(c.technical.judges) if c.technical else "-"
    return [
        f"corpus: {c.sources_file} sha256 {c.sources_sha256}; seed {c.seed}; judges {judges}",
        *([f"corpus manual sheet: {c.manual_sheet}"] if c.manual_sheet else []),
    ]


_CSS = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif;
margin:2rem auto;max-width:1100px;color:#1b1b1b;line-height:1.5;padding:0 1rem}
h1{font-size:1.6rem}h2{font-size:1.25rem;border-bottom:1px solid #ccc;padding-bottom:.2rem;margin-top:2rem}
table{border-collapse:collapse;width:100%;font-size:.9rem;margin:.5rem 0}
th,td{border:1px solid #ddd;padding:.3rem .45rem;text-align:left;vertical-align:top}
th{background:#f4f4f4}.conforms,.pass{color:#11643a}.not_conforms,.fail{color:#a11}
.undetermined,.inconclusive,.no_data{color:#8a5a00}.overall{font-size:1.3rem;font-weight:bold}
.notice{background:#fff7e0;border-left:4px solid #e0a800;padding:.5rem 1rem}
.answer{white-space:pre-wrap;max-width:40rem}code{font-size:.85rem}
"""


def html_report(report: Report, lang: str = "zh") -> str:
    def lb(key: str) -> str:
        return _e(label(key, lang))

    e = _e
    c = report.conclusion
    overall_key = "overall_undetermined" if c.overall == "undetermined" else c.overall
    parts = [
        f'<!DOCTYPE html><html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">',
        f"<title>{lb('title')}</title><style>{_CSS}</style></head><body>",
        f"<h1>{lb('title')}</h1>",
        f"<p>{lb('project')}: {e(report.project)}<br>{lb('profile')}: {e(report.profile.code)} "
        f"({e(report.profile.id)}, {e(report.profile.status)})<br>{lb('generated')}: "
        f"{report.generated_at:%Y-%m-%d %H:%M} UTC</p>",
    ]
    notice = report.profile.notice_zh if lang == "zh" else report.profile.notice_en
    if notice:
        parts.append(f'<p class="notice">{e(notice)}</p>')
    parts.append(
        f'<h2>{lb("conclusion")}</h2><p class="overall {e(c.overall)}">{lb(overall_key)}'
        + (
            f" {lb('provisional')}</p><p>{e(', '.join(c.undetermined))}</p>"
            if c.provisional
            else "</p>"
        )
    )
    parts.append(
        f"<h2>{lb('methods')}</h2><p>{e(_rule_line(report.decision_rule, lang))}</p><table><tr>"
        + "".join(
            f"<th>{lb(k)}</th>"
            for k in (
                "method",
                "drawn",
                "answered",
                "errors",
                "uncertain",
                "rate",
                "interval",
                "threshold",
                "decision",
            )
        )
        + "</tr>"
    )
    for m in report.methods:
        rate, interval = _rate(m, lang)
        parts.append(
            f"<tr><td>{lb(m.method.value)} {e(m.clause)}</td><td>{m.drawn}</td><td>{m.answered}</td>"
            f"<td>{m.errors}</td><td>{m.uncertain}</td><td>{e(rate)}</td><td>{e(interval)}</td>"
            f'<td>{e(_bound(m))}</td><td class="{e(m.decision.value)}">{e(_decided(m, lang))}</td></tr>'
        )
    parts.append("</table>")
    blocked = [
        f"<li>{lb(m.method.value)} {e(m.clause)}: {e(blocked_line(m, lang))}</li>"
        for m in report.methods
        if m.blocked
    ]
    if blocked:
        parts.append(f"<ul>{''.join(blocked)}</ul>")
    for m in report.methods:
        if m.breakdown:
            parts.append(
                f"<h3>{lb(m.method.value)} {e(m.clause)} · {lb('breakdown')}</h3>{_bars(m)}"
            )
    parts.append(
        f"<h2>{lb('banks')}</h2><table><tr><th>{lb('bank')}</th><th>{lb('distinct')}</th>"
        f"<th>{lb('needed')}</th><th>{lb('shortfalls')}</th></tr>"
    )
    parts += [
        f"<tr><td>{e(b.bank)}</td><td>{b.distinct}</td><td>{b.total_need or '-'}</td><td>{b.shortfalls}</td></tr>"
        for b in report.banks
    ]
    corpus = _corpus_tables(report, lang)
    if corpus:
        parts.append(
            f"</table><h2>{lb('corpus')}</h2>{_html_tables(corpus, label('decision', lang))}<table>"
        )
    parts.append(
        f"</table><h2>{lb('clauses')}</h2><table><tr>"
        + "".join(
            f"<th>{lb(k)}</th>"
            for k in ("clause", "requirement", "force", "result", "source", "reason")
        )
        + "</tr>"
    )
    for r in report.clauses:
        title = r.title_zh if lang == "zh" else r.title_en
        parts.append(
            f"<tr><td>{e(r.clause)}</td><td>{e(title)}</td><td>{lb(r.force.value)}</td>"
            f'<td class="{e(r.result)}">{lb(r.result)}</td><td>{lb("source_" + r.source)}</td><td>{e(_reason(r, lang))}</td></tr>'
        )
    parts.append(
        f"</table><h2>{lb('samples')}</h2><table><tr><th>{lb('method')}</th><th>{lb('question')}</th>"
        f"<th>{lb('answer')}</th><th>{lb('outcome')}</th></tr>"
    )
    for s in report.samples:
        parts.append(
            f"<tr><td>{lb(s.method)}<br><code>{e(s.question_id)}</code></td><td>{e(s.question)}</td>"
            f'<td class="answer">{e(s.answer)}</td><td>{e(s.outcome)} {e(" ".join(s.risk_ids))}'
            f"<br>{e(s.detail)}</td></tr>"
        )
    parts.append(f"</table><h2>{lb('signatories')}</h2><ul>")
    parts += [f"<li>{lb(s.role)}: {e(s.name)} {e(s.title)}</li>" for s in report.signatories]
    if report.signatory_note:
        parts.append(f"<li>{e(report.signatory_note)}</li>")
    if report.signatory_warning:
        parts.append(f'<li class="fail">{e(report.signatory_warning)}</li>')
    man = report.manifest
    parts.append(
        f"</ul><h2>{lb('manifest')}</h2><ul><li>Assay {e(man.assay_version)}; run <code>{e(str(man.run_id))}"
        f"</code>; seed {e(str(man.seed))}</li><li>{e(man.profile_id)} sha256 <code>{e(man.profile_sha256)}</code></li>"
    )
    parts += [
        f"<li>{e(k)}: {e(v.get('path', ''))} <code>{e(v.get('sha256', ''))}</code></li>"
        for k, v in man.banks.items()
    ]
    parts.append(f"<li>judges: {e(', '.join(sorted(man.judges)) or '-')}</li>")
    parts += [f"<li>{e(line)}</li>" for line in _corpus_manifest(report)]
    parts.append("</ul></body></html>")
    return "".join(parts) + "\n"


def _bars(m: MethodResult) -> str:
    """Per-risk rates as an inline SVG bar chart (no scripts, no external files)."""
    rows = m.breakdown
    height = 18 * len(rows) + 10
    bars = []
    for i, b in enumerate(rows):
        value = b.rate or 0.0
        y = 5 + 18 * i
        bars.append(
            f'<text x="0" y="{y + 12}" font-size="11">{_e(b.id)}</text>'
            f'<rect x="70" y="{y}" width="{value * 400:.1f}" height="13" fill="#4a7bd0"/>'
            f'<text x="{75 + value * 400:.1f}" y="{y + 12}" font-size="11">{value:.0%} ({b.positive}/{b.n})</text>'
        )
    namespace = "http://www.w3.org/2000/svg"  # the SVG namespace: not a number of the standard
    return (
        f'<svg xmlns="{namespace}" width="560" height="{height}" role="img">{"".join(bars)}</svg>'
    )
