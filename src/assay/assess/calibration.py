"""Calibration on the run itself: people review a seeded random subset of the answers an
automatic judge decided, and the pairs (judge's verdict, person's verdict) give that judge's
sensitivity and specificity on this run's own answers.

A calibration file made on other data (``calibrations:``, ``assay judges eval``) describes the
judge on that data: measured, calibrated on one Chinese source and applied to another, the
corrected rate moved away from the truth. So :func:`assay.assess.results.results` corrects a
method's rate with the in-run calibration when there is one, shows a file's calibration beside
it as out of domain (域外校准), and lets only the in-run one decide (``decide_on: corrected``).

The sheets:

* content judges (``calibration-keyword``, ``calibration-classifier``): the columns of the 9.3 b)
  review sheet; a person writes 合格 or 不合格 in 研判结果. Stored as reviews, like the manual
  sample's, so a 9.3 b) review of an answer the judge also decided is a pair too.
* the refusal judge (``calibration-refusal``): the columns of the 9.4 review sheet, drawn from
  both 9.4 draws; a person writes 拒答 or 回答 (未拒答). Stored as people's refusal decisions,
  which also take the judge's place in the 9.4 rate.

The judge's verdict is not in the sheet: reviewers judge blind.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from assay.assess.plan import Method
from assay.assess.review import (
    COLUMNS,
    REFUSAL_COLUMNS,
    ImportReport,
    import_refusal_review,
    import_sheet,
)
from assay.banks.tabular import write_rows
from assay.errors import ConfigError
from assay.standard.models import Profile
from assay.store.runstore import RunStore, answer_digest

CalibratedJudge = Literal["keyword", "classifier", "refusal"]
JUDGES: tuple[CalibratedJudge, ...] = ("keyword", "classifier", "refusal")
METHODS = {f"calibration-{j}": j for j in JUDGES}  # the --method names of assay review
_DRAWS: dict[str, tuple[Method, ...]] = {
    "keyword": (Method.KEYWORD,),
    "classifier": (Method.CLASSIFIER,),
    "refusal": (Method.MUST_REFUSE, Method.MUST_ANSWER),
}


def judge_of(method: str) -> CalibratedJudge:
    """``calibration-keyword`` -> ``keyword``; anything else is a usage error."""
    if method not in METHODS:
        raise ConfigError(
            f"unknown calibration method {method!r}", fix=f"use {', '.join(sorted(METHODS))}"
        )
    return METHODS[method]


def population(store: RunStore, run_id: str, judge: CalibratedJudge) -> list[str]:
    """The answers the judge decided (not uncertain) in the draws it judges, in draw order."""
    plan = store.plan(run_id)
    replies = store.latest_replies(run_id)
    verdicts = store.verdicts(run_id, judge)
    ids = dict.fromkeys(q for m in _DRAWS[judge] for q in plan.get(m.value, []))
    return [
        q
        for q in ids
        if q in replies and replies[q].ok and q in verdicts and not verdicts[q].uncertain
    ]


def draw_calibration(
    store: RunStore, run_id: str, judge: CalibratedJudge, n: int, seed: int
) -> list[str]:
    """A seeded uniform random subset of ``n`` of the judge's decided answers (all when fewer),
    in draw order. The same run, judge, n and seed draw the same answers."""
    ids = population(store, run_id, judge)
    if not ids:
        raise ConfigError(
            f"run {run_id} has no answer decided by the {judge} judge",
            fix="run assay judge RUN first (and configure the judge in assay.yaml)",
        )
    picked = set(random.Random(f"{seed}:{judge}").sample(ids, min(n, len(ids))))
    return [q for q in ids if q in picked]


def export_calibration(
    store: RunStore,
    run_id: str,
    profile: Profile,
    path: Path,
    *,
    judge: CalibratedJudge,
    n: int = 50,
    seed: int = 0,
) -> int:
    """Write the review sheet of a calibration subset; returns the number of rows."""
    ids = draw_calibration(store, run_id, judge, n, seed)
    questions = store.questions(run_id)
    replies = store.latest_replies(run_id)
    plan = store.plan(run_id)
    rows: list[dict[str, object]] = []
    for seq, qid in enumerate(ids, 1):
        question, answer = questions[qid], replies[qid].answer or ""
        row: dict[str, object] = {
            "id": qid,
            "序号": seq,
            "测试题": question.text,
            "模型回答": answer,
            "研判结果": "",
            "审核人": "",
            "备注": "",
            "answer_sha256": answer_digest(answer),
        }
        if judge == "refusal":
            method = next(m for m in _DRAWS[judge] if qid in plan.get(m.value, []))
            row |= {"方法": method.value, "自动研判": ""}  # blind: the judge's verdict is hidden
        else:
            categories = dict.fromkeys(r.rsplit(".", 1)[0] for r in question.risk_ids)
            row |= {
                "一级分类": ";".join(profile.category(c).name_zh for c in categories),
                "二级分类": ";".join(profile.risk(r).name_zh for r in question.risk_ids),
                "风险": "",
            }
        rows.append(row)
    columns = REFUSAL_COLUMNS if judge == "refusal" else [*COLUMNS, "answer_sha256"]
    refs = [f"{run_id} / {qid}" for qid in ids]
    write_rows(path, columns, rows, untrusted=True, refs=refs)
    return len(rows)


def import_calibration(
    store: RunStore,
    run_id: str,
    profile: Profile,
    path: Path,
    *,
    judge: CalibratedJudge,
    reviewer: str | None = None,
) -> ImportReport:
    """Store people's verdicts on a calibration sheet. Refusal: as people's refusal decisions;
    content: as reviews tied to the answer they saw (a changed answer voids them)."""
    if judge == "refusal":
        return import_refusal_review(store, run_id, path, reviewer=reviewer)
    return import_sheet(
        store, run_id, profile, path,
        drawn=set(population(store, run_id, judge)),
        reviewer=reviewer,
        fix=f"import the sheet that assay review export --method calibration-{judge} wrote",
        sample=f"answers decided by the {judge} judge",
        pin_answer=True,
    )  # fmt: skip


@dataclass(frozen=True)
class ReviewImport:
    """What importing one reviewed calibration sheet of ``calibration_reviews:`` did."""

    judge: CalibratedJudge
    sheet: Path
    report: ImportReport


def import_calibration_reviews(
    store: RunStore,
    run_id: str,
    profile: Profile,
    sheets: Mapping[CalibratedJudge, Path],
) -> list[ReviewImport]:
    """Import the reviewed calibration sheets (judge -> sheet, ``calibration_reviews:`` of
    assay.yaml) into a new run: people's verdicts on answers the judge decided calibrate it
    in-run. Bad rows are reported (``report.bad``) and skipped; they never stop the assessment;
    a missing sheet does."""
    done = []
    for judge, sheet in sheets.items():
        if not sheet.is_file():
            raise ConfigError(
                "calibration review sheet not found",
                file=sheet,
                fix="write it with assay review export RUN --method calibration-" + judge,
            )
        done.append(
            ReviewImport(
                judge, sheet, import_calibration(store, run_id, profile, sheet, judge=judge)
            )
        )
    return done
