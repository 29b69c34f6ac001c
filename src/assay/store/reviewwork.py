"""A review queue's working state: its to-do list with claims, its counters, and who labelled
what, so that a page reads a few index entries whatever the queue's size.

Three tables, all derived from the items and verdicts (which stay the record, appended only):

* ``review_work`` — one row per (stage, item) awaiting a person: ``first`` for an item nobody
  labelled, ``second`` for an item drawn for a second review whose first verdict is in (barred to
  its first labeller), ``adjudication`` for a disputed item (barred to both labellers). A row is
  deleted when its verdict is written. A row given to a person carries a claim until
  ``claimed_until``: nobody else is sent to it (nor may label it) while the claim lasts, and
  an abandoned claim lapses by itself.
* ``review_tallies`` — the queue's progress counters (``items``, ``labelled``, … and
  ``user:ID``), changed by each verdict's difference, in its transaction.
* ``review_marks`` — the positions each person labelled (first or second), for "previous".

Every function here runs inside a transaction that holds the queue's lock
(:func:`assay.store.locks.serial`), so two people asking for the next item at once are given
two different items.

The statements a page or a verdict runs are built once, here, with bound parameters (building
a SQLAlchemy expression costs more than SQLite takes to run it), and the lookups a page needs
are asked together: the next open item of each stage, after a position and from the start, is
one statement of index probes (:data:`_NEXT_OPEN`), and so is an item's neighbourhood
(:func:`around`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import (
    ColumnElement,
    Connection,
    ScalarSelect,
    Update,
    and_,
    bindparam,
    case,
    delete,
    insert,
    or_,
    select,
    update,
)

from assay.store import schema

if TYPE_CHECKING:
    from assay.store.reviewing import ItemState

CLAIM_TTL = timedelta(minutes=15)  # how long an item stays given to a person who left it
LABEL_STAGES = ("first", "second")
W = schema.review_work
T = schema.review_tallies
M = schema.review_marks


def _not_barred(user: ColumnElement[int]) -> ColumnElement[bool]:
    return and_(
        or_(W.c.barred_a.is_(None), W.c.barred_a != user),
        or_(W.c.barred_b.is_(None), W.c.barred_b != user),
    )


def _open(stage: str, after: str) -> ScalarSelect[int]:
    """The first position of ``stage`` after the parameter ``after`` that ``:user`` may take
    and nobody else holds at ``:now`` (an index range scan of the primary key)."""
    user = bindparam("user", type_=W.c.claimed_by.type)
    free = or_(
        W.c.claimed_by.is_(None),
        W.c.claimed_by == user,
        W.c.claimed_until <= bindparam("now", type_=W.c.claimed_until.type),
    )
    return (
        select(W.c.position)
        .where(
            and_(
                W.c.queue_id == bindparam("queue"),
                W.c.stage == stage,
                W.c.position > bindparam(after, type_=W.c.position.type),
                free,
                _not_barred(user),
            )
        )
        .order_by(W.c.position)
        .limit(1)
        .scalar_subquery()
    )


_BUILT = select(T.c.value).where((T.c.queue_id == bindparam("queue")) & (T.c.key == "items"))
_NEXT_OPEN = select(  # (first, second) after :after, then (first, second) from the start
    *(_open(stage, "after").label(f"{stage}_after") for stage in LABEL_STAGES),
    *(_open(stage, "start").label(f"{stage}_start") for stage in LABEL_STAGES),
)
_HOLDER = (  # who else holds a live claim on (:stage, :position)
    select(W.c.claimed_by)
    .where(
        (W.c.queue_id == bindparam("queue"))
        & (W.c.stage == bindparam("stage"))
        & (W.c.position == bindparam("position"))
        & W.c.claimed_by.is_not(None)
        & (W.c.claimed_by != bindparam("user", type_=W.c.claimed_by.type))
        & (W.c.claimed_until > bindparam("now", type_=W.c.claimed_until.type))
    )
    .scalar_subquery()
)
_PREVIOUS = (  # the last item before :position that :user labelled
    select(M.c.position)
    .where(
        (M.c.queue_id == bindparam("queue"))
        & (M.c.user_id == bindparam("user", type_=M.c.user_id.type))
        & (M.c.position < bindparam("position", type_=M.c.position.type))
    )
    .order_by(M.c.position.desc())
    .limit(1)
    .scalar_subquery()
)
_AROUND = select(_HOLDER.label("holder"), _PREVIOUS.label("previous"), *_NEXT_OPEN.selected_columns)
_TALLIES = select(T.c.key, T.c.value).where(T.c.queue_id == bindparam("queue"))
_RELEASE = (
    update(W)
    .where((W.c.queue_id == bindparam("queue")) & (W.c.claimed_by == bindparam("user")))
    .values(claimed_by=None, claimed_until=None)
)
_CLAIM = (
    update(W)
    .where(
        (W.c.queue_id == bindparam("queue"))
        & (W.c.stage == bindparam("at_stage"))
        & (W.c.position == bindparam("at_position"))
    )
    .values(claimed_by=bindparam("to_user"), claimed_until=bindparam("to_until"))
)
_OWN = (
    select(W.c.stage, W.c.position)
    .where(
        (W.c.queue_id == bindparam("queue"))
        & (W.c.claimed_by == bindparam("user"))
        & (W.c.claimed_until > bindparam("now", type_=W.c.claimed_until.type))
        & W.c.stage.in_(LABEL_STAGES)
    )
    .order_by(W.c.position)
    .limit(1)
)
_DROP_WORK = delete(W).where(
    (W.c.queue_id == bindparam("queue"))
    & (W.c.position == bindparam("position"))
    & W.c.stage.in_(bindparam("stages", expanding=True))
)
_ADD_WORK = insert(W)
_ADD_MARK = insert(M)
_ADD_TALLY = insert(T)


def built(conn: Connection, queue_id: str) -> bool:
    """Whether the queue's working state exists (queues made before it lack it)."""
    return conn.execute(_BUILT, {"queue": queue_id}).first() is not None


