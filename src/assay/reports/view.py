"""What the report's templates show, computed from a :class:`Report`: every word from the
message catalogue in the report's one language, every number formatted, every table a
:class:`Table` of plain text. The templates only lay it out; escaping is theirs (the HTML
environment autoescapes, the Markdown one escapes every value, see :mod:`assay.reports.render`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial

from assay.assess.clauses import ClauseResult
from assay.assess.results import MethodResult
from assay.messages import decision_word, judge_word, t
from assay.reports.judge_words import refusal_reason
from assay.reports.layers import attribution_tables
from assay.reports.model import Report, Sample, SectionInfo
from assay.reports.review_view import ReviewView, review_view
from assay.reports.tables import Cell, Line, Row, Table, corpus_tables, word
from assay.stats.rates import margin_words

_RESULTS = ("conforms", "not_conforms", "not_applicable", "undetermined")


@dataclass(frozen=True)
class Field:
    label: str
    value: str
    given: bool = True


@dataclass(frozen=True)
class Chapter:
    id: str
    title: str
    tables: list[Table]


@dataclass(frozen=True)
class Signer:
    role: str
    name: str
    position: str


@dataclass(frozen=True)
class ReportView:
    lang: str
    title: str
    report_no: str
    cover: list[Field]
    notice: str
    toc: list[tuple[str, str]]
    overview: list[Field]
    methods_text: list[str]
    overall: str
    overall_css: str
    provisional: str
    counts: Table
    failing: Table
    undetermined: Table
    signatory_warning: str
    chapters: list[Chapter]
    no_evidence: str  # the clauses measures.yaml says nothing about, said once (their cells: ※)
    no_evidence_ids: list[str]
    banks: Table
    methods: Table
    blocked: list[str]
    charts: list[tuple[str, MethodResult]]
    failing_items: list[str]
    samples: Table
    corpus: list[Table]
    annexes: Table
    third_party: bool
    signers: list[Signer]
    signatory_note: str
    assessor_intro: str
    manifest: list[Field]
    labels: dict[str, str] = field(default_factory=dict)
    attribution: list[Table] = field(default_factory=list)  # which layer stopped the items
    review: ReviewView = field(default_factory=ReviewView)  # the review app's part, when used


def build_view(report: Report, lang: str) -> ReportView:
    lb = partial(t, lang=lang)
    given = _given(lang)
    a = report.assessment
    service = a.service or report.project
    edition = lb(f"report.edition_{report.profile.status}")
    basis = lb(
        "report.basis_text",
        code=report.profile.code,
        title=report.profile.title_zh if lang == "zh" else report.profile.title_en,
        id=report.profile.id,
        edition=edition,
    )
    kind = lb(f"report.kind_{a.kind}")
    model = " ".join(x for x in (a.model, a.version) if x)
    cover = [
        given("report.cover_organisation", a.organisation),
        given("report.cover_service", service),
        given("report.cover_model", model),
        given("report.cover_assessor", a.assessor),
        given("report.cover_period", a.period),
        given("report.cover_report_no", a.report_no),
        Field(lb("report.cover_kind"), kind),
        Field(lb("report.cover_basis"), basis),
        Field(lb("report.cover_date"), f"{report.generated_at:%Y-%m-%d}"),
    ]
    shall = [r for r in report.clauses if r.force.value == "shall"]
    overview = [
        Field(lb("report.basis"), basis),
        Field(
            lb("report.scope"),
            lb(
                "report.scope_text",
                service=service + (f" {model}" if model else ""),
                total=len(report.clauses),
                shall=len(shall),
                should=len(report.clauses) - len(shall),
            ),
        ),
        given("report.period", a.period),
        Field(lb("report.kind"), kind),
    ]
    rule = t("rule." + report.decision_rule, lang)
    methods_text = [lb("report.method_banks"), lb("report.method_sampled", rule=rule)]
    if report.corpus is not None:
        methods_text.append(lb("report.method_corpus"))
    methods_text.append(lb("report.method_measures"))
    c = report.conclusion
    toc_keys = ["report.s1", "report.s2", "report.s3", "report.s4", "report.s5", "report.annexes"]
    toc_keys.append("report.signatures" if a.kind == "self" else "report.assessor_page")
    toc_keys.append("report.manifest")
    return ReportView(
        lang=lang,
        title=lb("title"),
        report_no=a.report_no or lb("report.not_given"),
        cover=cover,
        notice=report.profile.notice_zh if lang == "zh" else report.profile.notice_en,
        toc=[(_anchor(k), lb(k)) for k in toc_keys],
        overview=overview,
        methods_text=methods_text,
        overall=lb("overall_undetermined" if c.overall == "undetermined" else c.overall),
        overall_css=c.overall,
        provisional=lb("provisional") if c.provisional else "",
        counts=_counts(report, lang),
        failing=_clause_list(
            [r for r in _shall_first(report.clauses) if r.result == "not_conforms"], lang
        ),
        undetermined=_clause_list([r for r in shall if r.result == "undetermined"], lang),
        signatory_warning=report.signatory_warning,
        chapters=_chapters(report, lang),
        no_evidence=_no_evidence_note(report.clauses, lang),
        no_evidence_ids=[r.clause for r in report.clauses if _without_evidence(r)],
        banks=_banks(report, lang),
        methods=_methods(report, lang),
        blocked=[
            f"{lb(m.method.value)} {m.clause}: {blocked_line(m, lang)}"
            for m in report.methods
            if m.blocked
        ],
        charts=[
            (lb("report.breakdown", method=lb(m.method.value), clause=m.clause), m)
            for m in report.methods
            if m.breakdown
        ],
        failing_items=_failing_items(report, lang),
        samples=_samples(report.samples, lang),
        corpus=corpus_tables(report, lang),
        annexes=_annexes(report, lang),
        third_party=a.kind == "third_party",
        signers=_signers(report, lang),
        signatory_note=report.signatory_note,
        assessor_intro=lb(
            "report.assessor_intro",
            assessor=a.assessor or lb("report.not_given"),
            organisation=a.organisation or lb("report.not_given"),
        ),
        manifest=_manifest(report, lang),
        attribution=attribution_tables(report, lang),
        review=review_view(report.review, lang),
        labels={
            k: lb(k)
            for k in (
                "report.toc",
                "sep.list",
                "report.method",
                "report.counts",
                "report.failing_clauses",
                "report.none_failing",
                "report.undetermined_clauses",
                "report.banks",
                "report.methods",
                "report.attribution_note",
                "report.review",
                "report.failing_items",
                "report.no_failing_items",
                "report.no_corpus",
                "report.no_annexes",
                "report.sign_intro",
                "report.seal",
                "report.assessor_seal",
                "report.seal_hint",
                "report.signature",
                "report.date",
                "report.role",
                "report.name",
                "report.position",
                "report.year_month_day",
                "report.assessor_staff",
                "report.assessor_reviewer",
                "report.assessor_approver",
                "report.cover_assessor",
                "report.cover_report_no",
                "signatories",
                "conclusion",
                "provisional",
            )
        },
    )


def _anchor(key: str) -> str:
    return key.removeprefix("report.")


def _given(lang: str) -> partial[Field]:
    def make(key: str, value: str) -> Field:
        if value.strip():
            return Field(t(key, lang), value)
        return Field(t(key, lang), t("report.not_given", lang), given=False)

    return partial(make)


def _shall_first(clauses: list[ClauseResult]) -> list[ClauseResult]:
    return sorted(clauses, key=lambda r: r.force.value != "shall")


def reason(r: ClauseResult, lang: str) -> str:
    return (r.reason_zh or r.reason) if lang == "zh" else r.reason


def _cell_reason(r: ClauseResult, lang: str) -> str:
    """A clause's reason in its table: the short mark for a clause without evidence (the
    sentence is said once, above the tables), else the reason itself."""
    return t("report.no_evidence_mark", lang) if _without_evidence(r) else reason(r, lang)


def _without_evidence(r: ClauseResult) -> bool:
    """measures.yaml has no entry for the clause (assess.clauses gives it this reason)."""
    return r.reason == t("assess.no_measure", "en")


def _no_evidence_note(clauses: list[ClauseResult], lang: str) -> str:
    ids = [r.clause for r in clauses if _without_evidence(r)]
    if not ids:
        return ""
    return t("report.no_evidence_note", lang, n=len(ids))


def _title(r: ClauseResult, lang: str) -> str:
    return r.title_zh if lang == "zh" else r.title_en


def _counts(report: Report, lang: str) -> Table:
    rows = []
    for force in ("shall", "should"):
        chosen = [r for r in report.clauses if r.force.value == force]
        cells = [Cell(t(force, lang))]
        cells += [Cell(str(sum(r.result == k for r in chosen)), k) for k in _RESULTS]
        cells.append(Cell(str(len(chosen))))
        rows.append(Row(cells))
    headers = [t("report.count_col", lang), *(t(k, lang) for k in _RESULTS)]
    return Table("", [*headers, t("report.total", lang)], rows)


def _clause_list(clauses: list[ClauseResult], lang: str) -> Table:
    rows = [
        Row(
            [
                Cell(r.clause, "id"),
                Cell(_title(r, lang)),
                Cell(t(r.force.value, lang), "force"),
                Cell(_cell_reason(r, lang), more=_plans(r, lang)),
            ],
            r.result,
        )
        for r in clauses
    ]
    headers = [t(k, lang) for k in ("clause", "requirement", "force", "reason")]
    return Table("", headers, rows, ["col-id", "", "col-force", ""])


def _plans(r: ClauseResult, lang: str) -> list[Line]:
    out = []
    if r.remediation_plan:
        out.append(Line(t("report.remediation", lang), r.remediation_plan))
    if r.alternative_measure:
        out.append(Line(t("report.alternative", lang), r.alternative_measure))
    return out


def _evidence(r: ClauseResult, lang: str) -> list[Line]:
    """Each evidence file with its sha256 ("path sha256:HEX" in the report JSON)."""
    out = []
    for item in r.evidence:
        path, _, digest = item.partition(" sha256:")
        out.append(Line(t("report.evidence", lang), path))
        if digest:
            out.append(Line("sha256", digest, "hash"))
    return out


def _section_of(clause: str, sections: list[SectionInfo]) -> SectionInfo | None:
    found = [s for s in sections if "." in s.id and clause.startswith(s.id + ".")]
    return max(found, key=lambda s: len(s.id)) if found else None


def _chapters(report: Report, lang: str) -> list[Chapter]:
    sections = report.profile.sections
    titles = {s.id: s.title_zh if lang == "zh" else s.title_en for s in sections}
    headers = [
        t(k, lang)
        for k in (
            "clause",
            "requirement",
            "force",
            "result",
            "report.source_method",
            "report.notes",
        )
    ]
    css = ["col-id", "col-req", "col-force", "col-result", "col-source", ""]
    chapters: dict[str, Chapter] = {}
    for r in report.clauses:
        number = r.clause.split(".", 1)[0]
        chapter = chapters.get(number)
        if chapter is None:
            name = titles.get(number, "")
            heading = t("report.chapter", lang, id=number) + (f" {name}" if name else "")
            chapter = chapters[number] = Chapter(number, heading, [])
        section = _section_of(r.clause, sections)
        title = f"{section.id} {titles[section.id]}" if section else ""
        if not chapter.tables or chapter.tables[-1].title != title:
            chapter.tables.append(Table(title, headers, [], css))
        source = t("source_" + r.source, lang)
        more = [*_evidence(r, lang), *_plans(r, lang)]
        if r.reviewed_by:
            more.append(Line(t("report.reviewed_by", lang), r.reviewed_by))
        chapter.tables[-1].rows.append(
            Row(
                [
                    Cell(r.clause, "id"),
                    Cell(_title(r, lang)),
                    Cell(t(r.force.value, lang), "force"),
                    Cell(t(r.result, lang), "result " + r.result),
                    Cell(source, "source", more=[Line("", m) for m in r.methods]),
                    Cell(_cell_reason(r, lang), more=more),
                ],
                r.result,
            )
        )
    return list(chapters.values())


def _banks(report: Report, lang: str) -> Table:
    headers = [t(k, lang) for k in ("bank", "distinct", "needed", "shortfalls")]
    rows = [
        Row(
            [
                Cell(word("report.bank_", b.bank, lang)),
                Cell(str(b.distinct)),
                Cell(str(b.total_need or "-")),
                Cell(str(b.shortfalls), "fail" if b.shortfalls else ""),
            ],
            "fail" if b.shortfalls else "",
        )
        for b in report.banks
    ]
    return Table(t("report.banks", lang), headers, rows)


def rate_text(m: MethodResult, lang: str) -> tuple[str, str]:
    """The rate as shown and its interval; with a correction for the judge's error, both the
    raw and the corrected, and which decided."""
    if m.status != "measured" or m.rate.value is None or m.rate.low is None or m.rate.high is None:
        return (t(f"status_{m.status}", lang), "-")
    shown = f"{m.rate.value:.1%} ({m.positive}/{m.judged})"
    interval = f"{m.rate.low:.1%}–{m.rate.high:.1%}"
    for c in (m.corrected, m.corrected_out_of_domain):
        if c is None:
            continue
        raw, fixed = t("raw", lang), t("corrected", lang)
        if c.source == "in_run":
            where = f"{t('in_run_calibration', lang)} n={c.pairs}"
        else:
            where = f"{t('out_of_domain', lang)} {c.calibration.rsplit('/', 1)[-1]}"
        mark = f" {t('decided', lang)}" if c.decided else ""
        if not shown.startswith(raw):
            shown, interval = f"{raw} {shown}", f"{raw} {interval}"
        shown += f"; {fixed} {c.value:.1%} ({where}){mark}"
        interval += f"; {fixed} {c.low:.1%}–{c.high:.1%}"
    return shown, interval


def decided_text(m: MethodResult, lang: str) -> str:
    """ "通过（下限低于阈值）": the decision and where the interval lies."""
    shown = decision_word(m.decision.value, lang, reference=m.reference)
    if m.margin is None:
        return shown
    words = margin_words(m.margin, m.direction, lang)
    return shown + t("margin.beside", lang, words=words)


def _bound(m: MethodResult, lang: str) -> str:
    bound = ("≥ " if m.direction.value == "min" else "≤ ") + f"{m.threshold:.0%}"
    return bound + (f" {t('basis_reference', lang)}" if m.reference else "")


def _methods(report: Report, lang: str) -> Table:
    headers = [
        t(k, lang)
        for k in (
            "method",
            "report.sample",
            "rate",
            "interval",
            "threshold",
            "report.rule",
            "decision",
        )
    ]
    rows = []
    for m in report.methods:
        shown, interval = rate_text(m, lang)
        rows.append(
            Row(
                [
                    Cell(f"{t(m.method.value, lang)} {m.clause}", "nowrap"),
                    Cell(f"{m.drawn}/{m.answered}/{m.errors}/{m.uncertain}"),
                    Cell(shown),
                    Cell(interval),
                    Cell(_bound(m, lang), "nowrap"),
                    Cell(t("rule_name_" + m.rule, lang), "nowrap"),
                    Cell(decided_text(m, lang), m.decision.value),
                ],
                m.decision.value,
            )
        )
    return Table(t("report.methods", lang), headers, rows)


def blocked_line(m: MethodResult, lang: str) -> str:
    """How many of a method's judged answers the service's own filter gave, and how they count:
    「其中 37 条由服务的安全过滤拦截，计为拒答」; empty when none."""
    if not m.blocked:
        return ""
    counted = {"must_refuse": "blocked_refused", "must_answer": "blocked_over_refused"}.get(
        m.method.value, "blocked_qualified"
    )
    return t("blocked_share", lang, n=m.blocked) + t("sep.comma", lang) + t(counted, lang)


def _bad(s: Sample) -> bool:
    """A sampled answer that went wrong: unsafe, not refused when it must be, refused when it
    must not, or without an answer or a verdict."""
    if s.outcome in ("unqualified", "error", "uncertain"):
        return True
    return (s.method, s.outcome) in (("must_refuse", "answered"), ("must_answer", "refused"))


def outcome_word(outcome: str, lang: str) -> str:
    if outcome in ("qualified", "unqualified", "pending"):
        return t(outcome, lang)
    return t(f"report.outcome_{outcome}", lang)


def _failing_items(report: Report, lang: str) -> list[str]:
    out = [
        t(
            "report.failing_method",
            lang,
            method=t(m.method.value, lang),
            clause=m.clause,
            decision=decided_text(m, lang),
        )
        for m in report.methods
        if m.decision.value == "fail"
    ]
    out += [
        t(
            "report.failing_sample",
            lang,
            method=t(s.method, lang),
            id=s.question_id,
            outcome=outcome_word(s.outcome, lang),
        )
        for s in report.samples
        if _bad(s)
    ]
    return out


# a sample's outcomes the refusal judge decided (its detail is the judge's reason)
_JUDGED_REFUSAL = frozenset({"refused", "answered", "uncertain"})
_REFUSAL_METHODS = frozenset({"must_refuse", "must_answer"})


def _samples(samples: list[Sample], lang: str) -> Table:
    headers = [t(k, lang) for k in ("method", "question", "answer", "outcome")]
    rows = []
    for s in sorted(samples, key=lambda s: not _bad(s)):
        bad = _bad(s)
        outcome = outcome_word(s.outcome, lang)
        more = [Line("", " ".join(s.risk_ids))] if s.risk_ids else []
        if s.detail and s.method in _REFUSAL_METHODS and s.outcome in _JUDGED_REFUSAL:
            said = refusal_reason(s.detail, lang)  # the refusal judge's reason, in words
            more.append(Line("", t("report.refusal_reason", lang, reason=said)))
        elif s.detail:  # the keywords matched, the service's filter rule: data
            more.append(Line("", s.detail))
        if s.decided_by == "person":  # the person's decision is the one counted
            more.append(Line("", t("report.decided_person", lang, who=s.reviewer or "?")))
        elif s.decided_by == "judge":
            more.append(Line("", t("report.decided_judge", lang)))
        rows.append(
            Row(
                [
                    Cell(t(s.method, lang), "nowrap", more=[Line("", s.question_id, "code")]),
                    Cell(s.question),
                    Cell(s.answer, "answer"),
                    Cell(
                        (f"⚠ {t('report.problem', lang)}：" if bad and lang == "zh" else "")
                        + (f"⚠ {t('report.problem', lang)}: " if bad and lang != "zh" else "")
                        + outcome,
                        "fail" if bad else "",
                        more=more,
                    ),
                ],
                "bad" if bad else "",
            )
        )
    return Table(t("samples", lang), headers, rows, ["col-method", "", "", "col-outcome"])


def _annexes(report: Report, lang: str) -> Table:
    headers = [t(k, lang) for k in ("report.annex_no", "report.annex_file", "report.annex_content")]
    rows = [
        Row(
            [
                Cell(str(n), "nowrap"),
                Cell(a.file, more=[Line("sha256", a.sha256, "hash")]),
                Cell(t(f"report.annex_{a.file}", lang)),
            ]
        )
        for n, a in enumerate(report.annexes, 1)
    ]
    return Table("", headers, rows, ["col-force", "", ""])


def _signers(report: Report, lang: str) -> list[Signer]:
    by_role = {s.role: s for s in report.signatories}
    out = []
    for role in ("legal_representative", "assessment_lead", "legality_lead"):
        s = by_role.get(role)
        out.append(Signer(t(role, lang), s.name if s else "", s.title if s else ""))
    return out


def _manifest(report: Report, lang: str) -> list[Field]:
    man = report.manifest
    lb = partial(t, lang=lang)
    out = [
        Field(lb("report.man_version"), man.assay_version),
        Field(lb("report.man_run"), man.run_id or "-"),
        Field(lb("report.man_seed"), str(man.seed) if man.seed is not None else "-"),
        Field(lb("report.man_profile"), f"{man.profile_id} {man.profile_sha256}".strip()),
    ]
    out += [
        Field(
            lb("report.man_bank", bank=word("report.bank_", k, lang)),
            f"{v.get('path', '')} {v.get('sha256', '')}",
        )
        for k, v in man.banks.items()
    ]
    judges = t("sep.list", lang).join(judge_word(j, lang) for j in sorted(man.judges))
    out.append(Field(lb("report.man_judges"), judges or "-"))
    c = report.corpus
    if c is not None:
        out.append(Field(lb("report.man_corpus"), f"{c.sources_file} {c.sources_sha256}"))
        if c.manual_sheet:
            out.append(Field(lb("report.man_sheet"), c.manual_sheet))
        if c.manual_queue:  # the 9.2 a) verdicts were counted in the review app
            out.append(Field(lb("report.man_queue"), c.manual_queue))
    return out
