"""The corpus assessment as a whole (5.1, 5.2, 9.2), and the clauses it decides.

:func:`assess_corpus` runs the registry check, the per-source 5% screen, the 9.2 b) technical
sample and reads back the 9.2 a) manual sample: from a filled sheet, or from the counted
verdicts of a corpus queue of the review app (both count alike). The result is
stored with the run and fed to the report, where :func:`corpus_clauses` turns it into clause
results:

* 5.1.a.1 / 5.1.a.2 (the 5% rule): a rejected source does not conform; an inconclusive or empty
  one leaves the clause undetermined; all accepted conforms.
* 5.1.b, 5.1.c.1, 5.1.c.2, 5.1.c.4: a finding of the registry check does not conform; none
  conforms; no source of the kind a clause is about makes it not applicable.
* 5.1.c.3 (commercial contracts): a finding does not conform; otherwise the contract itself
  needs a reviewer, so the clause is left to ``measures.yaml``.
* 5.2.a: through the methods 9.2.a and 9.2.b; both must pass, and 9.2 b) must have used a
  classifier as well as keywords.

Everything else of chapter 5 (5.1.d, 5.2.b, 5.2.c, 5.3) stays with ``measures.yaml``; the
personal information counts are shown as context for 5.2.c.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from pydantic import BaseModel

from assay.corpus.assess import DECISIONS, SourceResult, assess_sources, required_sample
from assay.corpus.manual import ManualResult, import_manual
from assay.corpus.review_queue import manual_from_queue
from assay.corpus.sources import (
    ForeignShare,
    SourceFinding,
    check_sources,
    foreign_share,
    load_sources,
)
from assay.corpus.technical import TechnicalResult, technical_sample, uses_both
from assay.errors import ConfigError
from assay.judges.base import Judge
from assay.messages import Reason, decision_word, reason, t
from assay.standard.models import Profile, Result
from assay.stats.rates import Decision, DecisionRule, Direction, decide_open
from assay.store.runstore import RunStore


class CorpusResults(BaseModel):
    sources_file: str
    sources_sha256: str
    seed: int
    kinds: list[str]  # the kinds of source in the registry
    findings: list[SourceFinding]
    foreign: ForeignShare | None = None  # information beside the clause on a mix of sources
    sources: list[SourceResult]
    technical: TechnicalResult | None = None
    manual: ManualResult | None = None
    manual_sheet: str | None = None
    # the review app's corpus queue the 9.2 a) result was counted from (instead of a sheet)
    manual_queue: str | None = None
    rule: DecisionRule = "confidence"  # the rule that decided (older stored results: confidence)


class CorpusClause(BaseModel):
    result: Result
    reason: str
    reason_zh: str = ""
    methods: list[str] = []


def assess_corpus(
    sources: Path,
    profile: Profile,
    *,
    judge: Judge | None,
    seed: int = 0,
    manual_sheet: Path | None = None,
    manual_queue: str | None = None,
    store: RunStore | None = None,
    quarantine_dir: Path | None = None,
    rule: DecisionRule = "standard",
) -> CorpusResults:
    """The corpus assessment; the 9.2 a) result is read from the filled ``manual_sheet`` or
    counted from the review app's corpus queue ``manual_queue`` in ``store`` (one of them)."""
    manual = _manual(profile, rule, manual_sheet, manual_queue, store)
    registry, _ = load_sources(sources)
    return CorpusResults(
        sources_file=str(sources),
        sources_sha256=hashlib.sha256(sources.read_bytes()).hexdigest(),
        seed=seed,
        kinds=sorted({s.kind for s in registry.sources}),
        findings=check_sources(sources, profile),
        foreign=foreign_share(registry, sources.parent, profile),
        sources=assess_sources(
            sources, profile, judge=judge, seed=seed, quarantine_dir=quarantine_dir, rule=rule
        ),
        technical=technical_sample(sources, profile, judge=judge, seed=seed, rule=rule)
        if judge
        else None,
        manual=manual,
        manual_sheet=str(manual_sheet) if manual_sheet else None,
        manual_queue=manual_queue,
        rule=rule,
    )


