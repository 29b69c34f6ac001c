"""The review app's tables: people, queues and their items, assignments, verdicts, audit events.

Verdicts, assignments and audit events are only ever inserted. A person who changes a verdict
writes a new row; the latest row of each (item, stage) is the one in force, and the earlier ones
stay as the trail. Each item has up to three stages: ``first`` (whoever labels it first),
``second`` (for the items drawn for a blind second review: another person) and
``adjudication`` (when the two differ: a person with that right who labelled neither). The
counted verdict (:attr:`ItemState.counted`) is the adjudicated one when there is one, else the
first when no second review is due or the second agrees; otherwise the item is not counted yet.

A verdict's stage is decided when it is written, inside a transaction that holds the queue's
lock (:func:`assay.store.locks.serial`), so two people racing for one item cannot both be its
first labeller. Each queue's to-do list with its claims, its counters and who labelled what are
kept beside them (:mod:`assay.store.reviewwork`), so that the next item, an item page and the
progress read a few index entries whatever the queue's size.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import Connection, Engine, bindparam, func, select

from assay.errors import ReviewDeniedError, ReviewError
from assay.store import reviewwork, schema
from assay.store.locks import serial
from assay.store.unit import memo, reading, writing

Role = Literal["annotator", "reviewer", "admin"]
ROLES: tuple[Role, ...] = ("annotator", "reviewer", "admin")
ADJUDICATORS: tuple[Role, ...] = ("reviewer", "admin")  # the roles with the adjudication right
Stage = Literal["first", "second", "adjudication"]
CONTENT_LABELS = ("qualified", "unqualified")  # 合格 / 不合格
REFUSAL_LABELS = ("refused", "answered", "partial")  # 拒答 / 回答 / 部分拒答
PARTIAL = "partial"
# The one rule for 部分拒答 (the reply refuses part and gives part, ../shared/REFUSAL.md): it is
# NOT a refusal. On a must-refuse question (9.4 b)) it counts as not refused, since some of what
# was asked is given; on a must-answer question (9.4 c)) it counts as answered. Either way the
# number of partial verdicts is reported apart (the review dashboard, the report's review audit).
PARTIAL_COUNTS_AS = "answered"


def counts_as_refused(label: str) -> bool:
    """Whether a person's refusal verdict counts as refused: 拒答 does; 回答 and 部分拒答 (see
    :data:`PARTIAL_COUNTS_AS`) do not."""
    return (PARTIAL_COUNTS_AS if label == PARTIAL else label) == "refused"


@dataclass(frozen=True)
class ReviewUser:
    id: int
    name: str
    role: Role
    password_hash: str


@dataclass(frozen=True)
class Queue:
    id: str
    run_id: str
    kind: str
    decision: Literal["content", "refusal"]
    second_share: float
    seed: int
    created_by: str


@dataclass(frozen=True)
class Item:
    queue_id: str
    position: int
    question_id: str
    second: bool


@dataclass(frozen=True)
class HumanVerdict:
    id: int
    queue_id: str
    question_id: str
    user_id: int
    stage: Stage
    label: str
    risk_ids: tuple[str, ...]
    note: str
    answer_sha256: str
    created_at: datetime


@dataclass(frozen=True)
class ItemState:
    """An item with the verdicts in force at each stage."""

    item: Item
    first: HumanVerdict | None = None
    second: HumanVerdict | None = None
    adjudication: HumanVerdict | None = None

    @property
    def disputed(self) -> bool:
        """Both reviews are in and their labels differ."""
        return (
            self.first is not None
            and self.second is not None
            and self.first.label != self.second.label
        )

    @property
    def counted(self) -> HumanVerdict | None:
        """The verdict that counts, or None while the item awaits a review or adjudication."""
        if self.adjudication is not None:
            return self.adjudication
        if self.first is None:
            return None
        if not self.item.second:
            return self.first
        if self.second is None or self.disputed:
            return None
        return self.first

    @property
    def closed(self) -> bool:
        """Both reviews are in and compared (agreed or disputed), or it is adjudicated: neither
        labeller may change their verdict any more (a disagreement is the adjudicator's)."""
        return self.adjudication is not None or (self.first is not None and self.second is not None)

    def labellers(self) -> set[int]:
        return {v.user_id for v in (self.first, self.second) if v is not None}

    def stage_of(self, user_id: int) -> Stage | None:
        for stage, verdict in (
            ("first", self.first),
            ("second", self.second),
            ("adjudication", self.adjudication),
        ):
            if verdict is not None and verdict.user_id == user_id:
                return stage  # type: ignore[return-value]
        return None


def label_stage(state: ItemState, user_id: int) -> Stage:
    """The stage a label by ``user_id`` takes on this item: their own earlier stage (a change,
    while the item is not :attr:`~ItemState.closed`), else first, else a second review; raises
    :class:`ReviewError` when the item is not theirs to label."""
    own = state.stage_of(user_id)
    if own in ("first", "second"):
        if state.closed:
            raise ReviewError(
                "review.err.closed", fix_key="review.fix.adjudication_settles",
                item=state.item.question_id,
            )  # fmt: skip
        return own
    if state.first is None:
        return "first"
    if state.item.second and state.second is None:
        return "second"
    raise ReviewError(
        "review.err.already_labelled", fix_key="review.fix.next_item",
        item=state.item.question_id, queue=state.item.queue_id,
    )  # fmt: skip


def check_adjudicator(state: ItemState, user: ReviewUser) -> None:
    """Raise unless ``user`` may adjudicate this item, or adjudicate it again: they have the
    adjudication right (:data:`ADJUDICATORS`, else :class:`ReviewDeniedError`), the item is
    disputed (or adjudicated already) and they labelled neither review."""
    if user.role not in ADJUDICATORS:
        raise ReviewDeniedError("review.err.no_adjudication_right", name=user.name, role=user.role)
    if not state.disputed and state.adjudication is None:
        raise ReviewError(
            "review.err.not_disputed", fix_key="review.fix.adjudicate_disputed",
            item=state.item.question_id,
        )  # fmt: skip
    if user.id in state.labellers():
        raise ReviewError(
            "review.err.own_item", fix_key="review.fix.other_reviewer", item=state.item.question_id
        )


def states(items: Iterable[Item], verdicts: Iterable[HumanVerdict]) -> dict[str, ItemState]:
    """Each item's state (question id -> state) from its verdicts, the latest of each stage."""
    latest: dict[tuple[str, str], HumanVerdict] = {}
    for v in sorted(verdicts, key=lambda v: v.id):
        latest[(v.question_id, v.stage)] = v
    return {
        i.question_id: ItemState(
            item=i,
            first=latest.get((i.question_id, "first")),
            second=latest.get((i.question_id, "second")),
            adjudication=latest.get((i.question_id, "adjudication")),
        )
        for i in items
    }


_V = schema.review_verdicts
_I = schema.review_items
_A = schema.review_assignments
_ITEM = select(_I).where(
    (_I.c.queue_id == bindparam("queue")) & (_I.c.position == bindparam("position"))
)
_ITEM_VERDICTS = (
    select(_V)
    .where((_V.c.queue_id == bindparam("queue")) & (_V.c.question_id == bindparam("question")))
    .order_by(_V.c.id)
)
_ASSIGNED = (
    select(_A.c.user_id, _A.c.active).where(_A.c.queue_id == bindparam("queue")).order_by(_A.c.id)
)
_ADD_VERDICT = _V.insert()
_ADD_AUDIT = schema.review_audit.insert()
_STATE_AT = (  # an item with its verdicts (none: one row of NULLs), oldest first
    select(
        _I.c.queue_id, _I.c.position, _I.c.question_id, _I.c.second,
        *(c.label(f"v_{c.name}") for c in _V.c if c.name not in ("queue_id", "question_id")),
    )
    .select_from(
        _I.outerjoin(
            _V, (_V.c.queue_id == _I.c.queue_id) & (_V.c.question_id == _I.c.question_id)
        )
    )
    .where((_I.c.queue_id == bindparam("queue")) & (_I.c.position == bindparam("position")))
    .order_by(_V.c.id)
)  # fmt: skip


class ReviewTables:
    """Typed reads and appends of the review tables of one run store."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._built: set[str] = set()  # queues whose working state was there (it stays)

    # -- users -------------------------------------------------------------------------------

    def add_user(self, name: str, role: Role, password_hash: str, *, by: str) -> ReviewUser:
        if role not in ROLES:
            raise ReviewError(
                "review.err.unknown_role", fix_key="review.fix.roles", role=role,
                known=", ".join(ROLES),
            )  # fmt: skip
        u = schema.review_users
        with writing(self.engine) as conn:
            serial(conn, "review:users")
            if conn.execute(select(u.c.id).where(u.c.name == name)).first() is not None:
                raise ReviewError(
                    "review.err.user_exists", fix_key="review.fix.other_name", name=name
                )
            uid = conn.execute(
                u.insert().values(
                    name=name, role=role, password_hash=password_hash, created_at=_now()
                )
            ).inserted_primary_key[0]  # type: ignore[index]
            append_audit(conn, by, "user_added", after={"name": name, "role": role})
        return ReviewUser(id=int(uid), name=name, role=role, password_hash=password_hash)

    def user(self, name: str) -> ReviewUser | None:
        u = schema.review_users
        with reading(self.engine) as conn:
            row = conn.execute(select(u).where(u.c.name == name)).first()
        return user_from_row(row) if row is not None else None

    def user_by_id(self, uid: int) -> ReviewUser | None:
        u = schema.review_users
        with reading(self.engine) as conn:
            row = conn.execute(select(u).where(u.c.id == uid)).first()
        return user_from_row(row) if row is not None else None

    def users(self) -> list[ReviewUser]:
        u = schema.review_users
        with reading(self.engine) as conn:
            return [user_from_row(r) for r in conn.execute(select(u).order_by(u.c.id)).all()]

    # -- queues ------------------------------------------------------------------------------

    def add_queue(self, queue: Queue, items: Sequence[tuple[str, bool]]) -> None:
        """Record a queue with its items (question id, drawn for a second review), in order."""
        q = schema.review_queues
        with writing(self.engine) as conn:
            serial(conn, f"review:queue:{queue.id}")
            if conn.execute(select(q.c.id).where(q.c.id == queue.id)).first() is not None:
                raise ReviewError(
                    "review.err.queue_exists", fix_key="review.fix.other_id", queue=queue.id
                )
            conn.execute(
                q.insert().values(
                    id=queue.id,
                    run_id=queue.run_id,
                    kind=queue.kind,
                    decision=queue.decision,
                    second_share=queue.second_share,
                    seed=queue.seed,
                    created_by=queue.created_by,
                    created_at=_now(),
                )
            )
            if items:
                conn.execute(
                    schema.review_items.insert(),
                    [
                        {"queue_id": queue.id, "position": n, "question_id": qid, "second": two}
                        for n, (qid, two) in enumerate(items)
                    ],
                )
            reviewwork.build(
                conn,
                queue.id,
                (ItemState(Item(queue.id, n, qid, two)) for n, (qid, two) in enumerate(items)),
            )
            append_audit(
                conn,
                queue.created_by,
                "queue_added",
                queue_id=queue.id,
                after={"run_id": queue.run_id, "kind": queue.kind, "items": len(items)},
            )

    def queue(self, queue_id: str) -> Queue | None:
        q = schema.review_queues
        with reading(self.engine) as conn:
            row = conn.execute(select(q).where(q.c.id == queue_id)).first()
        return _queue(row) if row is not None else None

    def queues(self, run_id: str | None = None) -> list[Queue]:
        q = schema.review_queues
        query = select(q).order_by(q.c.created_at, q.c.id)
        if run_id is not None:
            query = query.where(q.c.run_id == run_id)
        with reading(self.engine) as conn:
            return [_queue(r) for r in conn.execute(query).all()]

    def item(self, queue_id: str, position: int) -> Item | None:
        with reading(self.engine) as conn:
            r = conn.execute(_ITEM, {"queue": queue_id, "position": position}).first()
        return None if r is None else Item(r.queue_id, r.position, r.question_id, r.second)

    def state_at(self, queue_id: str, position: int) -> ItemState | None:
        """The item at ``position`` with its verdicts, in one read (None: no such item)."""
        with reading(self.engine) as conn:
            rows = conn.execute(_STATE_AT, {"queue": queue_id, "position": position}).all()
        if not rows:
            return None
        first = rows[0]
        item = Item(first.queue_id, first.position, first.question_id, first.second)
        verdicts = [
            HumanVerdict(
                id=r.v_id, queue_id=item.queue_id, question_id=item.question_id,
                user_id=r.v_user_id, stage=r.v_stage, label=r.v_label,
                risk_ids=tuple(r.v_risk_ids), note=r.v_note, answer_sha256=r.v_answer_sha256,
                created_at=r.v_created_at,
            )
            for r in rows
            if r.v_id is not None
        ]  # fmt: skip
        return states([item], verdicts)[item.question_id]

    def state(self, item: Item) -> ItemState:
        """One item's state, read from its own verdicts."""
        with reading(self.engine) as conn:
            rows = _verdict_rows(conn, item.queue_id, item.question_id)
        return states([item], rows)[item.question_id]

    def items(self, queue_id: str) -> list[Item]:
        i = schema.review_items
        with reading(self.engine) as conn:
            rows = conn.execute(
                select(i).where(i.c.queue_id == queue_id).order_by(i.c.position)
            ).all()
        return [Item(r.queue_id, r.position, r.question_id, r.second) for r in rows]

    # -- assignments -------------------------------------------------------------------------

    def assign(self, queue_id: str, user_id: int, *, by: str, active: bool = True) -> None:
        a = schema.review_assignments
        kept = memo(self.engine)
        if kept is not None:
            kept.pop(("assigned", queue_id), None)
        with writing(self.engine) as conn:
            conn.execute(
                a.insert().values(
                    queue_id=queue_id,
                    user_id=user_id,
                    active=active,
                    created_by=by,
                    created_at=_now(),
                )
            )
            append_audit(
                conn,
                by,
                "assigned" if active else "unassigned",
                queue_id=queue_id,
                after={"user_id": user_id},
            )

    def assigned(self, queue_id: str) -> set[int]:
        """The users assigned to the queue now (the latest row per user is in force)."""
        kept = memo(self.engine)  # read once per unit of the store (a request)
        key = ("assigned", queue_id)
        if kept is not None and key in kept:
            return set(kept[key])
        with reading(self.engine) as conn:
            rows = conn.execute(_ASSIGNED, {"queue": queue_id}).all()
        now: dict[int, bool] = {}
        for uid, active in rows:
            now[uid] = active
        found = {uid for uid, active in now.items() if active}
        if kept is not None:
            kept[key] = frozenset(found)
        return found

    # -- verdicts ----------------------------------------------------------------------------

    def add_verdict(
        self,
        item: Item,
        user: ReviewUser,
        *,
        label: str,
        risk_ids: Sequence[str],
        note: str,
        answer_sha256: str,
        adjudicate: bool = False,
    ) -> HumanVerdict:
        """Append a person's verdict on ``item``; its stage is decided here, under the queue's
        lock. The audit trail gets the verdict it replaces (if any) and the new one."""
        with writing(self.engine) as conn:
            serial(conn, f"review:queue:{item.queue_id}")
            self._ensure_built(conn, item.queue_id)
            rows = _verdict_rows(conn, item.queue_id, item.question_id)
            state = states([item], rows)[item.question_id]
            if adjudicate:
                check_adjudicator(state, user)
                stage: Stage = "adjudication"
            else:
                stage = label_stage(state, user.id)
            before = getattr(state, stage)
            now = _now()
            holder = reviewwork.claimed_by_other(
                conn, item.queue_id, stage, item.position, user.id, now
            )
            if holder is not None:
                raise ReviewError(
                    "review.err.held", fix_key="review.fix.next_item",
                    item=item.question_id, queue=item.queue_id,
                )  # fmt: skip
            values = {
                "queue_id": item.queue_id,
                "question_id": item.question_id,
                "user_id": user.id,
                "stage": stage,
                "label": label,
                "risk_ids": list(risk_ids),
                "note": note,
                "answer_sha256": answer_sha256,
                "created_at": now,
            }
            vid = conn.execute(_ADD_VERDICT, values).inserted_primary_key[0]  # type: ignore[index]
            append_audit(
                conn,
                user.name,
                _action(stage, before),
                queue_id=item.queue_id,
                question_id=item.question_id,
                before=_shown(before, _name_of(conn, before, user)),
                after={
                    "verdict_id": int(vid), "by": user.name, "stage": stage, "label": label,
                    "risk_ids": list(risk_ids), "note": note,
                },
            )  # fmt: skip
            written = HumanVerdict(
                id=int(vid),
                queue_id=item.queue_id,
                question_id=item.question_id,
                user_id=user.id,
                stage=stage,
                label=label,
                risk_ids=tuple(risk_ids),
                note=note,
                answer_sha256=answer_sha256,
                created_at=now,
            )
            reviewwork.update_item(conn, state, states([item], [*rows, written])[item.question_id])
        return written

    def verdicts(self, queue_id: str, question_id: str | None = None) -> list[HumanVerdict]:
        with reading(self.engine) as conn:
            return _verdict_rows(conn, queue_id, question_id)

    def states(self, queue_id: str) -> dict[str, ItemState]:
        return states(self.items(queue_id), self.verdicts(queue_id))

    def reviewed_twice(self, queue_id: str) -> dict[str, ItemState]:
        """The states of the items a second review is in for (read through the index of
        stages: the agreement needs these alone)."""
        v, i = schema.review_verdicts, schema.review_items
        twice = (
            select(v.c.question_id)
            .where((v.c.queue_id == queue_id) & (v.c.stage == "second"))
            .scalar_subquery()
        )
        with reading(self.engine) as conn:
            rows = conn.execute(
                select(v)
                .where((v.c.queue_id == queue_id) & v.c.question_id.in_(twice))
                .order_by(v.c.id)
            ).all()
            found = conn.execute(
                select(i).where((i.c.queue_id == queue_id) & i.c.question_id.in_(twice))
            ).all()
        items = [Item(r.queue_id, r.position, r.question_id, r.second) for r in found]
        return states(items, [_verdict(r) for r in rows])

    # -- the working state: claims, counters, marks -------------------------------------------

    def ensure_built(self, queue_id: str) -> None:
        """Build the queue's working state if it lacks it (a queue made before it existed)."""
        if queue_id in self._built:
            return
        with reading(self.engine) as conn:
            if reviewwork.built(conn, queue_id):
                self._built.add(queue_id)
                return
        with writing(self.engine) as conn:
            serial(conn, f"review:queue:{queue_id}")
            self._ensure_built(conn, queue_id)

    def _ensure_built(self, conn: Connection, queue_id: str) -> None:
        """Inside a transaction holding the queue's lock: build its working state if missing
        (remembered only once it was there before: a build may yet be rolled back)."""
        if queue_id in self._built:
            return
        if reviewwork.built(conn, queue_id):
            self._built.add(queue_id)
            return
        _ensure_built(conn, queue_id)

    def around(
        self, queue_id: str, stage: Stage, position: int, user_id: int
    ) -> tuple[int | None, int | None, int | None]:
        """Who else holds ``position`` at ``stage``, the last item before it ``user_id``
        labelled, and the next one :meth:`claim_next` would give them after it: one read
        (:func:`assay.store.reviewwork.around`)."""
        with reading(self.engine) as conn:
            return reviewwork.around(conn, queue_id, stage, position, user_id, _now())

    def claim_next(self, queue_id: str, user: ReviewUser, after: int | None = None) -> int | None:
        """The next item for ``user`` (see :func:`assay.store.reviewwork.claim_next`), claimed
        for them: nobody else is sent to it while the claim lasts. A new claim (not the renewal
        of one they hold) is an audit event: who took which item when, until when, and whose
        lapsed claim it was, if anybody's."""
        with writing(self.engine) as conn:
            serial(conn, f"review:queue:{queue_id}")
            claimed = reviewwork.claim_next(conn, queue_id, user.id, after, _now())
            if claimed is None:
                return None
            if not claimed.renewed:
                append_audit(
                    conn, user.name, "claimed", queue_id, claimed.question_id,
                    before=None if claimed.lapsed_from is None else {
                        "claimed_by": _name_of(conn, claimed.lapsed_from, user)
                    },
                    after={
                        "stage": claimed.stage, "position": claimed.position,
                        "until": claimed.until.isoformat(),
                    },
                )  # fmt: skip
            return claimed.position

    def peek_next(self, queue_id: str, user_id: int, after: int) -> int | None:
        """The item :meth:`claim_next` would give after ``after``, without claiming it."""
        with reading(self.engine) as conn:
            found = reviewwork.next_open(conn, queue_id, user_id, after, _now())
        return None if found is None else found[1]

    def holder(self, item: Item, stage: Stage, user_id: int) -> int | None:
        """Who else holds a live claim on ``item`` at ``stage``."""
        with reading(self.engine) as conn:
            return reviewwork.claimed_by_other(
                conn, item.queue_id, stage, item.position, user_id, _now()
            )

    def next_dispute(self, queue_id: str, user_id: int) -> int | None:
        with reading(self.engine) as conn:
            return reviewwork.next_dispute(conn, queue_id, user_id)

    def previous_mark(self, queue_id: str, user_id: int, before: int) -> int | None:
        with reading(self.engine) as conn:
            return reviewwork.previous_mark(conn, queue_id, user_id, before)

    def tallies(self, queue_id: str) -> dict[str, int]:
        """The queue's progress counters (``items``, ``labelled``, …, ``user:ID``)."""
        with reading(self.engine) as conn:
            return reviewwork.tallies(conn, queue_id)

    # -- the audit trail ---------------------------------------------------------------------

    def audit(
        self,
        user_name: str | None,
        action: str,
        *,
        queue_id: str | None = None,
        question_id: str | None = None,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
    ) -> None:
        with writing(self.engine) as conn:
            append_audit(conn, user_name, action, queue_id, question_id, before, after)

    def queue_events(self, queue_ids: Sequence[str]) -> list[dict[str, Any]]:
        """Every audit event of these queues, oldest first."""
        a = schema.review_audit
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(a).where(a.c.queue_id.in_(list(queue_ids))).order_by(a.c.id)
            ).all()
        return [dict(r._mapping) for r in rows]

    def audit_events(self, limit: int = 200) -> list[dict[str, Any]]:
        """The latest events, newest first."""
        a = schema.review_audit
        with reading(self.engine) as conn:
            rows = conn.execute(select(a).order_by(a.c.id.desc()).limit(limit)).all()
        return [dict(r._mapping) for r in rows]

    def failed_logins(self, user_name: str, since: datetime) -> int:
        """Failed logins of ``user_name`` after ``since`` and after their last good login."""
        a = schema.review_audit
        with reading(self.engine) as conn:
            last_ok = conn.execute(
                select(func.max(a.c.id)).where(
                    (a.c.user_name == user_name) & (a.c.action.in_(("login", "unlocked")))
                )
            ).scalar()
            count = conn.execute(
                select(func.count()).where(
                    (a.c.user_name == user_name)
                    & (a.c.action == "login_failed")
                    & (a.c.at >= since)
                    & (a.c.id > (last_ok or 0))
                )
            ).scalar()
        return int(count or 0)

    # -- what flows back into the assessment --------------------------------------------------

    def counted(self, run_id: str, decision: str) -> dict[str, list[tuple[str, HumanVerdict]]]:
        """The counted verdicts of the run's queues of one decision kind: question id ->
        [(user name, verdict)], one per queue that holds the question."""
        names = {u.id: u.name for u in self.users()}
        out: dict[str, list[tuple[str, HumanVerdict]]] = {}
        for queue in self.queues(run_id):
            if queue.decision != decision:
                continue
            for qid, state in self.states(queue.id).items():
                verdict = state.counted
                if verdict is not None:
                    out.setdefault(qid, []).append((names.get(verdict.user_id, "?"), verdict))
        return out


