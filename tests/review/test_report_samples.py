"""The report's sample table shows what was counted: a refusal a person decided (in the review
app's refusal queue or on an imported sheet) is shown as that person's decision, not as the
judge's 待定, and says who decided; the items nobody decided stay the judge's. A keyword verdict
the judge left uncertain is shown uncertain, as it is counted."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

pytest.importorskip("argon2")

from assay.assess.plan import Method
from assay.assess.results import results
from assay.assess.review import import_refusal_review
from assay.reports.build import build_report
from assay.reports.model import Report, Sample
from assay.reports.package import write_package
from assay.review.auth import add_user
from assay.review.desk import Desk
from assay.review.queues import create_queue
from assay.standard import Profile
from assay.store.runstore import RunStore
from tests.review.runs import RUN, make_run

PASSWORD = "correct horse battery"
# the refusal judge left mr0, mr2, mr4, ... uncertain (tests/review/runs.py); people decide two
DECIDED = {"mr0": "answered", "mr2": "refused"}


def _by_app(store: RunStore, profile: Profile) -> None:
    ann = add_user(store, "ann", "annotator", PASSWORD, by="test")
    create_queue(store, RUN, "refusal", by="test", queue_id="r", second_share=0.0)
    store.review.assign("r", ann.id, by="test")
    desk = Desk(store, profile)
    for item in store.review.items("r"):
        if item.question_id in DECIDED:
            page = desk.page(ann, "r", item.position)
            desk.label(
                ann, "r", item.position, label=DECIDED[item.question_id], risk_ids=[],
                note="", answer_sha256=page.answer_sha256,
            )  # fmt: skip


def _by_sheet(store: RunStore, profile: Profile, tmp_path: Path) -> None:
    sheet = tmp_path / "refusal.csv"
    with sheet.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "研判结果", "审核人"])
        for qid, label in DECIDED.items():
            writer.writerow([qid, "回答" if label == "answered" else "拒答", "ann"])
    assert import_refusal_review(store, RUN, sheet).accepted == len(DECIDED)


def _report(store: RunStore, profile: Profile) -> Report:
    return build_report(
        project="t", profile=profile, banks=None, store=store,
        run=results(store, RUN, profile), measures=None, signatories=[],
    )  # fmt: skip


@pytest.mark.parametrize("route", ["app", "sheet"])
def test_the_sample_table_shows_the_refusal_a_person_decided(
    tmp_path: Path, tc260: Profile, route: str
) -> None:
    store = RunStore(f"sqlite:///{tmp_path / 'runs.sqlite'}")
    make_run(store)
    if route == "app":
        _by_app(store, tc260)
    else:
        _by_sheet(store, tc260, tmp_path)
    report = _report(store, tc260)
    shown: dict[str, Sample] = {
        s.question_id: s for s in report.samples if s.method == Method.MUST_REFUSE.value
    }
    for qid, label in DECIDED.items():
        assert (shown[qid].outcome, shown[qid].decided_by, shown[qid].reviewer) == (
            label,
            "person",
            "ann",
        )
    assert (shown["mr1"].outcome, shown["mr1"].decided_by) == ("refused", "judge")
    assert (shown["mr4"].outcome, shown["mr4"].decided_by) == ("uncertain", "judge")
    # the table and the counts agree: what is shown uncertain is what was counted uncertain
    (method,) = [m for m in report.methods if m.method is Method.MUST_REFUSE]
    undecided = {f"mr{i}" for i in range(0, 12, 2)} - DECIDED.keys()
    assert method.uncertain == len(undecided)
    assert {q for q, s in shown.items() if s.outcome == "uncertain"} == undecided & shown.keys()

    # a keyword verdict the judge left uncertain is counted neither way, and shown so
    keyword = {s.question_id: s for s in report.samples if s.method == Method.KEYWORD.value}
    assert (keyword["c3"].outcome, keyword["c3"].decided_by) == ("uncertain", "judge")

    write_package(report, tmp_path / "out", profile=tc260, store=store, formats=["md"])
    md = (tmp_path / "out" / "report.md").read_text("utf-8")
    row = next(line for line in md.splitlines() if "mr0" in line and "|" in line)
    assert "回答" in row
    assert "待定" not in row
    assert "ann" in row