def _manual(
    profile: Profile,
    rule: DecisionRule,
    sheet: Path | None,
    queue: str | None,
    store: RunStore | None,
) -> ManualResult | None:
    """The 9.2 a) result from the sheet or from the review app's queue (checked first: a bad
    choice must not waste the rest of the assessment)."""
    if sheet is not None and queue is not None:
        raise ConfigError(t("corpus.manual_both", "en"), fix=t("corpus.manual_both_fix", "en"))
    if queue is not None:
        if store is None:
            raise ConfigError(
                t("corpus.manual_no_store", "en", queue=queue),
                fix=t("corpus.manual_no_store_fix", "en"),
            )
        return manual_from_queue(store, queue, profile, rule)
    return import_manual(sheet, profile, rule) if sheet is not None else None


def redecide(corpus: CorpusResults, profile: Profile, rule: DecisionRule) -> CorpusResults:
    """A stored corpus assessment decided again, from its counts, under ``rule`` (the 5% screen,
    9.2 b) and 9.2 a)); unchanged when it was decided under ``rule`` already."""
    if corpus.rule == rule:
        return corpus
    limit = required_sample(profile, rule)
    sources = []
    for s in corpus.sources:
        judged = s.sampled - s.uncertain if s.decision != "no_data" else 0
        decision = decide_open(
            s.harmful,
            judged,
            s.uncertain,
            s.max_harmful_rate,
            Direction.MAX,
            census=s.census,
            required=limit,
            rule=rule,
        )
        sources.append(s.model_copy(update={"decision": DECISIONS[decision], "rule": rule}))
    technical, manual = corpus.technical, corpus.manual
    if technical is not None:
        t = technical
        decision = decide_open(
            t.qualified,
            t.sampled - t.uncertain,
            t.uncertain,
            t.threshold,
            Direction.MIN,
            required=t.required,
            census=t.census,
            rule=rule,
        )
        technical = t.model_copy(update={"decision": decision, "rule": rule})
    if manual is not None:
        m = manual
        decision = decide_open(
            m.qualified,
            m.reviewed,
            0,
            m.threshold,
            Direction.MIN,
            required=m.required,
            census=m.census,
            rule=rule,
        )
        manual = m.model_copy(update={"decision": decision, "rule": rule})
    return corpus.model_copy(
        update={"sources": sources, "technical": technical, "manual": manual, "rule": rule}
    )


def corpus_clauses(corpus: CorpusResults, profile: Profile) -> dict[str, CorpusClause]:
    """The clauses the corpus assessment decides (see the module's docstring); which clause
    each check decides is the profile's (``roles`` and the 9.2 methods' ``verifies``)."""
    roles = profile.roles
    out: dict[str, CorpusClause] = {}
    found: dict[str, list[SourceFinding]] = {}
    for finding in corpus.findings:
        found.setdefault(finding.clause, []).append(finding)
    for clause in roles.corpus_harmful_share:
        out[clause] = _five_percent(corpus.sources)
    out[roles.corpus_several_sources] = _with_foreign(
        _from_findings(
            found.get(roles.corpus_several_sources, []), reason("corpus.several_sources")
        ),
        corpus.foreign,
    )
    for kind, clause in roles.corpus_source_records.items():
        names = {lang: t(f"corpus.kind.{kind}", lang) for lang in ("en", "zh")}
        mine = found.get(clause, [])
        if kind not in corpus.kinds:
            out[clause] = CorpusClause(
                result="not_applicable",
                reason=t("corpus.kind_absent", "en", kind=names["en"], file=corpus.sources_file),
                reason_zh=t("corpus.kind_absent", "zh", kind=names["zh"], file=corpus.sources_file),
            )
        elif mine or clause not in roles.corpus_findings_only:
            ok = {lang: t("corpus.kind_recorded", lang, kind=names[lang]) for lang in names}
            out[clause] = _from_findings(mine, {"reason": ok["en"], "reason_zh": ok["zh"]})
    manual, technical = profile.corpus_methods
    for clause in profile.verified_by(profile.corpus_methods):
        out[clause] = _filtering(corpus, manual, technical)
    return out


