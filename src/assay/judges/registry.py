"""Judges by name, for the command line: ``NAME`` or ``NAME:ARGUMENT``.

* ``classifier``: the built-in classifier shipped with Assay;
* ``classifier:FOLDER``: a classifier trained with ``assay judges train --out FOLDER``;
* ``keyword:FILE``: a keyword library (CSV/TSV/JSONL/XLSX, native or filing layout);
* ``llm:MODEL@BASE_URL``: a chat model behind an OpenAI-compatible endpoint, with options after
  semicolons, e.g. ``llm:qwen-plus@https://host/v1;api_key_env=DASHSCOPE_API_KEY;cache_dir=.cache``
  (any field of :class:`~assay.judges.llm.LLMJudgeConfig`).
* ``refusal``: the refusal judge (rules and the built-in learned model); ``refusal:rules``
  for the rules alone;
* ``guard:FORMAT:FOLDER``: a guard model on disk (``llamaguard3``, ``qwen3guard``,
  ``shieldlm``; needs the ``ml`` extra), with options after semicolons as for ``llm:``, e.g.
  ``guard:qwen3guard:models/Qwen3Guard-Gen-0.6B;batch=4`` (see :mod:`assay.judges.guard`).

``;task=refusal`` makes an ``llm:`` judge or a ``guard:qwen3guard:`` judge a refusal judge (its
spec args carry ``task: refusal``, which :func:`judges_refusal` reads).

An unknown name raises one error that suggests the closest name.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from assay.banks.io import load_keywords
from assay.errors import ConfigError, UnknownNameError
from assay.judges.base import Judge
from assay.judges.classifier import ClassifierJudge, Coverage
from assay.judges.guard import GuardJudge
from assay.judges.keyword import KeywordJudge
from assay.judges.llm import LLMJudge, LLMJudgeConfig
from assay.judges.options import parse_options
from assay.judges.panel import JudgePanel, Rule
from assay.judges.refusal import RefusalJudge
from assay.standard.models import Profile

Builder = Callable[[str, Profile], Judge]


def _classifier(argument: str, profile: Profile) -> Judge:
    return ClassifierJudge.load(Path(argument)) if argument else ClassifierJudge.default()


def _keyword(argument: str, profile: Profile) -> Judge:
    if not argument:
        raise ConfigError(
            "the keyword judge needs its library", fix="write keyword:PATH/TO/keywords.csv"
        )
    library, _ = load_keywords(Path(argument), profile)
    return KeywordJudge(library)


def _llm(argument: str, profile: Profile) -> Judge:
    head, *options = argument.split(";")
    model, at, base_url = head.partition("@")
    if not (model.strip() and at and base_url.strip()):
        raise ConfigError(
            f"the llm judge {argument!r} names no model and endpoint",
            fix="write llm:MODEL@BASE_URL, e.g. llm:qwen-plus@https://host/v1",
        )
    config = parse_options(
        options,
        LLMJudgeConfig,
        what="llm judge",
        spec=argument,
        given={"model": model.strip(), "base_url": base_url.strip()},
        none_words=True,
    )
    return LLMJudge(config, profile)


def _guard(argument: str, profile: Profile) -> Judge:
    return GuardJudge.from_argument(argument)


def _refusal(argument: str, profile: Profile) -> Judge:
    if argument not in ("", "rules"):
        raise ConfigError(
            f"unknown refusal judge option {argument!r}",
            fix="write refusal (rules and model) or refusal:rules (the rules alone)",
        )
    return RefusalJudge(use_model=argument != "rules")


JUDGES: dict[str, Builder] = {
    "classifier": _classifier,
    "keyword": _keyword,
    "llm": _llm,
    "guard": _guard,
    "refusal": _refusal,
}


def build_judge(spec: str, profile: Profile) -> Judge:
    """The judge that ``spec`` (``NAME`` or ``NAME:ARGUMENT``) names."""
    name, _, argument = spec.partition(":")
    builder = JUDGES.get(name.strip())
    if builder is None:
        raise UnknownNameError("judge", name, JUDGES)
    return builder(argument.strip(), profile)


def judges_refusal(judge: Judge) -> bool:
    """The judge decides refused / not refused (and is measured on labelled replies)."""
    return isinstance(judge, RefusalJudge) or judge.spec.args.get("task") == "refusal"


def covered_risks(judge: Judge) -> frozenset[str] | None:
    """The risks a judge can flag, when it says (None: it does not say)."""
    if isinstance(judge, ClassifierJudge):
        return frozenset(judge.covered_risks)
    if isinstance(judge, GuardJudge):
        return frozenset(judge.covered_risks)
    if isinstance(judge, KeywordJudge):
        return frozenset(r for e in judge.engine.entries for r in e.risk_ids)
    if isinstance(judge, LLMJudge):
        return frozenset(judge.covered_risks)
    return None


def coverage(judge: Judge, profile: Profile) -> Coverage | None:
    """Which of the profile's risks a judge (or a panel, by its rule over its members) covers,
    for clause 8.4; None when no member says."""
    if isinstance(judge, ClassifierJudge):
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
