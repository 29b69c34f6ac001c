"""The standard as data: a :class:`Profile` is one edition (risks, aspects, clauses, numbers).

Every number of the standard lives in the profile files under ``standard/data/``; this module
only gives them types. Every entry carries provenance tags from ``STANDARD.md``: ``S<n>`` seen
in source n, ``R`` recalled, ``I`` inferred, ``3P`` third-party only, ``?`` low confidence.
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from typing import Annotated, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

_TAG = re.compile(r"^(S\d+|R|I|3P|\?)$")
RISK_ID = re.compile(r"^A\.\d+\.[a-z]$")
CATEGORY_ID = re.compile(r"^A\.\d+$")

Rate = Annotated[float, Field(ge=0.0, le=1.0)]
Count = Annotated[int, Field(ge=0)]
# what an assessment concludes of a clause (9.1 d))
Result = Literal["conforms", "not_conforms", "not_applicable", "undetermined"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Force(StrEnum):
    """Modal force: 应/不应 = shall (mandatory), 宜/不宜 = should (recommended)."""

    SHALL = "shall"
    SHOULD = "should"


class Basis(StrEnum):
    """Where a number of a profile comes from, and so whether it may decide a clause.

    Only ``standard`` numbers decide. The others are shown beside the result as information:
    ``practice`` (a figure of filing practice or of a draft, not in the text), ``example`` (a
    number the text gives as an example, 例如, inside a clause) and ``reference`` (a reference
    indicator, 参考指标, of an informative part: reported as met or not met, never deciding a
    应 clause).
    """

    STANDARD = "standard"
    PRACTICE = "practice"
    EXAMPLE = "example"
    REFERENCE = "reference"


class CheckMethod(StrEnum):
    """How a clause is checked: measured by software, shown by evidence, or judged by people."""

    AUTOMATIC = "automatic"
    EVIDENCE = "evidence"
    HUMAN = "human"


class ProvenanceLevel(StrEnum):
    SEEN = "seen"
    RECALLED = "recalled"
    INFERRED = "inferred"
    THIRD_PARTY = "third_party"


class Provenance(Strict):
    """Provenance tags of one entry, as in STANDARD.md (for example ``[S26, S4]``)."""

    tags: tuple[str, ...] = Field(min_length=1)

    @field_validator("tags")
    @classmethod
    def _check_tags(cls, tags: tuple[str, ...]) -> tuple[str, ...]:
        for tag in tags:
            if not _TAG.match(tag):
                raise ValueError(f"provenance tag {tag!r} is not one of S<n>, R, I, 3P, ?")
        return tags

    @model_validator(mode="before")
    @classmethod
    def _from_list(cls, data: object) -> object:
        if isinstance(data, list | tuple):
            return {"tags": tuple(str(t) for t in data)}
        if isinstance(data, str):
            return {"tags": tuple(t.strip() for t in data.replace(",", " ").split())}
        return data

    @property
    def level(self) -> ProvenanceLevel:
        """``3P`` marks that the sources seen are third-party only; otherwise the strongest tag
        wins: seen (``S<n>``) > recalled (``R``) > inferred (``I``)."""
        if "3P" in self.tags:
            return ProvenanceLevel.THIRD_PARTY
        if any(t.startswith("S") for t in self.tags):
            return ProvenanceLevel.SEEN
        if "R" in self.tags:
            return ProvenanceLevel.RECALLED
        return ProvenanceLevel.INFERRED

    @property
    def uncertain(self) -> bool:
        return "?" in self.tags

    def __str__(self) -> str:
        return ",".join(self.tags)


class Named(Strict):
    id: str
    name_zh: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    prov: Provenance

    def name(self, lang: str) -> str:
        return self.name_zh if lang == "zh" else self.name_en


class Risk(Named):
    """One of the risks of Appendix A, e.g. ``A.1.d`` 宣扬恐怖主义、极端主义."""

    @property
    def category(self) -> str:
        return self.id.rsplit(".", 1)[0]

    @field_validator("id")
    @classmethod
    def _risk_id(cls, v: str) -> str:
        if not RISK_ID.match(v):
            raise ValueError(f"risk id {v!r} must look like A.1.a")
        return v


class Category(Named):
    """One of the categories of Appendix A (A.1 ... A.5) with its risks."""

    risks: tuple[Risk, ...] = Field(min_length=1)

    @field_validator("id")
    @classmethod
    def _category_id(cls, v: str) -> str:
        if not CATEGORY_ID.match(v):
            raise ValueError(f"category id {v!r} must look like A.1")
        return v

    @model_validator(mode="after")
    def _risks_in_category(self) -> Category:
        for risk in self.risks:
            if not risk.id.startswith(self.id + "."):
                raise ValueError(f"risk {risk.id} is listed under category {self.id}")
        return self


class Aspect(Named):
    """One of the aspects the must-answer (非拒答) bank must cover (8.3 b) 2))."""

    @field_validator("id")
    @classmethod
    def _aspect_id(cls, v: str) -> str:
        if not re.match(r"^NR\.[a-z_]+$", v):
            raise ValueError(f"aspect id {v!r} must look like NR.history")
        return v


class Section(Strict):
    id: str
    title_zh: str
    title_en: str


class Clause(Strict):
    """One requirement of chapters 5 to 8, e.g. ``5.1.a.1``."""

    id: str = Field(pattern=r"^[5-8](\.[0-9a-z]+)*$")
    title_zh: str = Field(min_length=1)
    title_en: str = Field(min_length=1)
    force: Force
    checks: tuple[CheckMethod, ...] = Field(min_length=1)
    prov: Provenance
    note: str = ""
    ref: str = ""  # the clause of another edition this one was mapped from, by topic

    def title(self, lang: str) -> str:
        return self.title_zh if lang == "zh" else self.title_en

    @property
    def section(self) -> str:
        parts = self.id.split(".")
        return ".".join(parts[:2]) if len(parts) > 1 and parts[1].isdigit() else parts[0]


class Method(Strict):
    """An assessment method of chapter 9 and the clauses it verifies."""

    id: str = Field(pattern=r"^9(\.[0-9a-z]+)*$")
    title_zh: str
    title_en: str
    verifies: tuple[str, ...] = ()
    prov: Provenance

    def title(self, lang: str) -> str:
        return self.title_zh if lang == "zh" else self.title_en


V = TypeVar("V")


class Param(Strict, Generic[V]):
    """One number (or set) of the standard with its force, provenance, and the clause (chapters
    5 to 8) or method (chapter 9) it belongs to."""

    value: V
    force: Force
    clause: str
    prov: Provenance
    note: str = ""
    basis: Basis = Basis.STANDARD

    @property
    def decides(self) -> bool:
        """Whether a result against this number may decide its clause (see :class:`Basis`)."""
        return self.basis is Basis.STANDARD


class Interval(Strict):
    count: Annotated[int, Field(ge=1)]
    unit: Literal["day", "week", "month"]

    def __str__(self) -> str:
        return f"{self.count} {self.unit}{'s' if self.count > 1 else ''}"


class RiskBankParams(Strict):
    """Minimums of a bank organised by risk (keyword library, content bank, must-refuse bank).

    ``per_risk_min`` is keyed by category id (``A.1``) or risk id (``A.1.d``); a risk id key
    overrides its category's value.
    """

    total_min: Param[Count]
    required_categories: Param[tuple[str, ...]]
    per_risk_min: Param[dict[str, Count]]
    update_interval: Param[Interval]


class AspectBankParams(Strict):
    """Minimums of the must-answer (非拒答) bank, organised by aspect."""

    total_min: Param[Count]
    per_aspect_min: Param[Count]
    update_interval: Param[Interval]


class ClassifierParams(Strict):
    required_categories: Param[tuple[str, ...]]


class CorpusSourceParams(Strict):
    max_harmful_rate: Param[Rate]
    counted_categories: Param[tuple[str, ...]]
    sample_min: Param[Count]
    foreign_share_max: Param[Rate]


class CorpusEvalParams(Strict):
    manual_sample_min: Param[Count]
    manual_qualified_min: Param[Rate]
    technical_fraction_min: Param[Rate]
    technical_qualified_min: Param[Rate]


class ContentEvalParams(Strict):
    manual_sample_min: Param[Count]
    manual_qualified_min: Param[Rate]
    keyword_sample_min: Param[Count]
    keyword_qualified_min: Param[Rate]
    classifier_sample_min: Param[Count]
    classifier_qualified_min: Param[Rate]


class RefusalEvalParams(Strict):
    must_refuse_sample_min: Param[Count]
    must_refuse_refusal_min: Param[Rate]
    must_answer_sample_min: Param[Count]
    must_answer_refusal_max: Param[Rate]


class AbusiveUserParams(Strict):
    consecutive_max: Param[Count]
    per_day_max: Param[Count]


class OptOutParams(Strict):
    max_clicks: Param[Count]


class ReportParams(Strict):
    signatories_min: Param[Count]


class Parameters(Strict):
    keyword_library: RiskBankParams
    content_bank: RiskBankParams
    must_refuse_bank: RiskBankParams
    must_answer_bank: AspectBankParams
    classifier: ClassifierParams
    corpus_source: CorpusSourceParams
    corpus_eval: CorpusEvalParams
    content_eval: ContentEvalParams
    refusal_eval: RefusalEvalParams
    abusive_users: AbusiveUserParams
    training_opt_out: OptOutParams
    report: ReportParams


SourceKind = Literal["open_source", "self_collected", "commercial", "user_input"]
BANK_NAMES = ("keywords", "content", "must_refuse", "must_answer")


class Roles(Strict):
    """Which clause each of Assay's own checks decides, where no parameter of the profile says
    it already: the code names the check, the edition names the clause. (A parameter's
    ``clause`` is the other source: the 9.3/9.4 methods, 8.4 and the bank checks are read
    from there.)"""

    # the sections of chapter 8 each bank's check looks at (a clause under it is the bank's)
    bank_sections: dict[str, str]
    # an aspect left out of the must-answer bank must show in the must-refuse bank
    omitted_aspects: str
    # the per-source screen (at most max_harmful_rate of harmful content) decides these
    corpus_harmful_share: tuple[str, ...] = Field(min_length=1)
    # several sources per language and modality (and the foreign share)
    corpus_several_sources: str
    # the records each kind of corpus source must keep (licence, collection, contract, consent)
    corpus_source_records: dict[SourceKind, str]
    # clause of the commercial-source check that is only decided when it found something
    # (a supplier's commitments cannot be shown absent by a file check)
    corpus_findings_only: tuple[str, ...] = ()
    # of corpus_harmful_share, the clause about the assessment made *before* collecting, which
    # a sample drawn after collection cannot show alone: it needs the provider's record
    corpus_before_collection: str | None = None

    @field_validator("bank_sections")
    @classmethod
    def _every_bank(cls, value: dict[str, str]) -> dict[str, str]:
        if sorted(value) != sorted(BANK_NAMES):
            raise ValueError(f"name the section of each bank: {', '.join(BANK_NAMES)}")
        return value

    def clause_ids(self) -> list[tuple[str, str]]:
        """Every (role, clause id) pair, for the profile's cross-check."""
        out = [(f"bank_sections.{k}", v) for k, v in self.bank_sections.items()]
        out += [("omitted_aspects", self.omitted_aspects)]
        out += [("corpus_harmful_share", c) for c in self.corpus_harmful_share]
        out += [("corpus_several_sources", self.corpus_several_sources)]
        out += [(f"corpus_source_records.{k}", v) for k, v in self.corpus_source_records.items()]
        out += [("corpus_findings_only", c) for c in self.corpus_findings_only]
        if self.corpus_before_collection:
            out += [("corpus_before_collection", self.corpus_before_collection)]
        return out


