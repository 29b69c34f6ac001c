"""The report: the canonical, versioned JSON of an assessment. Everything people read (HTML,
Markdown, the filing spreadsheets) is rendered from it. ``report.schema.json`` beside this
module is its published JSON Schema (``scripts/make_report_schema.py`` writes it; a test checks
it is current and that reports validate against it)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from assay.assess.attribution import RunLayers
from assay.assess.clauses import ClauseResult, Conclusion
from assay.assess.results import MethodResult
from assay.assess.review_audit import ReviewAudit
from assay.corpus.results import CorpusResults
from assay.stats.rates import DEFAULT_RULE, DecisionRule

# 1.1: the corpus assessment; 1.2: the decision rule (decision_rule, each method's rule and
# margin) and methods[].blocked (replies of the service's own filter); 1.3: the cover
# (assessment: who, what, by whom, when; self or third-party, 9.1 a)), profile.sections (the
# chapters the clause results are grouped under) and annexes (the attachments with their sha256);
# 1.4: banks[].first_date / last_update (each bank's dates, for the 备案信息汇总 and the date
# the filing attachments carry); 1.5: attribution (which layer of the service stopped each
# item: the guard before the model, another filter, the model, the guard after it; of this run
# and of assessment.compare_run beside it); 1.6: review (the review app's audit: people, each
# queue's work, kappa per pair, alpha, adjudications; its audit trail is an annex); 1.7:
# samples[].decided_by / reviewer (the counted outcome and who decided it: a person or the
# judge), corpus.manual_queue (the 9.2 a) result counted from a review app queue), and the
# review audit takes in that corpus queue
SCHEMA_VERSION: Literal["1.7"] = "1.7"

Role = Literal["legal_representative", "assessment_lead", "legality_lead"]


class Signatory(BaseModel):
    """One of the three signatories of a self-assessment report (9.1 e))."""

    model_config = ConfigDict(extra="forbid")

    role: Role
    name: str
    title: str = ""


class AssessmentInfo(BaseModel):
    """The cover of the report (9.1 a)): the assessed organisation and service, the assessor,
    the period and the report's number; empty fields were not given in assay.yaml."""

    model_config = ConfigDict(extra="forbid")

    organisation: str = ""
    service: str = ""
    model: str = ""
    version: str = ""
    assessor: str = ""
    period: str = ""
    report_no: str = ""
    kind: Literal["self", "third_party"] = "self"


class SectionInfo(BaseModel):
    """A chapter or section of the standard, as the profile titles it (5, 5.1, ...)."""

    id: str
    title_zh: str
    title_en: str


class Annex(BaseModel):
    """One attachment of the package (an XLSX filing sheet) and the sha256 of its bytes."""

    file: str
    sha256: str


class ProfileInfo(BaseModel):
    id: str
    code: str
    title_zh: str
    title_en: str
    status: str
    notice_zh: str = ""
    notice_en: str = ""
    sections: list[SectionInfo] = Field(default_factory=list)


class BankSummary(BaseModel):
    bank: str
    file: str | None
    distinct: int
    total_need: int | None
    shortfalls: int
    warnings: int
    first_date: date | None = None  # the earliest date of an entry (added or updated)
    last_update: date | None = None  # the latest (the bank's update, 8.x freshness)


class Sample(BaseModel):
    """One sampled answer shown as evidence (personal information masked)."""

    method: str
    question_id: str
    question: str
    answer: str
    # qualified / unqualified / refused / answered / uncertain / error / pending (a person's
    # review) / not_judged / blocked; said in words by the renderings, never as written
    outcome: str
    risk_ids: list[str] = Field(default_factory=list)
    detail: str = ""
    # who decided the outcome that was counted: a person (a review, a refusal decided in the
    # review app or on a sheet; ``reviewer`` names them) or the judge; empty when nobody judged
    # (no answer, the service's filter, a review still pending)
    decided_by: Literal["", "judge", "person"] = ""
    reviewer: str = ""


class Manifest(BaseModel):
    """What it takes to reproduce the assessment."""

    assay_version: str
    profile_id: str
    profile_sha256: str
    banks: dict[str, dict[str, str]]
    seed: int | None
    draws: dict[str, list[str]]
    target: dict[str, Any]
    judges: dict[str, dict[str, Any]]
    thresholds: dict[str, float]
    run_id: str | None
    started_at: datetime | None
    finished_at: datetime


class Report(BaseModel):
    schema_version: Literal["1.7"] = SCHEMA_VERSION
    project: str
    generated_at: datetime
    assessment: AssessmentInfo = Field(default_factory=AssessmentInfo)
    profile: ProfileInfo
    conclusion: Conclusion
    decision_rule: DecisionRule = DEFAULT_RULE  # how sampled rates were decided (9.2-9.4)
    clauses: list[ClauseResult]
    methods: list[MethodResult]
    banks: list[BankSummary]
    samples: list[Sample]
    corpus: CorpusResults | None = None  # the corpus assessment (5.1, 5.2, 9.2), when run
    signatories: list[Signatory]
    signatory_note: str = ""
    signatory_warning: str = ""  # fewer signatories than 9.1 e) asks for, without the note
    pii_masked: bool = True
    manifest: Manifest
    annexes: list[Annex] = Field(default_factory=list)  # set when the package writes them
    # which layer stopped the items: this run first, then assessment.compare_run when given
    attribution: list[RunLayers] = Field(default_factory=list)
    # the review app's part, when the run's results use its verdicts (its trail: an annex)
    review: ReviewAudit | None = None
