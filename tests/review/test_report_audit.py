"""The review app's audit in the report package: when the results count its verdicts, report.json
carries the people, each queue's work, kappa per pair, alpha and the adjudications; the audit
trail is an annex whose sha256 is listed; the HTML and Markdown say it in a short section."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

pytest.importorskip("argon2")

from assay.assess.results import results
from assay.messages import t
from assay.reports.build import build_report
from assay.reports.model import Report
from assay.reports.package import write_package
from assay.review.auth import add_user
from assay.review.desk import Desk
from assay.review.queues import create_queue
from assay.standard import Profile
from assay.store.reviewing import ReviewUser
from assay.store.runstore import RunStore
from tests.review.runs import RUN, make_run

PASSWORD = "correct horse battery"
TRAIL = "人工审核记录.jsonl"
PHONE = "13912345678"


@pytest.fixture
def store(tmp_path: Path) -> RunStore:
    s = RunStore(f"sqlite:///{tmp_path / 'runs.sqlite'}")
    make_run(s)
    return s


def _label(desk: Desk, user: ReviewUser, queue: str, pos: int, label: str, **kw: object) -> None:
    adjudicate = bool(kw.get("adjudicate"))
    page = desk.page(user, queue, pos, adjudicate=adjudicate)
    desk.label(
        user, queue, pos, label=label, note=str(kw.get("note", "")),
        risk_ids=["A.1.d"] if label == "unqualified" else [],
        answer_sha256=page.answer_sha256, adjudicate=adjudicate,
    )  # fmt: skip


def _review(store: RunStore, profile: Profile) -> Desk:
    """A manual queue fully second-reviewed by ann and bob (they differ on c1 and c2; rev
    adjudicates c1, adm adjudicates it again) and a refusal queue with one 部分拒答."""
    people = {
        name: add_user(store, name, role, PASSWORD, by="test")  # type: ignore[arg-type]
        for name, role in (
            ("ann", "annotator"),
            ("bob", "annotator"),
            ("rev", "reviewer"),
            ("adm", "admin"),
        )
    }
    desk = Desk(store, profile)
    create_queue(store, RUN, "manual", by="adm", queue_id="m", second_share=1.0)
    create_queue(store, RUN, "refusal", by="adm", queue_id="r", second_share=0.0)
    for who in ("ann", "bob", "rev"):
        store.review.assign("m", people[who].id, by="adm")
    store.review.assign("r", people["ann"].id, by="adm")
    for pos in range(24):
        _label(desk, people["ann"], "m", pos, "qualified", note=f"call {PHONE}" if pos == 1 else "")
        _label(desk, people["bob"], "m", pos, "unqualified" if pos in (1, 2) else "qualified")
    _label(desk, people["rev"], "m", 1, "unqualified", adjudicate=True)
    _label(desk, people["adm"], "m", 1, "qualified", adjudicate=True)
    assert desk.next_position(people["ann"], "r") == 0  # a claim, in the trail too
    _label(desk, people["ann"], "r", 0, "partial")
    _label(desk, people["ann"], "r", 1, "refused")
    return desk


def _report(store: RunStore, profile: Profile) -> Report:
    return build_report(
        project="t", profile=profile, banks=None, store=store,
        run=results(store, RUN, profile), measures=None, signatories=[],
    )  # fmt: skip


def test_the_report_carries_the_review_audit_and_its_trail(
    store: RunStore, tc260: Profile, tmp_path: Path
) -> None:
    desk = _review(store, tc260)
    report = _report(store, tc260)
    audit = report.review
    assert audit is not None
    assert audit.people == {
        "adm": "admin",
        "ann": "annotator",
        "bob": "annotator",
        "rev": "reviewer",
    }
    m, r = audit.queues
    assert (m.id, m.items, m.second_due, m.second_done) == ("m", 24, 24, 24)
    assert (m.disputed, m.adjudicated, m.readjudicated, m.counted) == (1, 1, 1, 23)
    assert m.verdicts == {"adm": 1, "ann": 24, "bob": 24}  # the verdicts in force
    shown = desk.agreement("m")  # the dashboard's numbers are the report's
    assert [(p.a, p.b, p.kappa) for p in m.pairs] == [(p.a, p.b, p.kappa) for p in shown.pairs]
    assert m.alpha == shown.alpha
    assert m.pairs[0].kappa.n == 24
    assert (r.id, r.decision, r.partial, r.counted) == ("r", "refusal", 1, 2)

    written = write_package(report, tmp_path / "out", profile=tc260, store=store)
    trail = tmp_path / "out" / TRAIL
    assert trail in written
    data = json.loads((tmp_path / "out" / "report.json").read_text("utf-8"))
    annex = {a["file"]: a["sha256"] for a in data["annexes"]}
    assert annex[TRAIL] == hashlib.sha256(trail.read_bytes()).hexdigest()
    assert data["review"]["queues"][0]["readjudicated"] == 1
    events = [json.loads(line) for line in trail.read_text("utf-8").splitlines()]
    assert len(events) == audit.events == len(store.review.queue_events(["m", "r"]))
    actions = [e["action"] for e in events]
    assert actions.count("readjudicated") == 1
    assert actions.count("claimed") > 0
    assert actions.count("verdict") == 24 + 24 + 1 + 2
    assert {e["queue"] for e in events} == {"m", "r"}
    assert all(PHONE not in json.dumps(e, ensure_ascii=False) for e in events)  # notes masked
    again = next(e for e in events if e["action"] == "readjudicated")
    assert (again["user"], again["before"]["by"]) == ("adm", "rev")

    html = (tmp_path / "out" / "report.html").read_text("utf-8")
    md = (tmp_path / "out" / "report.md").read_text("utf-8")
    for text, lang in ((html, "zh"), (md, "zh")):
        assert t("report.review", lang) in text
        assert t("review.partial_rule", lang) in text
        assert TRAIL in text
        assert "κ ann · bob" in text
    assert 'id="review"' in html


def test_no_review_no_section_and_no_trail(store: RunStore, tc260: Profile, tmp_path: Path) -> None:
    report = _report(store, tc260)
    assert report.review is None
    written = write_package(report, tmp_path / "out", profile=tc260, store=store)
    assert not (tmp_path / "out" / TRAIL).exists()
    assert all(p.name != TRAIL for p in written)
    assert TRAIL not in (tmp_path / "out" / "report.md").read_text("utf-8")
    assert 'id="review"' not in (tmp_path / "out" / "report.html").read_text("utf-8")


def _corpus_queue(store: RunStore, profile: Profile, tmp_path: Path) -> tuple[Path, str]:
    """A corpus sample of 12 records, all second-reviewed (ann, then bob; they differ on the
    record at position 4, which rev adjudicates): the sources file and the queue id."""
    from assay.corpus.review_queue import put_manual_sample
    from tests.review.test_corpus_queue import _corpus

    sources = _corpus(tmp_path)
    put_manual_sample(store, "c1", sources, profile, size=12, seed=3)
    create_queue(store, "c1", "corpus", by="adm", queue_id="cq", second_share=1.0)
    people = {
        name: add_user(store, name, role, PASSWORD, by="test")  # type: ignore[arg-type]
        for name, role in (("ann", "annotator"), ("bob", "annotator"), ("rev", "reviewer"))
    }
    for who in people.values():
        store.review.assign("cq", who.id, by="adm")
    desk = Desk(store, profile)
    for pos in range(12):
        _label(desk, people["ann"], "cq", pos, "qualified")
        _label(desk, people["bob"], "cq", pos, "unqualified" if pos == 4 else "qualified")
    _label(desk, people["rev"], "cq", 4, "unqualified", adjudicate=True)
    return sources, "cq"


def test_the_review_audit_takes_in_the_corpus_queue_the_result_came_from(
    store: RunStore, tc260: Profile, tmp_path: Path
) -> None:
    from assay.corpus.results import assess_corpus

    sources, queue = _corpus_queue(store, tc260, tmp_path)
    by_app = assess_corpus(sources, tc260, judge=None, seed=3, manual_queue=queue, store=store)
    assert by_app.manual is not None
    assert (by_app.manual.reviewed, by_app.manual.qualified) == (12, 11)

    def built(corpus: object, with_run: bool = True) -> Report:
        return build_report(
            project="t", profile=tc260, banks=None, store=store,
            run=results(store, RUN, tc260) if with_run else None, measures=None,
            signatories=[], corpus=corpus,  # type: ignore[arg-type]
        )  # fmt: skip

    create_queue(store, RUN, "refusal", by="adm", queue_id="r", second_share=0.0)
    ann = store.review.user("ann")
    assert ann is not None
    store.review.assign("r", ann.id, by="adm")
    _label(Desk(store, tc260), ann, "r", 0, "refused")

    audit = built(by_app).review
    assert audit is not None
    assert [q.id for q in audit.queues] == ["r", "cq"]  # the run's queues, then the corpus's
    cq = audit.queues[1]
    assert (cq.kind, cq.items, cq.counted, cq.second_done) == ("corpus", 12, 12, 12)
    assert (cq.disputed, cq.adjudicated) == (0, 1)
    assert [(p.a, p.b, p.kappa.n) for p in cq.pairs] == [("ann", "bob", 12)]
    assert audit.people == {"ann": "annotator", "bob": "annotator", "rev": "reviewer"}
    report = built(by_app)
    written = write_package(report, tmp_path / "out", profile=tc260, store=store)
    trail = tmp_path / "out" / TRAIL
    assert trail in written
    events = [json.loads(line) for line in trail.read_text("utf-8").splitlines()]
    assert {e["queue"] for e in events} == {"r", "cq"}
    assert len(events) == audit.events == len(store.review.queue_events(["r", "cq"]))
    assert t("review.kind_corpus", "zh") in (tmp_path / "out" / "report.md").read_text("utf-8")

    # a corpus assessment with no model run: its queue alone is audited
    alone = built(by_app, with_run=False).review
    assert alone is not None
    assert [q.id for q in alone.queues] == ["cq"]
    # the 9.2 a) result from a sheet: the corpus queue is not what was counted, not audited
    by_sheet = by_app.model_copy(update={"manual_queue": None, "manual_sheet": "m.xlsx"})
    sheet_audit = built(by_sheet).review
    assert sheet_audit is not None
    assert [q.id for q in sheet_audit.queues] == ["r"]
    assert built(by_sheet, with_run=False).review is None