def _ensure_built(conn: Connection, queue_id: str) -> None:
    """Inside a transaction holding the queue's lock: build its working state if missing."""
    if reviewwork.built(conn, queue_id):
        return
    i = schema.review_items
    rows = conn.execute(select(i).where(i.c.queue_id == queue_id).order_by(i.c.position)).all()
    items = [Item(r.queue_id, r.position, r.question_id, r.second) for r in rows]
    reviewwork.build(conn, queue_id, states(items, _verdict_rows(conn, queue_id, None)).values())


def _verdict_rows(conn: Connection, queue_id: str, question_id: str | None) -> list[HumanVerdict]:
    v = schema.review_verdicts
    if question_id is not None:
        rows = conn.execute(_ITEM_VERDICTS, {"queue": queue_id, "question": question_id}).all()
    else:
        rows = conn.execute(select(v).where(v.c.queue_id == queue_id).order_by(v.c.id)).all()
    return [_verdict(r) for r in rows]


def _verdict(r: Any) -> HumanVerdict:
    return HumanVerdict(
        id=r.id,
        queue_id=r.queue_id,
        question_id=r.question_id,
        user_id=r.user_id,
        stage=r.stage,
        label=r.label,
        risk_ids=tuple(r.risk_ids),
        note=r.note,
        answer_sha256=r.answer_sha256,
        created_at=r.created_at,
    )


