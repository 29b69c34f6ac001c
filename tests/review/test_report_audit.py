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