def build(conn: Connection, queue_id: str, states: Iterable[ItemState]) -> None:
    """Write the queue's working state from its items' states (a new queue, or an old one)."""
    conn.execute(delete(W).where(W.c.queue_id == queue_id))
    conn.execute(delete(T).where(T.c.queue_id == queue_id))
    conn.execute(delete(M).where(M.c.queue_id == queue_id))
    work: list[dict[str, object]] = []
    marks: list[dict[str, object]] = []
    totals: Counter[str] = Counter()
    for state in states:
        totals["items"] += 1
        totals["second_due"] += state.item.second
        totals.update(contribution(state))
        work += [_work_row(state, stage) for stage in due(state)]
        marks += [
            {"queue_id": queue_id, "user_id": v.user_id, "position": state.item.position}
            for v in (state.first, state.second)
            if v is not None
        ]
    totals["items"] += 0  # present even for an empty queue: it marks the state as built
    if work:
        conn.execute(insert(W), work)
    if marks:
        conn.execute(insert(M), marks)
    conn.execute(
        insert(T), [{"queue_id": queue_id, "key": k, "value": v} for k, v in totals.items()]
    )


def due(state: ItemState) -> list[str]:
    """The stages of this item that await a person."""
    stages = []
    if state.first is None:
        stages.append("first")
    elif state.item.second and state.second is None:
        stages.append("second")
    if state.disputed and state.adjudication is None:
        stages.append("adjudication")
    return stages


def contribution(state: ItemState) -> Counter[str]:
    """What one item adds to the queue's counters."""
    c: Counter[str] = Counter()
    c["labelled"] += state.first is not None
    c["second_done"] += state.second is not None
    c["disputed"] += state.disputed and state.adjudication is None
    c["adjudicated"] += state.adjudication is not None
    c["counted"] += state.counted is not None
    for v in (state.first, state.second, state.adjudication):
        if v is not None:
            c[f"user:{v.user_id}"] += 1
    return c


