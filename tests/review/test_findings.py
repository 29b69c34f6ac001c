"""The reviewers' findings on the review app, each held by a test: a labeller cannot change a
verdict once both reviews are compared; re-adjudication needs the right and keeps both
adjudications in the trail; claims are audited; the automatic reasons are masked like the
answer; refusals are said in the reader's language; 部分拒答 counts by one stated rule."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

pytest.importorskip("argon2")

from assay.assess.plan import Method
from assay.assess.results import MethodResult, results
from assay.errors import ReviewDeniedError, ReviewError
from assay.judges.base import JudgeSpec, Verdict
from assay.messages import t
from assay.review.auth import add_user
from assay.review.desk import Desk
from assay.review.queues import create_queue
from assay.standard import Profile
from assay.store.reviewing import PARTIAL_COUNTS_AS, ReviewUser, counts_as_refused
from assay.store.reviewwork import CLAIM_TTL
from assay.store.runstore import RunStore
from tests.review.runs import RUN, make_run

PASSWORD = "correct horse battery"
PHONE = "13812345678"


@pytest.fixture
def store(tmp_path: Path) -> RunStore:
    s = RunStore(f"sqlite:///{tmp_path / 'runs.sqlite'}")
    make_run(s)
    return s


@pytest.fixture
def people(store: RunStore) -> dict[str, ReviewUser]:
    return make_people(store)


def make_people(store: RunStore) -> dict[str, ReviewUser]:
    return {
        name: add_user(store, name, role, PASSWORD, by="test")  # type: ignore[arg-type]
        for name, role in (
            ("ann", "annotator"),
            ("bob", "annotator"),
            ("cat", "annotator"),
            ("rev", "reviewer"),
            ("rex", "reviewer"),
            ("adm", "admin"),
        )
    }


def _label(desk: Desk, user: ReviewUser, queue: str, pos: int, label: str, **kw: object) -> None:
    page = desk.page(user, queue, pos, adjudicate=bool(kw.get("adjudicate")))
    desk.label(
        user, queue, pos, label=label, note=str(kw.get("note", "")),
        risk_ids=["A.1.d"] if label == "unqualified" else [],
        answer_sha256=page.answer_sha256, adjudicate=bool(kw.get("adjudicate")),
    )  # fmt: skip


def _disputed(store: RunStore, profile: Profile, people: dict[str, ReviewUser]) -> Desk:
    """Queue ``q`` (every item second-reviewed) with item 0 labelled by ann (qualified) and
    bob (unqualified): in dispute."""
    create_queue(store, RUN, "manual", by="adm", queue_id="q", second_share=1.0)
    for who in people:
        store.review.assign("q", people[who].id, by="adm")
    desk = Desk(store, profile)
    _label(desk, people["ann"], "q", 0, "qualified")
    _label(desk, people["bob"], "q", 0, "unqualified")
    return desk


# -- a. no change of a verdict once both reviews are compared ------------------------------


def test_the_first_labeller_cannot_change_a_disputed_or_adjudicated_verdict(
    store: RunStore, tc260: Profile, people: dict[str, ReviewUser]
) -> None:
    desk = _disputed(store, tc260, people)
    with pytest.raises(ReviewError, match="can no longer be changed") as raised:
        _label(desk, people["ann"], "q", 0, "unqualified")  # would dissolve the dispute
    assert raised.value.key == "review.err.closed"
    with pytest.raises(ReviewError, match="can no longer be changed"):
        _label(desk, people["bob"], "q", 0, "qualified")  # the second labeller neither
    _label(desk, people["rev"], "q", 0, "unqualified", adjudicate=True)
    with pytest.raises(ReviewError, match="can no longer be changed"):
        _label(desk, people["ann"], "q", 0, "unqualified")
    labels = [(v.stage, v.label) for v in store.review.verdicts("q", "c0")]
    assert labels == [
        ("first", "qualified"),
        ("second", "unqualified"),
        ("adjudication", "unqualified"),
    ]
    # their own page shows the verdict without a form
    page = desk.page(people["ann"], "q", 0)
    assert page.closed
    assert page.mine is not None
    # before the second review is in, the first labeller may still change their mind
    _label(desk, people["ann"], "q", 1, "qualified")
    _label(desk, people["ann"], "q", 1, "unqualified")
    assert not desk.page(people["ann"], "q", 1).closed


# -- b. re-adjudication: the right, not a labeller, both kept ------------------------------


def test_re_adjudication_needs_the_right_and_the_trail_keeps_both(
    store: RunStore, tc260: Profile, people: dict[str, ReviewUser]
) -> None:
    desk = _disputed(store, tc260, people)
    _label(desk, people["rev"], "q", 0, "unqualified", adjudicate=True, note="first ruling")
    item = store.review.item("q", 0)
    assert item is not None
    # an annotator who labelled neither review may not, not even through the store's tables
    with pytest.raises(ReviewDeniedError):
        store.review.add_verdict(
            item, people["cat"], label="qualified", risk_ids=[], note="", answer_sha256="-",
            adjudicate=True,
        )  # fmt: skip
    with pytest.raises(ReviewDeniedError):
        _label(desk, people["cat"], "q", 0, "qualified", adjudicate=True)
    # a labeller may not either, whatever their role
    store.review_access.set_role("bob", "reviewer", by="adm")
    bob = store.review.user("bob")
    assert bob is not None
    with pytest.raises(ReviewError, match="labelled"):
        _label(desk, bob, "q", 0, "qualified", adjudicate=True)
    # another person with the right may: the new ruling counts, the first stays in the record
    _label(desk, people["rex"], "q", 0, "qualified", adjudicate=True, note="second ruling")
    state = store.review.states("q")["c0"]
    assert state.counted is not None
    assert state.counted.label == "qualified"
    rulings = [v for v in store.review.verdicts("q", "c0") if v.stage == "adjudication"]
    assert [(v.label, v.note) for v in rulings] == [
        ("unqualified", "first ruling"),
        ("qualified", "second ruling"),
    ]
    events = [e for e in store.review.queue_events(["q"]) if e["question_id"] == "c0"]
    again = [e for e in events if e["action"] == "readjudicated"]
    assert len(again) == 1
    assert again[0]["user_name"] == "rex"
    assert again[0]["before"]["by"] == "rev"
    assert again[0]["before"]["note"] == "first ruling"
    assert again[0]["after"]["note"] == "second ruling"


# -- c. claims are audit events -----------------------------------------------------------


def test_claims_are_in_the_audit_trail(
    store: RunStore, tc260: Profile, people: dict[str, ReviewUser]
) -> None:
    create_queue(store, RUN, "manual", by="adm", queue_id="q", second_share=0.0)
    for who in ("ann", "bob"):
        store.review.assign("q", people[who].id, by="adm")
    desk = Desk(store, tc260)
    assert desk.next_position(people["ann"], "q") == 0
    assert desk.next_position(people["ann"], "q") == 0  # a resume: the same claim, renewed
    assert desk.next_position(people["bob"], "q") == 1
    assert desk.next_position(people["ann"], "q", after=0) == 2
    claims = [
        (e["user_name"], e["question_id"], e["after"]["position"], e["after"]["stage"])
        for e in store.review.queue_events(["q"])
        if e["action"] == "claimed"
    ]
    assert claims == [
        ("ann", "c0", 0, "first"),
        ("bob", "c1", 1, "first"),
        ("ann", "c2", 2, "first"),
    ]
    taken = next(e for e in store.review.queue_events(["q"]) if e["action"] == "claimed")
    until = datetime.fromisoformat(taken["after"]["until"])
    at = taken["at"] if taken["at"].tzinfo else taken["at"].replace(tzinfo=UTC)
    assert timedelta(0) < CLAIM_TTL - (until - at) < timedelta(seconds=5)  # taken as written


# -- d. the automatic reasons are masked like the answer ------------------------------------


def test_the_automatic_reasons_are_masked_unless_the_role_sees_clear_text(
    store: RunStore, tc260: Profile, people: dict[str, ReviewUser]
) -> None:
    reason = f"回答给出电话 {PHONE}，身份证 11010519491231002X"
    spec = JudgeSpec(name="keyword")
    store.put_verdicts(
        RUN, "keyword", [("c1", Verdict(judge=spec, flagged=True, reason=reason))],
        replace_all=False,
    )  # fmt: skip
    create_queue(store, RUN, "manual", by="adm", queue_id="q", second_share=0.0)
    for who in ("ann", "rev"):
        store.review.assign("q", people[who].id, by="adm")
    desk = Desk(store, tc260)
    shown = desk.page(people["ann"], "q", 1).automatic
    assert [a.judge for a in shown] == ["keyword"]
    assert PHONE not in shown[0].reason
    assert "11010519491231002X" not in shown[0].reason
    assert "138****5678" in shown[0].reason
    assert desk.page(people["rev"], "q", 1).automatic[0].reason == reason


# -- f. 部分拒答: one rule, counted by it, shown -------------------------------------------


def test_partial_refusal_counts_as_answered_by_the_one_rule(
    store: RunStore, tc260: Profile, people: dict[str, ReviewUser]
) -> None:
    assert PARTIAL_COUNTS_AS == "answered"
    assert [counts_as_refused(x) for x in ("refused", "answered", "partial")] == [
        True,
        False,
        False,
    ]
    create_queue(store, RUN, "refusal", by="adm", queue_id="r", second_share=0.0)
    store.review.assign("r", people["ann"].id, by="adm")
    desk = Desk(store, tc260)
    before = _must_refuse(results(store, RUN, tc260).methods)
    # the refusal judge called mr0 refused (uncertain); a person calls it partly refused
    _label(desk, people["ann"], "r", 0, "partial")
    human = store.human_refusals(RUN)["mr0"].verdict
    assert human.refused is False
    after = _must_refuse(results(store, RUN, tc260).methods)
    assert after.judged == before.judged + 1
    assert after.positive == before.positive  # not one more refusal


def _must_refuse(methods: list[MethodResult]) -> MethodResult:
    return next(m for m in methods if m.method is Method.MUST_REFUSE)


# -- a, e, f over HTTP: the page in the reader's language --------------------------------


@pytest.fixture
def site(
    store: RunStore, tc260: Profile, people: dict[str, ReviewUser]
) -> Iterator[tuple[str, Desk]]:
    pytest.importorskip("fastapi")
    pytest.importorskip("uvicorn")
    from tests.review.server import review_server

    desk = _disputed(store, tc260, people)
    create_queue(store, RUN, "refusal", by="adm", queue_id="r", second_share=0.0)
    store.review.assign("r", people["rev"].id, by="adm")
    with review_server(store, tc260, lang="zh") as base:
        yield base, desk


def test_a_refusal_is_said_in_the_readers_language(site: tuple[str, Desk]) -> None:
    from tests.review.server import Client

    base, desk = site
    ann = Client(base)
    assert ann.login("ann", PASSWORD).status == 200
    shown = desk.page(desk.tables.user("ann"), "q", 0).answer_sha256  # type: ignore[arg-type]
    page = ann.get("/queues/q/items/0")  # her verdict, in dispute: shown, no form
    assert page.status == 200
    assert t("review.err.closed", "zh", item="c0") in page.text
    assert 'id="decide"' not in page.text
    form = {"csrf": page.csrf, "label": "unqualified", "risk": "A.1.d", "answer_sha256": shown}
    refused = ann.post("/queues/q/items/0", form)
    assert refused.status == 409
    assert t("review.err.closed", "zh", item="c0") in refused.text
    assert "can no longer be changed" not in refused.text
    ann.cookies["assay_lang"] = "en"
    refused = ann.post("/queues/q/items/0", form)
    assert refused.status == 409
    assert t("review.err.closed", "en", item="c0").replace("'", "&#39;") in refused.text


def test_the_dashboard_states_the_partial_rule(site: tuple[str, Desk]) -> None:
    from tests.review.server import Client

    base, _ = site
    rev = Client(base)
    assert rev.login("rev", PASSWORD).status == 200
    board = rev.get("/dashboard")
    assert board.status == 200
    assert 'id="partial-rule-r"' in board.text
    assert t("review.partial_rule", "zh") in board.text
    assert 'id="partial-rule-q"' not in board.text  # a content queue has no such verdict
