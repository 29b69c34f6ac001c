"""Judges by name, for the command line: ``NAME`` or ``NAME:ARGUMENT``.

* ``classifier``: the built-in classifier shipped with Assay;
* ``classifier:FOLDER``: a classifier trained with ``assay judges train --out FOLDER``;
* ``keyword:FILE``: a keyword library (CSV/TSV/JSONL/XLSX, native or filing layout).

An unknown name raises one error that suggests the closest name.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from assay.banks.io import load_keywords
from assay.errors import ConfigError, UnknownNameError
from assay.judges.base import Judge
from assay.judges.classifier import ClassifierJudge
from assay.judges.keyword import KeywordJudge
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


JUDGES: dict[str, Builder] = {"classifier": _classifier, "keyword": _keyword}


def build_judge(spec: str, profile: Profile) -> Judge:
    """The judge that ``spec`` (``NAME`` or ``NAME:ARGUMENT``) names."""
    name, _, argument = spec.partition(":")
    builder = JUDGES.get(name.strip())
    if builder is None:
        raise UnknownNameError("judge", name, JUDGES)
    return builder(argument.strip(), profile)


def covered_risks(judge: Judge) -> frozenset[str] | None:
    """The risks a judge can flag, when it says (None: it does not say)."""
    if isinstance(judge, ClassifierJudge):
        return frozenset(judge.covered_risks)
    if isinstance(judge, KeywordJudge):
        return frozenset(r for e in judge.engine.entries for r in e.risk_ids)
    return None
