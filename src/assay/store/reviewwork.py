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
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, NamedTuple

from sqlalchemy import ColumnElement, Connection, and_, delete, insert, or_, select, update

from assay.store import schema

if TYPE_CHECKING:
    from assay.store.reviewing import ItemState

CLAIM_TTL = timedelta(minutes=15)  # how long an item stays given to a person who left it
LABEL_STAGES = ("first", "second")
W = schema.review_work
T = schema.review_tallies
M = schema.review_marks


def built(conn: Connection, queue_id: str) -> bool:
    """Whether the queue's working state exists (queues made before it lack it)."""
    row = conn.execute(
        select(T.c.value).where((T.c.queue_id == queue_id) & (T.c.key == "items"))
    ).first()
    return row is not None


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
    here = (W.c.queue_id == item.queue_id) & (W.c.position == item.position)
    old = set(due(before))
    new = set(due(after))
    gone = old - new
    if gone:
        conn.execute(delete(W).where(here & W.c.stage.in_(sorted(gone))))
    for stage in sorted(new - old):
        conn.execute(insert(W).values(**_work_row(after, stage)))
    delta = contribution(after)
    delta.subtract(contribution(before))
    for key, change in sorted(delta.items()):
        if change:
            _add(conn, item.queue_id, key, change)
    for v in (after.first, after.second):
        if (
            v is not None
            and (before.first is None or before.first.user_id != v.user_id)
            and (before.second is None or before.second.user_id != v.user_id)
        ):
            conn.execute(
                insert(M).values(queue_id=item.queue_id, user_id=v.user_id, position=item.position)
            )


def tallies(conn: Connection, queue_id: str) -> dict[str, int]:
    rows = conn.execute(select(T.c.key, T.c.value).where(T.c.queue_id == queue_id)).all()
    return {k: int(v) for k, v in rows}


def claimed_by_other(
    conn: Connection, queue_id: str, stage: str, position: int, user_id: int, now: datetime
) -> int | None:
    """Who else holds a live claim on this item's ``stage``, if anybody."""
    row = conn.execute(
        select(W.c.claimed_by, W.c.claimed_until).where(
            (W.c.queue_id == queue_id) & (W.c.stage == stage) & (W.c.position == position)
        )
    ).first()
    if row is None or row.claimed_by is None or row.claimed_by == user_id:
        return None
    return int(row.claimed_by) if _utc(row.claimed_until) > now else None


def next_open(
    conn: Connection, queue_id: str, user_id: int, after: int, now: datetime
) -> tuple[str, int] | None:
    """The first item after ``after`` (then from the start) ``user_id`` may label that nobody
    else holds: (stage, position)."""
    found = _first_open(conn, queue_id, user_id, now, after)
    if found is None and after >= 0:
        found = _first_open(conn, queue_id, user_id, now, -1)
    return found


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
        own = conn.execute(
            select(W.c.stage, W.c.position)
            .where(
                (W.c.queue_id == queue_id)
                & (W.c.claimed_by == user_id)
                & (W.c.claimed_until > now)
                & W.c.stage.in_(LABEL_STAGES)
            )
            .order_by(W.c.position)
            .limit(1)
        ).first()
        found = (own.stage, own.position) if own is not None else None
    if found is None:
        found = next_open(conn, queue_id, user_id, -1 if after is None else after, now)
    let_go = update(W).where((W.c.queue_id == queue_id) & (W.c.claimed_by == user_id))
    if found is None:
        conn.execute(let_go.values(claimed_by=None, claimed_until=None))
        return None
    stage, position = found
    here = (W.c.queue_id == queue_id) & (W.c.stage == stage) & (W.c.position == position)
    row = conn.execute(select(W.c.question_id, W.c.claimed_by, W.c.claimed_until).where(here)).one()
    conn.execute(let_go.values(claimed_by=None, claimed_until=None))
    until = now + CLAIM_TTL
    conn.execute(update(W).where(here).values(claimed_by=user_id, claimed_until=until))
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
    row = conn.execute(
        select(W.c.position)
        .where((W.c.queue_id == queue_id) & (W.c.stage == "adjudication") & _not_barred(user_id))
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


def _first_open(
    conn: Connection, queue_id: str, user_id: int, now: datetime, after: int
) -> tuple[str, int] | None:
    free = or_(W.c.claimed_by.is_(None), W.c.claimed_by == user_id, W.c.claimed_until <= now)
    best: tuple[str, int] | None = None
    for stage in LABEL_STAGES:  # each an index range scan from ``after`` (the primary key)
        row = conn.execute(
            select(W.c.position)
            .where(
                and_(
                    W.c.queue_id == queue_id,
                    W.c.stage == stage,
                    W.c.position > after,
                    free,
                    _not_barred(user_id),
                )
            )
            .order_by(W.c.position)
            .limit(1)
        ).first()
        if row is not None and (best is None or row.position < best[1]):
            best = (stage, int(row.position))
    return best


def _not_barred(user_id: int) -> ColumnElement[bool]:
    return and_(
        or_(W.c.barred_a.is_(None), W.c.barred_a != user_id),
        or_(W.c.barred_b.is_(None), W.c.barred_b != user_id),
    )


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


def _add(conn: Connection, queue_id: str, key: str, change: int) -> None:
    where = (T.c.queue_id == queue_id) & (T.c.key == key)
    done = conn.execute(update(T).where(where).values(value=T.c.value + change))
    if done.rowcount == 0:
        conn.execute(insert(T).values(queue_id=queue_id, key=key, value=change))


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
