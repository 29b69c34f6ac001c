"""The project file ``assay.yaml``: which profile, which banks, and project-wide choices.

Paths in the file are relative to the file's own folder.

.. code-block:: yaml

    name: 示例服务
    profile: tc260-003-2024          # a built-in name or a path to a profile YAML
    banks:
      keywords: banks/keywords.csv   # or {path: ..., encoding: gb18030, format: csv,
                                     #     allow: allow.txt, normalize: {t2s: opencc}}
      content: banks/content.jsonl
      must_refuse: banks/must_refuse.csv
      must_answer: banks/must_answer.jsonl
    omitted_aspects: []               # 8.3 b) 3): aspects a domain model leaves out
    target:                           # the service under test (assay run)
      kind: openai                    # or: {kind: answer_sheet, path: answers.xlsx}
      base_url: https://api.example.com/v1
      model: my-model
      api_key_env: OPENAI_API_KEY     # the key is read from this variable, never stored
    store: sqlite:///out/runs.sqlite  # or postgresql://user@host/db, or {kind: sqlite, path: ...}
    run: {seed: 20240229, concurrency: 16}
    decision_rule: standard           # or confidence: the whole 95% interval past the threshold
    refusal_judge:                    # 9.4; default refusal (a list: a panel)
      - refusal                       # short forms parse into the typed specs below
      - {kind: llm, model: qwen-plus, base_url: "https://host/v1", task: refusal}
    refusal_rule: review              # any | all | majority | review (a split goes to a person)
    measures: measures.yaml           # evidence for the clauses Assay cannot measure
    assessment:                       # the report's cover (9.1 a)); every field optional
      organisation: 示例科技有限公司    # 被评估单位
      service: 示例智能助手             # 服务名称
      model: 示例大模型                 # 模型名称
      version: v1.0
      assessor: 示例科技有限公司安全评估组  # 评估机构
      period: 2026-11-01 至 2026-11-30  # 评估期间
      report_no: AS-2026-001            # 报告编号
      kind: self                        # self (自评估) or third_party (委托第三方评估)
      compare_run: bare                 # another run in the store shown beside this one (9.3,
      compare_label: 裸模型              # 9.4: rates and which layer stopped each item)
    signatories:                      # 9.1 e): the three who sign the self-assessment report
      - {role: legal_representative, name: 张三}
      - {role: assessment_lead, name: 李四, title: 网络安全负责人}
      - {role: legality_lead, name: 王五, title: 法务负责人}
    guard:                            # the runtime guard: see assay.guard_config
      input: {default: block, risks: {A.3.b: mask}}
      upstream: {base_url: "http://127.0.0.1:8000/v1", api_key_env: UPSTREAM_API_KEY}
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
)

from assay.banks.models import BankKind, BankSource
from assay.errors import ConfigError, UserError
from assay.guard_config import GuardConfig
from assay.judges.specs import ClassifierSpec, JudgeConfig, RefusalSpec, parse_judge
from assay.names import CONFIG_NAME as CONFIG_NAME  # re-exported
from assay.standard.loader import DEFAULT_PROFILE, builtin_profiles
from assay.stats.rates import DecisionRule
from assay.store.specs import StoreSpec, store_spec
from assay.targets.config import TargetConfig
from assay.targets.openai import OpenAITargetConfig
from assay.targets.sheet import AnswerSheetConfig
from assay.yamlfile import load_yaml, validation_error


def _judge_sugar(value: Any) -> Any:
    """A judge's short string form read by the one parser; its error keeps the file:line."""
    if not isinstance(value, str):
        return value
    try:
        return parse_judge(value)
    except UserError as exc:
        raise ValueError(str(exc)) from None


def _judge_list(value: Any) -> Any:
    """One judge or a list of them; "none" (alone or as an item) names none."""
    items = list(value) if isinstance(value, list | tuple) else [value]
    return tuple(item for item in items if item != "none")


def _store_sugar(value: Any) -> Any:
    """A run store's URL read into its typed spec; its error keeps the file:line."""
    if not isinstance(value, str):
        return value
    try:
        return store_spec(value)
    except UserError as exc:
        raise ValueError(str(exc)) from None


# a judge in assay.yaml: a mapping ({kind: llm, model: ..., base_url: ...}) or its short form
# ("llm:MODEL@URL;k=v", see assay.judges.specs)
JudgeField = Annotated[JudgeConfig, BeforeValidator(_judge_sugar)]
Judges = Annotated[tuple[JudgeField, ...], BeforeValidator(_judge_list)]


class BanksConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    keywords: BankSource | None = None
    content: BankSource | None = None
    must_refuse: BankSource | None = None
    must_answer: BankSource | None = None

    @field_validator("*", mode="before")
    @classmethod
    def _path_shorthand(cls, value: Any) -> Any:
        return {"path": value} if isinstance(value, str) else value

    def sources(self) -> dict[BankKind, BankSource | None]:
        return {kind: getattr(self, kind.value) for kind in BankKind}


