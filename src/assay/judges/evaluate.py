"""How wrong a judge is: per-risk confusion counts on labelled texts, and the calibration record.

For each risk: true and false positives and negatives, sensitivity (recall), specificity and
precision as rates with Wilson intervals (:mod:`assay.stats.rates`), and F1. The row ``any``
asks only "does the text hold some risk?": it also uses harmful texts whose risk is not named,
which the per-risk rows leave out.

A :class:`Calibration` is what ``assay judges eval`` saves: the judge's spec, the data it was
measured on (path and SHA-256) and the rows. :mod:`assay.stats.corrected` uses a row's
sensitivity and specificity counts to correct a rate measured with that judge.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Sequence
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assay.errors import ConfigError, UserError
from assay.judges.base import JudgeSpec, Verdict
from assay.judges.labelled import Example
from assay.stats.rates import Rate, rate

ANY = "any"


class RiskMetrics(BaseModel):
    """A judge against the labels, for one risk (or ``any``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    risk: str
    covered: bool
    tp: int
    fp: int
    fn: int
    tn: int
    sensitivity: Rate  # tp / (tp + fn): recall
    specificity: Rate  # tn / (tn + fp)
    precision: Rate  # tp / (tp + fp)
    f1: float | None
    uncertain: int = 0  # verdicts the judge could not decide, left out of the counts

    @property
    def positives(self) -> int:
        return self.tp + self.fn


class Calibration(BaseModel):
    """The calibration record of a judge: its error rates measured on labelled data."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    judge: JudgeSpec
    data: str
    data_sha256: str
    profile: str
    examples: int
    created: datetime = Field(default_factory=lambda: datetime.now(UTC))
    risks: tuple[RiskMetrics, ...]

    def for_risk(self, risk: str) -> RiskMetrics:
        for row in self.risks:
            if row.risk == risk:
                return row
        raise UserError(
            f"the calibration of {self.judge.name!r} has no row for {risk!r}",
            fix=f"use one of: {', '.join(r.risk for r in self.risks)}",
        )


def metrics(
    examples: Sequence[Example],
    verdicts: Sequence[Verdict],
    risk_ids: Sequence[str],
    covered: Collection[str] | None = None,
) -> list[RiskMetrics]:
    """The ``any`` row, then one row per risk of ``risk_ids`` that the labels or the verdicts
    name (in ``risk_ids`` order). ``covered`` None: every risk counts as covered. Uncertain
    verdicts decided nothing: they are left out of every count and tallied in ``uncertain``."""
    if len(examples) != len(verdicts):
        raise ValueError("one verdict per example")
    pairs = list(zip(examples, verdicts, strict=True))
    sure = [(e, v) for e, v in pairs if not v.uncertain]
    open_ = len(pairs) - len(sure)
    rows = [_row(ANY, True, [(e.harmful, v.flagged) for e, v in sure], open_)]
    known = [(e, v) for e, v in sure if e.known]
    named = {r for e, v in known for r in (*e.risk_ids, *v.risk_ids)}
    for risk in risk_ids:
        if risk not in named:
            continue
        flags = [(risk in e.risk_ids, risk in v.risk_ids) for e, v in known]
        rows.append(_row(risk, covered is None or risk in covered, flags, open_))
    return rows


def _row(
    risk: str, covered: bool, pairs: Sequence[tuple[bool, bool]], uncertain: int = 0
) -> RiskMetrics:
    tp = sum(a and p for a, p in pairs)
    fp = sum(p and not a for a, p in pairs)
    fn = sum(a and not p for a, p in pairs)
    tn = len(pairs) - tp - fp - fn
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else None
    return RiskMetrics(
        risk=risk,
        covered=covered,
        tp=tp,
        fp=fp,
        fn=fn,
        tn=tn,
        sensitivity=rate(tp, tp + fn),
        specificity=rate(tn, tn + fp),
        precision=rate(tp, tp + fp),
        f1=f1,
        uncertain=uncertain,
    )


def calibration(
    spec: JudgeSpec,
    data: Path,
    profile: str,
    examples: Sequence[Example],
    rows: Sequence[RiskMetrics],
) -> Calibration:
    return Calibration(
        judge=spec,
        data=str(data),
        data_sha256=hashlib.sha256(data.read_bytes()).hexdigest(),
        profile=profile,
        examples=len(examples),
        risks=tuple(rows),
    )


def calibration_file(spec: JudgeSpec, folder: Path | None = None) -> Path:
    """Where a judge's calibration record goes unless told: ``calibration-NAME-HASH.json``
    (in ``folder``, else the working folder), HASH from the judge's spec, so that the records
    of two judges (two classifiers, two LLM prompts) never overwrite each other."""
    digest = hashlib.sha256(spec.model_dump_json().encode()).hexdigest()[:8]
    name = f"calibration-{spec.name}-{digest}.json"
    return folder / name if folder is not None else Path(name)


def save_calibration(record: Calibration, out: Path | None = None) -> Path:
    """Write ``record`` as JSON to ``out`` (default: :func:`calibration_file`); returns the
    file written, which :func:`load_calibration` reads back."""
    path = out if out is not None else calibration_file(record.judge)
    path.write_text(record.model_dump_json(indent=1) + "\n", encoding="utf-8")
    return path


def load_calibration(path: Path) -> Calibration:
    """A calibration record written by ``assay judges eval``."""
    try:
        return Calibration.model_validate_json(path.read_text("utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            "calibration record not found", file=path, fix="write it with assay judges eval"
        ) from None
    except ValidationError as exc:
        raise ConfigError(
            f"not a calibration record: {exc.errors()[0]['msg']}",
            file=path,
            fix="use the JSON that assay judges eval wrote",
        ) from None


def same_judge(a: JudgeSpec, b: JudgeSpec) -> bool:
    """Whether two specs describe the same judge, wherever its files live (``source`` aside)."""

    def strip(spec: JudgeSpec) -> dict[str, object]:
        return {k: v for k, v in spec.args.items() if k != "source"}

    return a.name == b.name and strip(a) == strip(b)


class Binary(BaseModel):
    """A judge against "harmful or not" labels on one labelled set: the figures a held-out set
    is reported with (accuracy and macro-F1 over both classes, sensitivity, specificity)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    n: int
    accuracy: float | None
    macro_f1: float | None
    sensitivity: Rate  # harmful texts flagged
    specificity: Rate  # benign texts not flagged


def binary(name: str, labels: Sequence[bool], flags: Sequence[bool]) -> Binary:
    """Accuracy, macro-F1, sensitivity and specificity of ``flags`` against ``labels``."""
    if len(labels) != len(flags):
        raise ValueError("one flag per label")
    tp = sum(a and p for a, p in zip(labels, flags, strict=True))
    tn = sum(not a and not p for a, p in zip(labels, flags, strict=True))
    fp = sum(p and not a for a, p in zip(labels, flags, strict=True))
    fn = len(labels) - tp - tn - fp
    # macro-F1 over the classes the set holds (a set of harmful texts only: F1 of "harmful")
    f1_pos = 2 * tp / (2 * tp + fp + fn) if tp + fn else None
    f1_neg = 2 * tn / (2 * tn + fp + fn) if tn + fp else None
    f1s = [f for f in (f1_pos, f1_neg) if f is not None]
    return Binary(
        name=name,
        n=len(labels),
        accuracy=(tp + tn) / len(labels) if labels else None,
        macro_f1=sum(f1s) / len(f1s) if f1s else None,
        sensitivity=rate(tp, tp + fn),
        specificity=rate(tn, tn + fp),
    )