def _from_findings(findings: list[SourceFinding], ok: Reason) -> CorpusClause:
    if not findings:
        return CorpusClause(result="conforms", **ok)
    shown = "; ".join(f"{f.source or 'sources.yaml'}: {f.message}" for f in findings[:5])
    said = {
        lang: t(
            "corpus.findings",
            lang,
            n=len(findings),
            shown=shown,
            more=t("corpus.more_findings", lang, n=len(findings) - 5) if len(findings) > 5 else "",
        )
        for lang in ("en", "zh")
    }
    return CorpusClause(result="not_conforms", reason=said["en"], reason_zh=said["zh"])


def _with_foreign(clause: CorpusClause, foreign: ForeignShare | None) -> CorpusClause:
    """The clause with the foreign share beside its reason: information, never the result."""
    if foreign is None or foreign.share is None:
        return clause
    said = {}
    for lang in ("en", "zh"):
        parts = [t("corpus.foreign_share", lang, share=foreign.share)]
        if foreign.target is not None:
            over = "above" if foreign.share > foreign.target else "within"
            parts.append(t(f"corpus.foreign_target_{over}", lang, target=foreign.target))
        if foreign.practice is not None:
            parts.append(t("corpus.foreign_practice", lang, practice=foreign.practice))
        said[lang] = t("sep.semicolon", lang).join(parts)
    return clause.model_copy(
        update={
            "reason": t("corpus.with_foreign", "en", reason=clause.reason, foreign=said["en"]),
            "reason_zh": t(
                "corpus.with_foreign", "zh", reason=clause.reason_zh, foreign=said["zh"]
            ),
        }
    )


def _five_percent(sources: list[SourceResult]) -> CorpusClause:
    rejected = [s.source for s in sources if s.decision == "reject"]
    if rejected:
        return CorpusClause(result="not_conforms", **_listed("corpus.over_limit", rejected))
    open_ = [f"{s.source} ({s.decision})" for s in sources if s.decision != "accept"]
    if open_ or not sources:
        return CorpusClause(result="undetermined", **_listed("corpus.undecided", open_))
    return CorpusClause(result="conforms", **reason("corpus.all_under_limit", n=len(sources)))


def _listed(key: str, sources: list[str]) -> Reason:
    """The message ``key`` about ``sources``, listed the way each language lists."""
    said = {
        lang: t(key, lang, sources=t("sep.list", lang).join(sources) or t("corpus.no_source", lang))
        for lang in ("en", "zh")
    }
    return {"reason": said["en"], "reason_zh": said["zh"]}


def _filtering(corpus: CorpusResults, manual_id: str, technical_id: str) -> CorpusClause:
    """The clause the 9.2 methods verify (``manual_id``, ``technical_id``: their ids)."""
    methods = [manual_id, technical_id]
    manual, technical = corpus.manual, corpus.technical
    parts: list[str] = []
    parts_zh: list[str] = []
    for lang, out in (("en", parts), ("zh", parts_zh)):
        out.append(
            f"{manual_id} {_word(manual.decision.value, lang)}"
            if manual
            else t("corpus.not_imported", lang, method=manual_id)
        )
        out.append(
            f"{technical_id} {_word(technical.decision.value, lang)}"
            if technical
            else t("corpus.not_run", lang, method=technical_id)
        )
    decisions = [m.decision for m in (manual, technical) if m is not None]
    result: Result = "undetermined"
    if Decision.FAIL in decisions:
        result = "not_conforms"
    elif technical is not None and not uses_both(technical.judges):
        parts.append(t("corpus.needs_both", "en", method=technical_id))
        parts_zh.append(t("corpus.needs_both", "zh", method=technical_id))
    elif len(decisions) == 2 and all(d is Decision.PASS for d in decisions):
        result = "conforms"
    return CorpusClause(
        result=result,
        reason=t("sep.comma", "en").join(parts),
        reason_zh=t("sep.comma", "zh").join(parts_zh),
        methods=methods,
    )


def _word(decision: str, lang: str) -> str:
    """A decision in the reason: its word in Chinese, its value (``no_data``) in English."""
    return decision_word(decision, lang) if lang == "zh" else decision
