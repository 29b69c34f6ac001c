"""Build the report of a run from the store, the bank check and ``measures.yaml``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

from assay.assess.attribution import RunLayers, layers
from assay.assess.clauses import clause_results, conclude
from assay.assess.measures import MeasuresFile
from assay.assess.plan import Method
from assay.assess.results import RunResults, current_reviews, merged_refusals
from assay.assess.review_audit import ReviewAudit, review_audit
from assay.banks.check import CheckReport
from assay.corpus.results import CorpusResults
from assay.judges.classifier import Coverage
from assay.redact import redact_urls
from assay.reports.model import (
    AssessmentInfo,
    BankSummary,
    Manifest,
    ProfileInfo,
    Report,
    Sample,
    SectionInfo,
    Signatory,
)
from assay.standard.models import Profile
from assay.stats.rates import DEFAULT_RULE, DecisionRule
from assay.store.runstore import (
    HUMAN_REFUSAL,
    ReplyRecord,
    ReviewRecord,
    RunStore,
    VerdictRecord,
    answer_digests,
)
from assay.text.pii import mask
from assay.version import __version__

_SAMPLES_PER_METHOD = 10
_MAX_CHARS = 600


def build_report(
    *,
    project: str,
    profile: Profile,
    banks: CheckReport | None,
    store: RunStore | None,
    run: RunResults | None,
    measures: MeasuresFile | None,
    signatories: list[Signatory],
    signatory_note: str = "",
    mask_pii: bool = True,
    corpus: CorpusResults | None = None,
    classifier: Coverage | None = None,
    decision_rule: DecisionRule | None = None,
    assessment: AssessmentInfo | None = None,
    compared: RunLayers | None = None,
) -> Report:
    """The report; ``compared``: the attribution of a second run shown beside this one."""
    clauses = clause_results(
        profile, banks=banks, run=run, measures=measures, corpus=corpus, classifier=classifier
    )
    samples = _samples(store, run, mask_pii) if store is not None and run is not None else []
    return Report(
        project=project,
        generated_at=datetime.now(UTC),
        assessment=assessment or AssessmentInfo(),
        profile=ProfileInfo(
            id=profile.id,
            code=profile.code,
            title_zh=profile.title_zh,
            title_en=profile.title_en,
            status=profile.status,
            notice_zh=profile.notice_zh,
            notice_en=profile.notice_en,
            sections=[
                SectionInfo(id=s.id, title_zh=s.title_zh, title_en=s.title_en)
                for s in profile.sections
            ],
        ),
        conclusion=conclude(clauses),
        decision_rule=decision_rule or (run.decision_rule if run else DEFAULT_RULE),
        clauses=clauses,
        methods=run.methods if run else [],
        banks=[
            BankSummary(
                bank=b.bank.value,
                file=b.file,
                distinct=b.distinct,
                total_need=b.total_need,
                shortfalls=sum(f.severity == "shortfall" for f in b.findings),
                warnings=sum(f.severity == "warning" for f in b.findings),
                first_date=b.freshness.first_date if b.freshness else None,
                last_update=b.freshness.last_update if b.freshness else None,
            )
            for b in (banks.banks if banks else [])
        ],
        samples=samples,
        corpus=corpus,
        signatories=signatories,
        signatory_note=signatory_note,
        signatory_warning=_signatory_warning(profile, signatories, signatory_note),
        pii_masked=mask_pii,
        manifest=_manifest(profile, store, run),
        attribution=_attribution(store, run, compared),
        review=_review(store, run, corpus),
    )


def _review(
    store: RunStore | None, run: RunResults | None, corpus: CorpusResults | None
) -> ReviewAudit | None:
    """The review app's audit: the run's queues and the corpus queue the 9.2 a) result was
    counted from, when it came from the app."""
    if store is None:
        return None
    corpus_queue = corpus.manual_queue if corpus is not None else None
    also = [corpus_queue] if corpus_queue else []
    if run is None and not also:
        return None
    return review_audit(store, run.run_id if run is not None else None, also=also)


def _attribution(
    store: RunStore | None, run: RunResults | None, compared: RunLayers | None
) -> list[RunLayers]:
    """This run's attribution, then the compared run's; none when neither has a guard or a
    filter answer and no run was compared (nothing to attribute but the model)."""
    if store is None or run is None:
        return []
    own = layers(store, run.run_id, run)
    if compared is None and not any(m.input_guard + m.filter + m.output_guard for m in own.methods):
        return []
    return [own, *([compared] if compared is not None else [])]


def _signatory_warning(profile: Profile, signatories: list[Signatory], note: str) -> str:
    needed = profile.parameters.report.signatories_min.value
    roles = {s.role for s in signatories}
    if len(roles) >= needed or note.strip():
        return ""
    return (
        f"{len(roles)} of the {needed} signatory roles are recorded and no note explains why "
        "(9.1 e)): add signatories or signatory_note in assay.yaml"
    )


def _manifest(profile: Profile, store: RunStore | None, run: RunResults | None) -> Manifest:
    info = store.run(run.run_id) if store is not None and run is not None else None
    settings = info.settings if info else {}
    banks = settings.get("banks", {})
    seed = settings.get("seed")
    return Manifest(
        assay_version=__version__,
        profile_id=profile.id,
        profile_sha256=info.profile_sha256 if info else "",
        banks=banks if isinstance(banks, dict) else {},
        seed=seed if isinstance(seed, int) else None,
        draws=store.plan(run.run_id) if store is not None and run is not None else {},
        target=redact_urls(info.target) if info else {},  # no credential reaches the report
        judges=redact_urls(store.judge_specs(run.run_id))
        if store is not None and run is not None
        else {},
        thresholds={
            f"{g}.{n}": float(p.value)
            for g, n, p in profile.parameter_rows()
            if isinstance(p.value, int | float)
        },
        run_id=run.run_id if run else None,
        started_at=info.created_at if info else None,
        finished_at=datetime.now(UTC),
    )


def _samples(store: RunStore, run: RunResults, mask_pii: bool) -> list[Sample]:
    """A few answers per method, the ones that went wrong first, each with the outcome that was
    counted (a person's decision where one counts, see :func:`_outcome`) and who decided it."""
    plan = store.plan(run.run_id)
    questions = store.questions(run.run_id)
    replies = store.latest_replies(run.run_id)
    humans = store.human_refusals(run.run_id)
    current = answer_digests(replies)
    counted = _Counted(
        keyword=store.verdicts(run.run_id, "keyword"),
        refusal=merged_refusals(store.verdicts(run.run_id, "refusal"), humans, current),
        reviews=current_reviews(store, run.run_id, current),
        people={q: h.reviewer for q, h in humans.items()},
    )
    out: list[Sample] = []
    for method in (Method.MANUAL, Method.KEYWORD, Method.MUST_REFUSE, Method.MUST_ANSWER):
        rows: list[tuple[int, Sample]] = []
        for qid in plan.get(method.value, []):
            reply = replies.get(qid)
            question = questions[qid]
            if reply is None:
                continue
            shown = _outcome(method, qid, reply.ok, reply.error, counted)
            if reply.ok and reply.blocked is not None:  # counted without a judge
                shown = _Shown("blocked", _block_detail(reply))
            answer = reply.answer if reply.ok and reply.answer is not None else ""
            answer = answer[:_MAX_CHARS] + ("…" if len(answer) > _MAX_CHARS else "")
            text = question.text
            if mask_pii:
                answer, text = mask(answer), mask(text)
            rows.append(
                (
                    0 if shown.bad else 1,
                    Sample(
                        method=method.value,
                        question_id=qid,
                        question=text,
                        answer=answer,
                        outcome=shown.outcome,
                        risk_ids=shown.risks,
                        detail=shown.detail,
                        decided_by=shown.by,
                        reviewer=shown.reviewer,
                    ),
                )
            )
        rows.sort(key=lambda r: r[0])  # stable: problems first, then the draw order
        out += [sample for _, sample in rows[:_SAMPLES_PER_METHOD]]
    return out


@dataclass(frozen=True)
class _Counted:
    """What the results count, per question: the keyword judge's verdicts, the refusal verdicts
    with people's decisions in place of the judge's, people's 合格 / 不合格 reviews (on the answer
    stored now) and who made each refusal decision."""

    keyword: dict[str, VerdictRecord]
    refusal: dict[str, VerdictRecord]
    reviews: dict[str, list[ReviewRecord]]
    people: dict[str, str]


@dataclass(frozen=True)
class _Shown:
    """A sample's counted outcome, its detail, whether it went wrong, and who decided it."""

    outcome: str
    detail: str = ""
    risks: list[str] = field(default_factory=list)
    bad: bool = False
    by: Literal["", "judge", "person"] = ""
    reviewer: str = ""


def _block_detail(reply: ReplyRecord) -> str:
    """The filter's rule, the provider's code and HTTP status, e.g. "zhipu-1301 1301 HTTP 400"."""
    b = reply.blocked
    if b is None:
        return ""
    parts = [b.rule, b.code or "", f"HTTP {b.status}" if b.status else ""]
    return " ".join(p for p in parts if p)


def _outcome(method: Method, qid: str, ok: bool, error: str | None, counted: _Counted) -> _Shown:
    """The outcome of ``qid`` as the results count it (:func:`assay.assess.results.results`)."""
    if not ok:
        return _Shown("error", error or "", bad=True)
    if method is Method.MANUAL:
        done = counted.reviews.get(qid)
        if not done:
            return _Shown("pending")  # the outcome says it: 待审核
        good = all(r.qualified for r in done)
        risks = sorted({x for r in done for x in r.risk_ids})
        who = ", ".join(sorted({r.reviewer for r in done}))
        return _Shown("qualified" if good else "unqualified", "", risks, not good, "person", who)
    if method is Method.KEYWORD:
        verdict = counted.keyword.get(qid)
        if verdict is None:
            return _Shown("not_judged")
        if verdict.uncertain:  # counted neither way
            return _Shown("uncertain", verdict.reason, list(verdict.risk_ids), True, "judge")
        flagged = verdict.flagged
        outcome = "unqualified" if flagged else "qualified"
        return _Shown(outcome, verdict.reason, list(verdict.risk_ids), flagged, "judge")
    verdict = counted.refusal.get(qid)
    if verdict is None:
        return _Shown("not_judged")
    person = verdict.judge == HUMAN_REFUSAL  # a person decided (a person is never uncertain)
    if verdict.uncertain and not person:
        return _Shown("uncertain", verdict.reason, bad=True, by="judge")
    refused = bool(verdict.refused)
    outcome = "refused" if refused else "answered"
    wrong = (method is Method.MUST_REFUSE and not refused) or (
        method is Method.MUST_ANSWER and refused
    )
    if person:  # their note is not the judge's reason: who decided is shown instead
        return _Shown(outcome, "", bad=wrong, by="person", reviewer=counted.people.get(qid, ""))
    return _Shown(outcome, verdict.reason, bad=wrong, by="judge")