def update_item(conn: Connection, before: ItemState, after: ItemState) -> None:
    """Bring an item's work rows, the counters and the marks from ``before`` to ``after``
    (one verdict written)."""
    item = after.item
    old = set(due(before))
    new = set(due(after))
    gone = old - new
    if gone:
        conn.execute(
            _DROP_WORK,
            {"queue": item.queue_id, "position": item.position, "stages": sorted(gone)},
        )
    added = [_work_row(after, stage) for stage in sorted(new - old)]
    if added:
        conn.execute(_ADD_WORK, added)
    delta = contribution(after)
    delta.subtract(contribution(before))
    _add(conn, item.queue_id, {key: change for key, change in delta.items() if change})
    marks = [
        {"queue_id": item.queue_id, "user_id": v.user_id, "position": item.position}
        for v in (after.first, after.second)
        if v is not None
        and (before.first is None or before.first.user_id != v.user_id)
        and (before.second is None or before.second.user_id != v.user_id)
    ]
    if marks:
        conn.execute(_ADD_MARK, marks)


def tallies(conn: Connection, queue_id: str) -> dict[str, int]:
    rows = conn.execute(_TALLIES, {"queue": queue_id}).all()
    return {k: int(v) for k, v in rows}


def claimed_by_other(
    conn: Connection, queue_id: str, stage: str, position: int, user_id: int, now: datetime
) -> int | None:
    """Who else holds a live claim on this item's ``stage``, if anybody."""
    found = conn.execute(
        select(_HOLDER.label("holder")),
        {"queue": queue_id, "stage": stage, "position": position, "user": user_id, "now": now},
    ).scalar()
    return None if found is None else int(found)


def next_open(
    conn: Connection, queue_id: str, user_id: int, after: int, now: datetime
) -> tuple[str, int] | None:
    """The first item after ``after`` (then from the start) ``user_id`` may label that nobody
    else holds: (stage, position)."""
    row = conn.execute(
        _NEXT_OPEN, {"queue": queue_id, "user": user_id, "now": now, "after": after, "start": -1}
    ).one()
    return _earliest(row, after)


def around(
    conn: Connection, queue_id: str, stage: str, position: int, user_id: int, now: datetime
) -> tuple[int | None, int | None, int | None]:
    """An item's neighbourhood for ``user_id``, in one statement: who else holds a live claim
    on its ``stage``, the last item before it they labelled, and the item :func:`next_open`
    gives after it."""
    row = conn.execute(
        _AROUND,
        {
            "queue": queue_id, "stage": stage, "position": position, "user": user_id,
            "now": now, "after": position, "start": -1,
        },
    ).one()  # fmt: skip
    found = _earliest(row, position)
    return (
        None if row.holder is None else int(row.holder),
        None if row.previous is None else int(row.previous),
        None if found is None else found[1],
    )


def _earliest(row: Any, after: int) -> tuple[str, int] | None:
    """The earliest (stage, position) of a :data:`_NEXT_OPEN` row: after ``after``, else (when
    ``after`` is a position) from the start."""
    for suffix in ("after", "start") if after >= 0 else ("after",):
        found = [
            (int(getattr(row, f"{stage}_{suffix}")), stage)
            for stage in LABEL_STAGES
            if getattr(row, f"{stage}_{suffix}") is not None
        ]
        if found:
            position, stage = min(found)
            return stage, position
    return None


class Claimed(NamedTuple):
    """An item given to a person by :func:`claim_next`."""

    stage: str
    position: int
    question_id: str
    until: datetime
    renewed: bool  # they held it already (a resume): no new claim, only a later end
    lapsed_from: int | None  # whose lapsed claim it was, when somebody else's


