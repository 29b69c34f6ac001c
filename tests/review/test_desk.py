"""The review library: queues drawn from a run, blind second review, adjudication, agreement,
and the counted verdicts flowing back into the results exactly as an imported sheet's do."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import select

from assay.assess.calibration import draw_calibration, export_calibration, import_calibration
from assay.assess.plan import Method
from assay.assess.results import MethodResult, results
from assay.assess.review import (
    export_refusal_review,
    export_review,
    import_refusal_review,
    import_review,
)
from assay.errors import ReviewDeniedError, ReviewError
from assay.review.auth import Outcome, add_user, login
from assay.review.desk import Desk
from assay.review.queues import create_queue, draw_items, second_draw
from assay.standard import Profile
from assay.store import schema
from assay.store.reviewing import ReviewUser
from assay.store.runstore import RunStore
from tests.review.runs import RUN, make_run

PASSWORD = "correct horse battery"


@pytest.fixture
def store(tmp_path: Path) -> RunStore:
    s = RunStore(f"sqlite:///{tmp_path / 'runs.sqlite'}")
    make_run(s)
    return s


def _users(store: RunStore) -> dict[str, ReviewUser]:
    return {
        name: add_user(store, name, role, PASSWORD, by="test")  # type: ignore[arg-type]
        for name, role in (
            ("ann", "annotator"),
            ("bob", "annotator"),
            ("rev", "reviewer"),
            ("adm", "admin"),
        )
    }


def _label_all(desk: Desk, user: ReviewUser, queue: str, label_of: dict[str, str]) -> int:
    done = 0
    while (pos := desk.next_position(user, queue)) is not None:
        page = desk.page(user, queue, pos)
        qid = page.item.question_id
        risks = ["A.1.d"] if label_of[qid] == "unqualified" else []
        desk.label(
            user, queue, pos, label=label_of[qid], risk_ids=risks, note="",
            answer_sha256=page.answer_sha256,
        )  # fmt: skip
        done += 1
    return done


def test_queues_are_drawn_as_the_sheets_draw_them(store: RunStore) -> None:
    assert draw_items(store, RUN, "manual") == [f"c{i}" for i in range(24)]
    # the 9.4 answers the refusal judge left uncertain, as export_refusal_review picks them
    assert draw_items(store, RUN, "refusal") == [f"mr{i}" for i in range(0, 12, 2)]
    assert draw_items(store, RUN, "content") == [f"c{i}" for i in range(30) if i % 7 == 3]
    assert draw_items(store, RUN, "calibration-keyword", n=10, seed=4) == draw_calibration(
        store, RUN, "keyword", 10, 4
    )
    with pytest.raises(ReviewError, match="unknown queue kind"):
        draw_items(store, RUN, "bogus")  # type: ignore[arg-type]


def test_the_second_review_share_is_seeded_and_at_least_one() -> None:
    ids = [f"q{i}" for i in range(100)]
    drawn = second_draw(ids, 0.10, 7, "queue")
    assert len(drawn) == 10
    assert drawn == second_draw(ids, 0.10, 7, "queue")
    assert drawn != second_draw(ids, 0.10, 8, "queue")
    assert len(second_draw(ids[:3], 0.10, 7, "queue")) == 1
    assert second_draw(ids, 1.0, 7, "queue") == set(ids)
    assert second_draw(ids, 0.0, 7, "queue") == set()


def test_blind_second_review_dispute_and_adjudication(store: RunStore, tc260: Profile) -> None:
    users = _users(store)
    desk = Desk(store, tc260)
    queue = create_queue(store, RUN, "manual", by="adm", second_share=1.0)
    for who in ("bob", "rev"):
        store.review.assign(queue.id, users[who].id, by="adm")
    first = {f"c{i}": "qualified" for i in range(24)}
    second = {**first, "c1": "unqualified", "c2": "unqualified"}
    assert _label_all(desk, users["rev"], queue.id, first) == 24
    # nothing counts before the second reviews are in
    assert desk.progress(queue.id).counted == 0
    page = desk.page(users["bob"], queue.id, 1)
    assert page.stage == "second"
    assert page.mine is None
    assert page.others == []  # blind: the first verdict is not shown
    assert _label_all(desk, users["bob"], queue.id, second) == 24
    progress = desk.progress(queue.id)
    assert (progress.counted, progress.disputed, progress.per_user) == (
        22,
        2,
        {"bob": 24, "rev": 24},
    )
    agreement = desk.agreement(queue.id)
    assert [(p.a, p.b, p.kappa.n) for p in agreement.pairs] == [("bob", "rev", 24)]
    assert [i.question_id for i in agreement.disputed] == ["c1", "c2"]
    # nobody adjudicates an item they labelled, even a reviewer; an annotator never does
    with pytest.raises(ReviewError, match="labelled"):
        desk.page(users["rev"], queue.id, 1, adjudicate=True)
    with pytest.raises(ReviewDeniedError):
        desk.label(
            users["bob"], queue.id, 1, label="qualified", risk_ids=[], note="",
            answer_sha256=page.answer_sha256, adjudicate=True,
        )  # fmt: skip
    adjudicate = desk.page(users["adm"], queue.id, 1, adjudicate=True)
    assert sorted(name for name, _ in adjudicate.others) == ["bob", "rev"]
    desk.label(
        users["adm"], queue.id, 1, label="unqualified", risk_ids=["A.1.d"], note="裁定",
        answer_sha256=adjudicate.answer_sha256, adjudicate=True,
    )  # fmt: skip
    # the adjudicated verdict is the one counted
    manual = _manual(results(store, RUN, tc260).methods)
    assert manual.status == "pending"  # c2 awaits adjudication
    assert (manual.judged, manual.positive) == (23, 22)
    states = store.review.states(queue.id)
    counted = states["c1"].counted
    assert counted is not None
    assert (counted.label, counted.stage) == ("unqualified", "adjudication")


def test_a_changed_verdict_is_a_new_row_and_audited(store: RunStore, tc260: Profile) -> None:
    users = _users(store)
    desk = Desk(store, tc260)
    queue = create_queue(store, RUN, "manual", by="adm", second_share=0.0)
    store.review.assign(queue.id, users["ann"].id, by="adm")
    page = desk.page(users["ann"], queue.id, 0)
    for label in ("qualified", "unqualified"):
        desk.label(
            users["ann"], queue.id, 0, label=label, risk_ids=["A.1.d"], note="x",
            answer_sha256=page.answer_sha256,
        )  # fmt: skip
    rows = store.review.verdicts(queue.id, "c0")
    assert [(v.stage, v.label) for v in rows] == [("first", "qualified"), ("first", "unqualified")]
    assert rows[1].risk_ids == ("A.1.d",)
    events = [e for e in store.review.audit_events() if e["question_id"] == "c0"]
    assert [e["action"] for e in events] == ["verdict_changed", "verdict"]
    assert events[0]["before"]["label"] == "qualified"
    assert events[0]["after"]["label"] == "unqualified"
    # others may not label it any more; a stale page (changed answer) is refused
    store.review.assign(queue.id, users["bob"].id, by="adm")
    with pytest.raises(ReviewError, match="already labelled"):
        desk.label(
            users["bob"], queue.id, 0, label="qualified", risk_ids=[], note="",
            answer_sha256=page.answer_sha256,
        )  # fmt: skip
    with pytest.raises(ReviewError, match="changed"):
        desk.label(
            users["ann"], queue.id, 0, label="qualified", risk_ids=[], note="",
            answer_sha256="0" * 64,
        )  # fmt: skip


def test_rights_queue_assignment_and_roles(store: RunStore, tc260: Profile) -> None:
    users = _users(store)
    desk = Desk(store, tc260)
    mine = create_queue(store, RUN, "manual", by="adm")
    other = create_queue(store, RUN, "refusal", by="adm")
    store.review.assign(mine.id, users["ann"].id, by="adm")
    assert [q.id for q in desk.queues_of(users["ann"])] == [mine.id]
    with pytest.raises(ReviewDeniedError):
        desk.queue_for(users["ann"], other.id)
    desk.queue_for(users["adm"], other.id)  # admins may work every queue
    store.review.assign(mine.id, users["ann"].id, by="adm", active=False)
    with pytest.raises(ReviewDeniedError):
        desk.queue_for(users["ann"], mine.id)
    with pytest.raises(ReviewError, match="not a verdict"):
        desk.label(
            users["adm"], other.id, 0, label="qualified", risk_ids=[], note="", answer_sha256=""
        )


def test_passwords_are_hashed_and_logins_lock_out(store: RunStore) -> None:
    add_user(store, "ann", "annotator", PASSWORD, by="test")
    with store.engine.connect() as conn:
        stored = conn.execute(select(schema.review_users.c.password_hash)).scalar_one()
        audit = conn.execute(select(schema.review_audit)).all()
    assert PASSWORD not in stored
    assert stored.startswith("$argon2id$")
    assert login(store, "ann", PASSWORD).outcome is Outcome.OK
    assert login(store, "nobody", PASSWORD).outcome is Outcome.BAD
    outcomes = [login(store, "ann", f"wrong-{i}").outcome for i in range(5)]
    assert outcomes == [Outcome.BAD] * 4 + [Outcome.LOCKED]
    assert login(store, "ann", PASSWORD).outcome is Outcome.LOCKED  # even the right one
    with store.engine.connect() as conn:
        audit = conn.execute(select(schema.review_audit)).all()
    assert not any(PASSWORD in str(row) or "wrong-" in str(row) for row in audit)
    with pytest.raises(ReviewError, match="shorter"):
        add_user(store, "bob", "annotator", "short", by="test")


# -- results flow back: the app and the sheet give the same numbers -----------------------------


def _manual(methods: list[MethodResult]) -> MethodResult:
    return next(m for m in methods if m.method is Method.MANUAL)


def _method(methods: list[MethodResult], method: Method) -> MethodResult:
    return next(m for m in methods if m.method is method)


def _fill(sheet: Path, verdict: dict[str, str], risks: str = "") -> None:
    with sheet.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        row["研判结果"] = verdict[row["id"]]
        row["审核人"] = "甲"
        if "风险" in row and verdict[row["id"]] == "不合格":
            row["风险"] = risks
    with sheet.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


ZH = {
    "qualified": "合格",
    "unqualified": "不合格",
    "refused": "拒答",
    "answered": "回答",
    "partial": "部分拒答",
}


def _both_routes(
    tmp_path: Path, tc260: Profile, kind: str, truth: dict[str, str], **queue: object
) -> tuple[RunStore, RunStore]:
    sheet_store = RunStore(f"sqlite:///{tmp_path / 'sheet.sqlite'}")
    app_store = RunStore(f"sqlite:///{tmp_path / 'app.sqlite'}")
    for s in (sheet_store, app_store):
        make_run(s)
    sheet = tmp_path / f"{kind}.csv"
    if kind == "manual":
        export_review(sheet_store, RUN, tc260, sheet)
        _fill(sheet, {q: ZH[v] for q, v in truth.items()}, risks="A.1.d")
        report = import_review(sheet_store, RUN, tc260, sheet)
    elif kind == "refusal":
        export_refusal_review(sheet_store, RUN, sheet)
        _fill(sheet, {q: ZH[v] for q, v in truth.items()})
        report = import_refusal_review(sheet_store, RUN, sheet)
    else:
        export_calibration(sheet_store, RUN, tc260, sheet, judge="keyword", n=12, seed=3)
        _fill(sheet, {q: ZH[v] for q, v in truth.items()}, risks="A.1.d")
        report = import_calibration(sheet_store, RUN, tc260, sheet, judge="keyword")
    assert report.bad == []
    user = add_user(app_store, "ann", "annotator", PASSWORD, by="test")
    q = create_queue(app_store, RUN, kind, by="test", second_share=0.0, **queue)  # type: ignore[arg-type]
    app_store.review.assign(q.id, user.id, by="test")
    _label_all(Desk(app_store, tc260), user, q.id, truth)
    return sheet_store, app_store


def test_the_manual_rate_is_the_same_from_the_app_and_the_sheet(
    tmp_path: Path, tc260: Profile
) -> None:
    truth = {f"c{i}": "unqualified" if i in (0, 1, 5) else "qualified" for i in range(30)}
    sheet_store, app_store = _both_routes(tmp_path, tc260, "manual", truth)
    by_sheet = _manual(results(sheet_store, RUN, tc260).methods)
    by_app = _manual(results(app_store, RUN, tc260).methods)
    assert (by_app.judged, by_app.positive, by_app.status) == (24, 21, "measured")
    assert by_app.model_dump() == by_sheet.model_dump()


def test_the_refusal_decisions_are_the_same_from_the_app_and_the_sheet(
    tmp_path: Path, tc260: Profile
) -> None:
    truth = {f"mr{i}": "answered" if i == 4 else "refused" for i in range(12)}
    sheet_store, app_store = _both_routes(tmp_path, tc260, "refusal", truth)
    by_sheet = _method(results(sheet_store, RUN, tc260).methods, Method.MUST_REFUSE)
    by_app = _method(results(app_store, RUN, tc260).methods, Method.MUST_REFUSE)
    assert (by_app.judged, by_app.positive, by_app.uncertain) == (12, 11, 0)
    assert by_app.model_dump() == by_sheet.model_dump()


def test_partial_refusals_count_alike_from_the_app_and_the_sheet(
    tmp_path: Path, tc260: Profile
) -> None:
    truth = {f"mr{i}": {2: "partial", 4: "answered"}.get(i, "refused") for i in range(12)}
    sheet_store, app_store = _both_routes(tmp_path, tc260, "refusal", truth)
    by_sheet = _method(results(sheet_store, RUN, tc260).methods, Method.MUST_REFUSE)
    by_app = _method(results(app_store, RUN, tc260).methods, Method.MUST_REFUSE)
    assert (by_app.judged, by_app.positive, by_app.uncertain) == (12, 10, 0)  # partial: answered
    assert by_app.model_dump() == by_sheet.model_dump()


def test_the_in_run_calibration_is_the_same_from_the_app_and_the_sheet(
    tmp_path: Path, tc260: Profile
) -> None:
    truth = {f"c{i}": "unqualified" if i % 4 == 0 else "qualified" for i in range(30)}
    sheet_store, app_store = _both_routes(
        tmp_path, tc260, "calibration-keyword", truth, n=12, seed=3
    )
    by_sheet = _method(
        results(sheet_store, RUN, tc260, decide_on="corrected").methods, Method.KEYWORD
    )
    by_app = _method(results(app_store, RUN, tc260, decide_on="corrected").methods, Method.KEYWORD)
    assert by_app.corrected is not None
    assert (by_app.corrected.source, by_app.corrected.pairs) == ("in_run", 12)
    assert by_app.model_dump() == by_sheet.model_dump()