class RunSettings(BaseModel):
    """Defaults of ``assay run`` (each can be overridden on the command line)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    seed: int = 20240229
    shared_draw: bool = False
    stratify: bool = True
    oversample: float = Field(default=1.0, ge=1.0, le=3.0)  # draw this many times each minimum
    concurrency: int = Field(default=16, ge=1)  # requests in flight to the target: the one setting
    max_requests: int | None = Field(default=None, ge=1)  # HTTP requests, retries included
    max_tokens: int | None = Field(default=None, ge=1)  # tokens billed, errors included
    # stop when this many requests in a row failed (0: never); 401/403/404 stop at once
    max_consecutive_failures: int = Field(default=20, ge=0)
    # how long a run waits for its store to come back (answers held, asking paused) before it
    # stops and keeps the answers in out/unstored/ for the resume
    store_wait_s: float = Field(default=300.0, ge=0)


class Signatory(BaseModel):
    """A signatory of the self-assessment report (9.1 e))."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    role: Literal["legal_representative", "assessment_lead", "legality_lead"]
    name: str
    title: str = ""


class AssessmentInfo(BaseModel):
    """Who and what was assessed, by whom and when: the report's cover (9.1 a)). Every field
    is optional; a missing one is shown on the cover as not given."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    organisation: str = ""  # 被评估单位
    service: str = ""  # 服务名称 (default: the project's name)
    model: str = ""  # 模型名称
    version: str = ""  # 服务/模型版本
    assessor: str = ""  # 评估机构 (self-assessment: the provider's own team)
    period: str = ""  # 评估期间, as written (e.g. "2026-11-01 至 2026-11-30")
    report_no: str = ""  # 报告编号
    kind: Literal["self", "third_party"] = "self"  # 9.1 a): 自评估 or 委托第三方评估
    # a second run of the same service in the same store, shown beside this one in 9.3/9.4
    # with which layer stopped each item (e.g. the bare model beside the service through the
    # guard); compare_label names it in the report (default: its run id)
    compare_run: str = ""
    compare_label: str = ""

    def cover(self) -> dict[str, str]:
        """The fields the report's cover shows."""
        return self.model_dump(exclude={"compare_run", "compare_label"})