def claim_next(
    conn: Connection, queue_id: str, user_id: int, after: int | None, now: datetime
) -> Claimed | None:
    """Give ``user_id`` the next item and claim it for them: with ``after`` None, the item they
    hold already (resume), else the first open one; with ``after``, the first open one after
    it. Their other claims in the queue are let go."""
    found: tuple[str, int] | None = None
    if after is None:
        own = conn.execute(_OWN, {"queue": queue_id, "user": user_id, "now": now}).first()
        found = (own.stage, own.position) if own is not None else None
    if found is None:
        found = next_open(conn, queue_id, user_id, -1 if after is None else after, now)
    if found is None:
        conn.execute(_RELEASE, {"queue": queue_id, "user": user_id})
        return None
    stage, position = found
    here = (W.c.queue_id == queue_id) & (W.c.stage == stage) & (W.c.position == position)
    row = conn.execute(select(W.c.question_id, W.c.claimed_by, W.c.claimed_until).where(here)).one()
    conn.execute(_RELEASE, {"queue": queue_id, "user": user_id})
    until = now + CLAIM_TTL
    conn.execute(
        _CLAIM,
        {
            "queue": queue_id, "at_stage": stage, "at_position": position, "to_user": user_id,
            "to_until": until,
        },
    )  # fmt: skip
    was = None if row.claimed_by is None or _utc(row.claimed_until) <= now else row.claimed_by
    return Claimed(
        stage=stage,
        position=position,
        question_id=row.question_id,
        until=until,
        renewed=was == user_id,
        lapsed_from=None if row.claimed_by in (None, user_id) else int(row.claimed_by),
    )


def next_dispute(conn: Connection, queue_id: str, user_id: int) -> int | None:
    """The first disputed item ``user_id`` labelled neither review of."""
    barred = _not_barred(bindparam("user", user_id, type_=W.c.barred_a.type))
    row = conn.execute(
        select(W.c.position)
        .where((W.c.queue_id == queue_id) & (W.c.stage == "adjudication") & barred)
        .order_by(W.c.position)
        .limit(1)
    ).first()
    return None if row is None else int(row.position)


def previous_mark(conn: Connection, queue_id: str, user_id: int, before: int) -> int | None:
    """The last item before ``before`` that ``user_id`` labelled."""
    row = conn.execute(
        select(M.c.position)
        .where((M.c.queue_id == queue_id) & (M.c.user_id == user_id) & (M.c.position < before))
        .order_by(M.c.position.desc())
        .limit(1)
    ).first()
    return None if row is None else int(row.position)


def _work_row(state: ItemState, stage: str) -> dict[str, object]:
    barred = [] if stage == "first" else sorted(state.labellers())
    return {
        "queue_id": state.item.queue_id,
        "stage": stage,
        "position": state.item.position,
        "question_id": state.item.question_id,
        "barred_a": barred[0] if barred else None,
        "barred_b": barred[1] if len(barred) > 1 else None,
        "claimed_by": None,
        "claimed_until": None,
    }


@lru_cache(maxsize=512)
def _adding(changes: tuple[tuple[str, int], ...]) -> Update:
    """The statement that adds ``changes`` to a queue's counters (built once for each set of
    changes: a verdict makes one of a few)."""
    return (
        update(T)
        .where((T.c.queue_id == bindparam("queue")) & T.c.key.in_([k for k, _ in changes]))
        .values(value=T.c.value + case(dict(changes), value=T.c.key, else_=0))
    )


def _add(conn: Connection, queue_id: str, changes: dict[str, int]) -> None:
    """Add ``changes`` to the queue's counters in one statement (a counter not there yet, a
    person's first verdict, is inserted)."""
    if not changes:
        return
    keys = sorted(changes)
    done = conn.execute(_adding(tuple(sorted(changes.items()))), {"queue": queue_id})
    if done.rowcount == len(keys):
        return
    have = {k for k, _ in conn.execute(_TALLIES, {"queue": queue_id}).all()}
    missing = [{"queue_id": queue_id, "key": k, "value": changes[k]} for k in keys if k not in have]
    conn.execute(_ADD_TALLY, missing)


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