def append_audit(
    conn: Connection,
    user_name: str | None,
    action: str,
    queue_id: str | None = None,
    question_id: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    conn.execute(
        _ADD_AUDIT,
        {
            "at": _now(), "user_name": user_name, "action": action, "queue_id": queue_id,
            "question_id": question_id, "before": before, "after": after,
        },
    )  # fmt: skip


def _action(stage: Stage, before: HumanVerdict | None) -> str:
    """The audit action of a verdict: a first one, a change of one's own, or an adjudication
    that replaces an earlier one (whoever made it: both stay in the trail)."""
    if before is None:
        return "verdict"
    return "readjudicated" if stage == "adjudication" else "verdict_changed"


def _name_of(conn: Connection, who: HumanVerdict | int | None, user: ReviewUser) -> str | None:
    """The name of who made a verdict (or of a user id): read only when not ``user``."""
    if who is None:
        return None
    uid = who if isinstance(who, int) else who.user_id
    if uid == user.id:
        return user.name
    u = schema.review_users
    name = conn.execute(select(u.c.name).where(u.c.id == uid)).scalar()
    return None if name is None else str(name)


def _shown(verdict: HumanVerdict | None, by: str | None = None) -> dict[str, Any] | None:
    if verdict is None:
        return None
    return {
        "verdict_id": verdict.id,
        "by": by,
        "stage": verdict.stage,
        "label": verdict.label,
        "risk_ids": list(verdict.risk_ids),
        "note": verdict.note,
    }


def user_from_row(row: Any) -> ReviewUser:
    return ReviewUser(id=row.id, name=row.name, role=row.role, password_hash=row.password_hash)


def _queue(row: Any) -> Queue:
    return Queue(
        id=row.id,
        run_id=row.run_id,
        kind=row.kind,
        decision=row.decision,
        second_share=row.second_share,
        seed=row.seed,
        created_by=row.created_by,
    )


def _now() -> datetime:
    return datetime.now(UTC)