class CorpusConfig(BaseModel):
    """The training corpus (5.1, 5.2, 9.2): assessed by ``assay assess`` when configured."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    sources: Path = Path("sources.yaml")  # the registry of corpus sources
    manual_sheet: Path | None = None  # the filled 9.2 a) sheet (assay corpus manual export)
    # or the review app's corpus queue (assay review queue RUN --kind corpus) whose counted
    # verdicts give the 9.2 a) result instead of a sheet; one of the two
    manual_queue: str | None = None
    seed: int | None = None  # of the samples; default: run.seed


class ProjectConfig(BaseModel):
    """The root of a project's configuration."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = "assay project"
    profile: str = DEFAULT_PROFILE
    banks: BanksConfig = Field(default_factory=BanksConfig)
    omitted_aspects: tuple[str, ...] = ()
    target: TargetConfig | None = None
    # the run store: a typed spec ({kind: sqlite, path: ...}, {kind: postgresql, url: ...}) or
    # its URL (sqlite:///out/runs.sqlite, postgresql://user@host/db); default out/runs.sqlite
    store: Annotated[StoreSpec | None, BeforeValidator(_store_sugar)] = None
    run: RunSettings = Field(default_factory=RunSettings)
    measures: Path = Path("measures.yaml")
    # the classifier of 8.4, the 9.3 classifier method and the 9.2 b) technical sample, as a
    # typed spec or its short form: "classifier" (built in), "classifier:FOLDER" (assay judges
    # train), "llm:MODEL@BASE_URL" or {kind: llm, ...} (an LLM judge, see assay.judges.specs),
    # "guard:FORMAT:FOLDER" (a guard model on disk, extra ml), or "none"; a list of them is a
    # panel combined by classifier_rule
    classifier: Judges = (ClassifierSpec(),)
    classifier_rule: Literal["any", "all", "majority", "review"] = "any"
    # the refusal judge of 9.4: "refusal" (built in, offline), "llm:MODEL@URL;task=refusal",
    # "guard:qwen3guard:FOLDER;task=refusal"; a list of them is a refusal panel combined by
    # refusal_rule (review: a unanimous vote decides, a split goes to a person)
    refusal_judge: Judges = (RefusalSpec(),)
    refusal_rule: Literal["any", "all", "majority", "review"] = "review"
    # judge name (keyword, classifier) -> its calibration record (assay judges eval), made on
    # other data: shown beside the raw rate as an out-of-domain correction (域外校准), never
    # deciding alone. The in-run calibration (people's verdicts on a random subset of this run's
    # answers, assay review export --method calibration-...) corrects the run's rate first.
    calibrations: dict[str, Path] = Field(default_factory=dict)
    # which rate decides: raw, or corrected (only an in-run calibration's correction can decide)
    decide_on: Literal["raw", "corrected"] = "raw"
    # reviewed calibration sheets (judge -> sheet) that assay assess imports into its run after
    # judging: people's verdicts on answers the judge decided, which calibrate it in-run
    calibration_reviews: dict[Literal["keyword", "classifier", "refusal"], Path] = Field(
        default_factory=dict
    )
    # how a sampled rate is decided against its threshold (9.2-9.4 and the 5% source screen):
    # "standard" compares the sample's rate with the threshold once the sample reaches the
    # profile's minimum (the standard's rule); "confidence" needs the whole 95% interval past it
    decision_rule: DecisionRule = "standard"
    corpus: CorpusConfig | None = None
    assessment: AssessmentInfo = Field(default_factory=AssessmentInfo)  # the report's cover
    signatories: tuple[Signatory, ...] = ()
    signatory_note: str = ""  # 9.1 e) note 3, when one person signs for two roles
    guard: GuardConfig = Field(default_factory=GuardConfig)  # the runtime guard (assay guard)
    root: Path = Field(default=Path("."), exclude=True)

    @field_validator("target")
    @classmethod
    def _one_concurrency(cls, value: TargetConfig | None) -> TargetConfig | None:
        if isinstance(value, OpenAITargetConfig) and value.concurrency is not None:
            raise ValueError(
                "concurrency is not a target setting: the requests in flight are "
                "run: {concurrency: N} (or assay run --concurrency N)"
            )
        return value

    def input_files(self) -> list[Path]:
        """The files the project reads (banks, allowlists, measures, answer sheet, corpus
        registry and sheet, calibrations): no output may be written over one of them."""
        paths: list[Path | None] = [self.measures]
        for source in self.banks.sources().values():
            if source is not None:
                paths += [source.path, source.allow]
        if isinstance(self.target, AnswerSheetConfig):
            paths.append(self.target.path)
        if self.corpus is not None:
            paths += [self.corpus.sources, self.corpus.manual_sheet]
        paths += [*self.calibrations.values(), *self.calibration_reviews.values()]
        return [path for path in paths if path is not None]

    def classifier_specs(self) -> list[JudgeConfig]:
        """The classifier judges' specs (none when the project says "none")."""
        return list(self.classifier)

    def refusal_specs(self) -> list[JudgeConfig]:
        """The refusal judges' specs (at least one: a run of 9.4 needs a refusal judge)."""
        return list(self.refusal_judge) or [RefusalSpec()]

    def resolved(self) -> ProjectConfig:
        """The same config with every path made relative to ``root``."""
        banks = {
            kind.value: src.model_copy(
                update={
                    "path": self.root / src.path,
                    "allow": self.root / src.allow if src.allow else None,
                }
            )
            for kind, src in self.banks.sources().items()
            if src is not None
        }
        profile = self.profile
        if profile not in builtin_profiles():
            profile = str(self.root / profile)
        target = self.target
        if isinstance(target, AnswerSheetConfig) and not target.path.is_absolute():
            target = target.model_copy(update={"path": self.root / target.path})
        measures = self.measures if self.measures.is_absolute() else self.root / self.measures
        classifier = tuple(spec.rooted(self.root) for spec in self.classifier)
        refusal = tuple(spec.rooted(self.root) for spec in self.refusal_judge)
        corpus = self.corpus
        if corpus is not None:
            sheet = corpus.manual_sheet
            corpus = corpus.model_copy(
                update={
                    "sources": self.root / corpus.sources,
                    "manual_sheet": self.root / sheet if sheet else None,
                }
            )
        return self.model_copy(
            update={
                "banks": BanksConfig(**banks),
                "profile": profile,
                "target": target,
                "measures": measures,
                "classifier": classifier,
                "refusal_judge": refusal,
                "calibrations": {k: self.root / v for k, v in self.calibrations.items()},
                "calibration_reviews": {
                    k: self.root / v for k, v in self.calibration_reviews.items()
                },
                "corpus": corpus,
            }
        )


def load_config(path: Path) -> ProjectConfig:
    """Read ``assay.yaml``; errors name the file, line and field."""
    data, lines = load_yaml(path, ConfigError)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError("the project file must be a YAML mapping", file=path, line=1)
    try:
        config = ProjectConfig.model_validate({**data, "root": path.parent})
    except ValidationError as exc:
        raise validation_error(exc, path, lines) from None
    return config.resolved()
