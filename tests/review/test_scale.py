"""An item page, the next item and the progress cost the same whatever the queue's size: the
work each takes, counted in SQLite virtual-machine steps (deterministic, not a clock), is alike
for a queue of 100 and of 2,000 items, and no statement scans a review table."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

pytest.importorskip("argon2")

from assay.review.auth import add_user
from assay.review.desk import Desk
from assay.review.queues import create_queue
from assay.standard import Profile
from assay.store.reviewing import ReviewUser
from assay.store.runstore import RunStore
from tests.review.runs import RUN, make_run

PASSWORD = "correct horse battery"
SMALL, LARGE = 100, 2000
DONE = 40  # items labelled before measuring
SMALL_TABLES = ("review_users",)  # people: a handful of rows, read whole
# "SCAN CONSTANT ROW": the one row of a SELECT without FROM (lookups asked together as scalar
# subqueries), no table
NOT_TABLES = ("CONSTANT ROW",)


class Meter:
    """Counts the SQLite VM steps (in tens) and keeps the statements run on ``store``."""

    def __init__(self, store: RunStore) -> None:
        self.steps = 0
        self.statements: list[tuple[str, Any]] = []
        self.on = False
        engine = store.engine
        engine.dispose()
        event.listen(engine, "connect", self._connect)
        event.listen(engine, "before_cursor_execute", self._statement)

    def _connect(self, dbapi: Any, _record: Any) -> None:
        dbapi.set_progress_handler(self._tick, 10)

    def _tick(self) -> int:
        if self.on:
            self.steps += 1
        return 0

    def _statement(self, _c: Any, _cursor: Any, statement: str, params: Any, *_a: Any) -> None:
        if self.on:
            self.statements.append((statement, params))

    @contextmanager
    def measure(self) -> Iterator[None]:
        self.steps, self.statements, self.on = 0, [], True
        try:
            yield
        finally:
            self.on = False


def _queue(tmp_path: Path, profile: Profile, n: int) -> tuple[RunStore, Desk, list[ReviewUser]]:
    store = RunStore(f"sqlite:///{tmp_path / f'runs{n}.sqlite'}")
    make_run(store, manual=n, keyword=0, refusal=0)
    queue = create_queue(store, RUN, "manual", by="t", queue_id="q", second_share=0.5)
    people = []
    for name, role in (("ann", "annotator"), ("bob", "annotator"), ("rev", "reviewer")):
        user = add_user(store, name, role, PASSWORD, by="t")  # type: ignore[arg-type]
        store.review.assign(queue.id, user.id, by="t")
        people.append(user)
    desk = Desk(store, profile)
    ann, bob, _ = people
    for who, label in ((ann, "qualified"), (bob, "unqualified")):
        for _ in range(DONE):
            position = desk.next_position(who, "q")
            assert position is not None
            _label(desk, who, position, label)
    return store, desk, people


def _label(desk: Desk, who: ReviewUser, position: int, label: str) -> None:
    page = desk.page(who, "q", position)
    risks = ["A.1.d"] if label == "unqualified" else []
    desk.label(
        who, "q", position, label=label, risk_ids=risks, note="",
        answer_sha256=page.answer_sha256,
    )  # fmt: skip


def _requests(desk: Desk, people: list[ReviewUser]) -> dict[str, Callable[[], object]]:
    ann, bob, rev = people
    second, first_by = _second_due(desk)
    viewer = ann if first_by == bob.id else bob

    def next_and_label() -> None:
        position = desk.next_position(ann, "q", after=DONE)
        assert position is not None
        _label(desk, ann, position, "qualified")

    return {
        "next": lambda: desk.next_position(bob, "q"),
        "page": lambda: desk.page(ann, "q", DONE * 2 + 5),
        "second page": lambda: desk.page(viewer, "q", second),
        "label": next_and_label,
        "progress": lambda: desk.progress("q"),
        "dispute": lambda: desk.next_dispute(rev, "q"),
    }


def _second_due(desk: Desk) -> tuple[int, int]:
    """An item awaiting its second review and who labelled it first (found before measuring)."""
    states = desk.tables.states("q").values()
    return min(
        (s.item.position, s.first.user_id)
        for s in states
        if s.item.second and s.first is not None and s.second is None
    )


def _cost(store: RunStore, desk: Desk, people: list[ReviewUser]) -> dict[str, int]:
    meter = Meter(store)
    costs = {}
    for name, request in _requests(desk, people).items():
        with meter.measure():
            request()
        costs[name] = meter.steps
    return costs


def test_pages_next_item_and_progress_cost_the_same_at_any_size(
    tmp_path: Path, tc260: Profile
) -> None:
    small = _cost(*_queue(tmp_path, tc260, SMALL))
    large = _cost(*_queue(tmp_path, tc260, LARGE))
    for name, steps in small.items():
        # 20 times the items; an O(items) request costs about 20 times more
        assert large[name] <= 1.5 * steps + 50, (name, small, large)


def test_no_statement_of_a_request_scans_a_review_table(tmp_path: Path, tc260: Profile) -> None:
    store, desk, people = _queue(tmp_path, tc260, SMALL)
    meter = Meter(store)
    with meter.measure():
        for request in _requests(desk, people).values():
            request()
    statements = [
        (s, p)
        for s, p in meter.statements
        if s.lstrip().upper().startswith(("SELECT", "UPDATE", "DELETE"))
    ]
    assert statements
    scans = []
    with store.engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        for statement, params in statements:
            for row in raw.execute(f"EXPLAIN QUERY PLAN {statement}", params).fetchall():
                detail = str(row[-1])
                small = any(t in detail for t in (*SMALL_TABLES, *NOT_TABLES))
                if detail.startswith("SCAN") and not small:
                    scans.append((detail, statement))
    assert scans == []