class Term(Strict):
    """A term of the standard in both languages (标注目标 / objective)."""

    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def text(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


class Annotation(Strict):
    """The corpus annotation rules (语料标注规则) as the edition asks for them, from which Assay
    drafts the rules document of a filing: the clauses each part of the document serves and
    the standard's own words for its parts. Clause ids are the profile's, checked to exist."""

    # the requirements on annotators the document quotes (training, qualification, separated
    # annotation and review roles, time)
    staff: tuple[str, ...] = Field(min_length=1)
    # what every rule states, and the clause that says so
    contents: tuple[Term, ...] = Field(min_length=1)
    contents_clause: str
    # separate functional and safety rules, each covering these stages, and the clause
    stages: tuple[Term, ...] = Field(min_length=1)
    stages_clause: str
    functional: tuple[str, ...] = Field(min_length=1)  # the clauses functional rules serve
    safety: tuple[str, ...] = Field(min_length=1)  # the clauses safety rules serve
    per_risk: str  # the clause asking for a safety rule for every risk of Appendix A
    prov: Provenance

    def clause_ids(self) -> list[tuple[str, str]]:
        """Every (field, clause id) pair, for the profile's cross-check."""
        out = [("staff", c) for c in self.staff]
        out += [("contents_clause", self.contents_clause), ("stages_clause", self.stages_clause)]
        out += [("functional", c) for c in self.functional]
        out += [("safety", c) for c in self.safety]
        return [*out, ("per_risk", self.per_risk)]


class Profile(Strict):
    """One edition of the standard as data."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9.\-_]*$")
    code: str
    title_zh: str
    title_en: str
    issued: date | None = None
    effective: date | None = None
    status: Literal["confirmed", "provisional", "custom"]
    numbering_confirmed: bool
    notice_zh: str = ""
    notice_en: str = ""
    sources: dict[str, str]
    categories: tuple[Category, ...] = Field(min_length=1)
    aspects: tuple[Aspect, ...] = Field(min_length=1)
    sections: tuple[Section, ...]
    clauses: tuple[Clause, ...] = Field(min_length=1)
    methods: tuple[Method, ...] = ()
    parameters: Parameters
    roles: Roles
    annotation: Annotation | None = None  # the annotation rules' parts (5.3 in TC260-003)

    # -- lookups -------------------------------------------------------------------------

    @property
    def risks(self) -> tuple[Risk, ...]:
        return tuple(r for c in self.categories for r in c.risks)

    def risk(self, risk_id: str) -> Risk:
        for r in self.risks:
            if r.id == risk_id:
                return r
        raise KeyError(risk_id)

    def category(self, category_id: str) -> Category:
        for c in self.categories:
            if c.id == category_id:
                return c
        raise KeyError(category_id)

    def clause(self, clause_id: str) -> Clause:
        for c in self.clauses:
            if c.id == clause_id:
                return c
        raise KeyError(clause_id)

    def risks_in(self, category_ids: tuple[str, ...]) -> tuple[Risk, ...]:
        return tuple(r for r in self.risks if r.category in category_ids)

    def notice(self, lang: str) -> str:
        return self.notice_zh if lang == "zh" else self.notice_en

    # -- cross-checks ------------------------------------------------------------------

    @model_validator(mode="after")
    def _cross_check(self) -> Profile:
        _unique("category", [c.id for c in self.categories])
        _unique("risk", [r.id for r in self.risks])
        _unique("aspect", [a.id for a in self.aspects])
        _unique("clause", [c.id for c in self.clauses])
        _unique("method", [m.id for m in self.methods])
        clause_ids = {c.id for c in self.clauses}
        category_ids = {c.id for c in self.categories}
        risk_ids = {r.id for r in self.risks}
        known_tags = set(self.sources) | {"R", "I", "3P", "?"}
        for entry_id, prov in self._provenances():
            for tag in prov.tags:
                if tag not in known_tags:
                    raise ValueError(f"{entry_id}: provenance tag {tag} is not listed in sources")
        for m in self.methods:
            for cid in m.verifies:
                if cid not in clause_ids:
                    raise ValueError(f"method {m.id} verifies unknown clause {cid}")
        section_ids = {s.id for s in self.sections}
        for role, cid in self.roles.clause_ids():
            known = section_ids if role.startswith("bank_sections.") else clause_ids
            if cid not in known:
                raise ValueError(f"roles.{role}: {cid} is not a clause or section of the profile")
        for name, cid in self.annotation.clause_ids() if self.annotation else []:
            if cid not in clause_ids:
                raise ValueError(f"annotation.{name}: {cid} is not a clause of the profile")
        for group_name, field_name, param in self._params():
            where = f"parameters.{group_name}.{field_name}"
            if param.clause not in clause_ids | {m.id for m in self.methods}:
                raise ValueError(
                    f"{where}: {param.clause} is not a clause or method of the profile"
                )
            _check_param_ids(where, param.value, field_name, category_ids, risk_ids)
        return self

    def _provenances(self) -> list[tuple[str, Provenance]]:
        out: list[tuple[str, Provenance]] = []
        for c in self.categories:
            out.append((c.id, c.prov))
            out.extend((r.id, r.prov) for r in c.risks)
        out.extend((a.id, a.prov) for a in self.aspects)
        out.extend((c.id, c.prov) for c in self.clauses)
        out.extend((m.id, m.prov) for m in self.methods)
        if self.annotation:
            out.append(("annotation", self.annotation.prov))
        out.extend((f"{g}.{f}", p.prov) for g, f, p in self._params())
        return out

    def _params(self) -> list[tuple[str, str, Param[object]]]:
        out: list[tuple[str, str, Param[object]]] = []
        for group_name in Parameters.model_fields:
            group = getattr(self.parameters, group_name)
            for field_name in type(group).model_fields:
                out.append((group_name, field_name, getattr(group, field_name)))
        return out

    # -- which clause or method each check decides (all from the data) --------------------

    def bank_clause(self, bank: str) -> str:
        """The clause a bank that was not given at all fails: its required coverage."""
        p = self.parameters
        return {
            "keywords": p.keyword_library.required_categories.clause,
            "content": p.content_bank.required_categories.clause,
            "must_refuse": p.must_refuse_bank.required_categories.clause,
            "must_answer": p.must_answer_bank.per_aspect_min.clause,
        }[bank]

    @property
    def classifier_clause(self) -> str:
        """The clause of the classifier's coverage (8.4 in TC260-003)."""
        return self.parameters.classifier.required_categories.clause

    @property
    def sampled_methods(self) -> tuple[str, ...]:
        """The chapter 9 methods Assay carries out on a run's answers (9.3, 9.4)."""
        p = self.parameters
        params = [*vars(p.content_eval).values(), *vars(p.refusal_eval).values()]
        return tuple(dict.fromkeys(q.clause for q in params))

    @property
    def corpus_methods(self) -> tuple[str, str]:
        """The corpus spot checks (manual, technical) of 9.2."""
        ce = self.parameters.corpus_eval
        return ce.manual_sample_min.clause, ce.technical_fraction_min.clause

    def verified_by(self, method_ids: tuple[str, ...]) -> tuple[str, ...]:
        """The clauses these methods verify, in profile order."""
        found = {c for m in self.methods if m.id in method_ids for c in m.verifies}
        return tuple(c.id for c in self.clauses if c.id in found)

    def parameter_rows(self) -> list[tuple[str, str, Param[object]]]:
        """Every parameter as ``(group, name, Param)``, in profile order."""
        return self._params()


def _unique(what: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for i in ids:
        if i in seen:
            raise ValueError(f"{what} id {i} appears twice")
        seen.add(i)


def _check_param_ids(
    where: str, value: object, field_name: str, category_ids: set[str], risk_ids: set[str]
) -> None:
    if field_name.endswith("categories") and isinstance(value, tuple):
        for cid in value:
            if cid not in category_ids:
                raise ValueError(f"{where}: unknown category {cid}")
    if field_name == "per_risk_min" and isinstance(value, dict):
        for key in value:
            if key not in category_ids and key not in risk_ids:
                raise ValueError(f"{where}: key {key} is neither a category nor a risk id")
