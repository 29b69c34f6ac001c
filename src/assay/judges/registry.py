"""Judges by typed spec (:mod:`assay.judges.specs`), built through one lazy registry.

A judge is named by a spec: a mapping in ``assay.yaml`` (``{kind: llm, model: ..., base_url:
..., task: refusal}``) or its short string form, which :func:`~assay.judges.specs.parse_judge`
reads into the same model:

* ``classifier``: the built-in classifier shipped with Assay;
* ``classifier:FOLDER``: a classifier trained with ``assay judges train --out FOLDER``;
* ``keyword:FILE``: a keyword library (CSV/TSV/JSONL/XLSX, native or filing layout);
* ``llm:MODEL@BASE_URL``: a chat model behind an OpenAI-compatible endpoint, with options after
  semicolons, e.g. ``llm:qwen-plus@https://host/v1;api_key_env=DASHSCOPE_API_KEY;cache_dir=.cache``
  (any field of :class:`~assay.judges.specs.LLMJudgeConfig`).
* ``refusal``: the refusal judge (rules and the built-in learned model); ``refusal:rules``
  for the rules alone;
* ``guard:FORMAT:FOLDER``: a guard model on disk (``llamaguard3``, ``qwen3guard``,
  ``shieldlm``; needs the ``ml`` extra), with options after semicolons as for ``llm:``, e.g.
  ``guard:qwen3guard:models/Qwen3Guard-Gen-0.6B;batch=4`` (see :mod:`assay.judges.guard`).

``;task=refusal`` makes an ``llm:`` judge or a ``guard:qwen3guard:`` judge a refusal judge (its
spec args carry ``task: refusal``, which :func:`judges_refusal` reads).

Each kind's implementation (numpy for the classifier, torch for a guard, an HTTP client for
the LLM judge) is imported when a judge of that kind is first built, never by this module.
An unknown name raises one error that suggests the closest name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from assay.judges.base import Judge
from assay.judges.panel import JudgePanel, Rule
from assay.judges.specs import (
    ClassifierSpec,
    GuardSpec,
    JudgeConfig,
    KeywordSpec,
    LLMSpec,
    RefusalSpec,
    judge_config,
)
from assay.registry import Registry
from assay.standard.models import Profile

if TYPE_CHECKING:
    from assay.judges.classifier import Coverage

Builder = Callable[[JudgeConfig, Profile], Judge]


def _classifier() -> Builder:
    def build(spec: JudgeConfig, profile: Profile) -> Judge:
        from assay.judges.classifier import ClassifierJudge

        assert isinstance(spec, ClassifierSpec)
        return ClassifierJudge.load(spec.folder) if spec.folder else ClassifierJudge.default()

    return build


def _keyword() -> Builder:
    def build(spec: JudgeConfig, profile: Profile) -> Judge:
        from assay.banks.io import load_keywords
        from assay.judges.keyword import KeywordJudge

        assert isinstance(spec, KeywordSpec)
        library, _ = load_keywords(spec.path, profile)
        return KeywordJudge(library)

    return build


def _llm() -> Builder:
    def build(spec: JudgeConfig, profile: Profile) -> Judge:
        from assay.judges.llm import LLMJudge

        assert isinstance(spec, LLMSpec)
        return LLMJudge(spec.config(), profile)

    return build


def _guard() -> Builder:
    def build(spec: JudgeConfig, profile: Profile) -> Judge:
        from assay.judges.guard import GuardJudge

        assert isinstance(spec, GuardSpec)
        return GuardJudge.from_spec(spec)

    return build


def _refusal() -> Builder:
    def build(spec: JudgeConfig, profile: Profile) -> Judge:
        from assay.judges.refusal import RefusalJudge

        assert isinstance(spec, RefusalSpec)
        return RefusalJudge(use_model=spec.model, use_encoder=spec.encoder)

    return build


JUDGES: Registry[Builder] = Registry(
    "judge",
    {
        "classifier": _classifier,
        "keyword": _keyword,
        "llm": _llm,
        "guard": _guard,
        "refusal": _refusal,
    },
)


def build_judge(spec: str | JudgeConfig, profile: Profile) -> Judge:
    """The judge that ``spec`` names: a typed spec, or its short string form
    (``NAME`` or ``NAME:ARGUMENT``)."""
    config = judge_config(spec) if isinstance(spec, str) else spec
    return JUDGES.get(config.kind)(config, profile)


def judges_refusal(judge: Judge) -> bool:
    """The judge decides refused / not refused (and is measured on labelled replies)."""
    return judge.spec.name == "refusal" or judge.spec.args.get("task") == "refusal"


@runtime_checkable
class _Covers(Protocol):
    @property
    def covered_risks(self) -> tuple[str, ...]: ...


@runtime_checkable
class _ReportsCoverage(Protocol):
    def coverage(self, profile: Profile) -> Coverage: ...


def covered_risks(judge: Judge) -> frozenset[str] | None:
    """The risks a judge can flag, when it says (None: it does not say)."""
    if isinstance(judge, _Covers) and not isinstance(judge, JudgePanel):
        return frozenset(judge.covered_risks)
    return None


def coverage(judge: Judge, profile: Profile) -> Coverage | None:
    """Which of the profile's risks a judge (or a panel, by its rule over its members) covers,
    for clause 8.4; None when no member says."""
    from assay.judges.classifier import Coverage

    if isinstance(judge, _ReportsCoverage):
        return judge.coverage(profile)
    members = judge.judges if isinstance(judge, JudgePanel) else [judge]
    said = [c for c in (covered_risks(m) for m in members) if c is not None]
    if not said:
        return None
    # a risk counts as covered when the panel's rule can flag it on its own members' say:
    # any member (any), a majority (majority), or every member (all, review)
    rule = judge.rule if isinstance(judge, JudgePanel) else Rule.ANY
    need = {Rule.ANY: 1, Rule.MAJORITY: len(members) // 2 + 1}.get(rule, len(members))
    every = {r for c in said for r in c}
    covered = frozenset(r for r in every if sum(r in c for c in said) >= need)
    ids = [r.id for r in profile.risks]
    return Coverage(
        profile=profile.id,
        covered=tuple(r for r in ids if r in covered),
        not_covered=tuple(r for r in ids if r not in covered),
        positives={},
    )
