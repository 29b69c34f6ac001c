"""The review desk: what a person may see and do in a queue, the item page's content, the
verdicts they give, and each queue's progress and agreement.

Every action checks the person's right here, in the library, so the web app cannot forget one:
annotators label the queues they are assigned to; reviewers also adjudicate (never an item they
labelled) and see the dashboard; admins may do everything. A second reviewer never sees the
first verdict: the item page of a labeller shows only the automatic judges and their own
verdict; both people's verdicts are shown only to the adjudicator.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assay.errors import ReviewDeniedError, ReviewError
from assay.review.queues import decision_of
from assay.standard.models import Profile
from assay.stats.agreement import Agreement, cohen_kappa, krippendorff_alpha
from assay.store.reviewing import (
    CONTENT_LABELS,
    REFUSAL_LABELS,
    HumanVerdict,
    Item,
    ItemState,
    Queue,
    ReviewUser,
    Stage,
    check_adjudicator,
    label_stage,
)
from assay.store.runstore import RunStore, answer_digest

NOTE_MAX = 4000  # characters of a note (not a number of the standard)
JUDGES = ("keyword", "classifier", "refusal")  # the automatic verdicts shown beside an answer


@dataclass(frozen=True)
class AutoVerdict:
    judge: str
    flagged: bool
    refused: bool | None
    uncertain: bool
    risk_ids: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class ItemPage:
    """What the item page shows one person."""

    queue: Queue
    item: Item
    total: int
    question: str
    question_risks: tuple[str, ...]
    answer: str
    answer_sha256: str
    evidence: list[dict[str, object]]
    automatic: list[AutoVerdict]
    stage: Stage  # what this person's verdict on it is (or would be)
    mine: HumanVerdict | None  # their verdict in force
    others: list[tuple[str, HumanVerdict]] = field(default_factory=list)  # adjudication only
    previous: int | None = None
    following: int | None = None


@dataclass(frozen=True)
class Progress:
    items: int
    labelled: int  # first reviews in
    second_due: int
    second_done: int
    disputed: int  # awaiting adjudication
    adjudicated: int
    counted: int
    per_user: dict[str, int]  # items each person labelled (first, second or adjudication)


@dataclass(frozen=True)
class PairAgreement:
    a: str
    b: str
    kappa: Agreement


@dataclass(frozen=True)
class QueueAgreement:
    pairs: list[PairAgreement]
    alpha: Agreement
    disputed: list[Item]  # awaiting adjudication, in queue order


class Desk:
    """The review desk over one run store, with the profile whose risks people choose from."""

    def __init__(self, store: RunStore, profile: Profile) -> None:
        self.store = store
        self.tables = store.review
        self.profile = profile
        self.risk_ids = {r.id for r in profile.risks}

    # -- rights ------------------------------------------------------------------------------

    def queue_for(self, user: ReviewUser, queue_id: str) -> Queue:
        """The queue, when ``user`` may work in it (admin, or assigned to it)."""
        queue = self.tables.queue(queue_id)
        if queue is None:
            raise ReviewError(f"no queue {queue_id!r}", fix="choose a queue from the list")
        if user.role != "admin" and user.id not in self.tables.assigned(queue_id):
            raise ReviewDeniedError(f"{user.name} is not assigned to queue {queue_id}")
        return queue

    def queues_of(self, user: ReviewUser) -> list[Queue]:
        queues = self.tables.queues()
        if user.role == "admin":
            return queues
        return [q for q in queues if user.id in self.tables.assigned(q.id)]

    @staticmethod
    def require(user: ReviewUser, *roles: str) -> None:
        if user.role not in roles:
            raise ReviewDeniedError(f"{user.name} ({user.role}) may not do this")

    # -- where to go -------------------------------------------------------------------------

    def next_position(self, user: ReviewUser, queue_id: str, after: int = -1) -> int | None:
        """The next item ``user`` has yet to label (after ``after``, else from the start):
        where they left off."""
        self.queue_for(user, queue_id)
        todo = [
            s.item.position
            for s in self.tables.states(queue_id).values()
            if s.stage_of(user.id) is None and _may_label(s, user.id)
        ]
        later = [p for p in todo if p > after]
        return min(later or todo) if todo else None

    def next_dispute(self, user: ReviewUser, queue_id: str) -> int | None:
        """The first disputed item ``user`` may adjudicate."""
        self.require(user, "reviewer", "admin")
        self.queue_for(user, queue_id)
        for s in sorted(self.tables.states(queue_id).values(), key=lambda s: s.item.position):
            if s.disputed and s.adjudication is None and user.id not in s.labellers():
                return s.item.position
        return None

    # -- the item page -----------------------------------------------------------------------

    def page(
        self, user: ReviewUser, queue_id: str, position: int, *, adjudicate: bool = False
    ) -> ItemPage:
        queue = self.queue_for(user, queue_id)
        states = self.tables.states(queue_id)
        by_position = {s.item.position: s for s in states.values()}
        state = by_position.get(position)
        if state is None:
            raise ReviewError(
                f"queue {queue_id} has no item {position}", fix="go back to the queue"
            )
        others: list[tuple[str, HumanVerdict]] = []
        if adjudicate:
            self.require(user, "reviewer", "admin")
            check_adjudicator(state, user.id)
            stage: Stage = "adjudication"
            names = {u.id: u.name for u in self.tables.users()}
            others = [(names.get(v.user_id, "?"), v) for v in (state.first, state.second) if v]
        else:
            own = state.stage_of(user.id)
            if own == "adjudication" or (own is None and not _may_label(state, user.id)):
                raise ReviewDeniedError(
                    f"item {position} of {queue_id} is not {user.name}'s to label"
                )
            stage = own or label_stage(state, user.id)
        mine = getattr(state, stage)
        mine = mine if mine is not None and mine.user_id == user.id else None
        run_id = queue.run_id
        qid = state.item.question_id
        question = self.store.questions(run_id, qid)[qid]
        reply = self.store.latest_replies(run_id, qid).get(qid)
        answer = reply.answer or "" if reply is not None and reply.ok else ""
        automatic, evidence = self._automatic(run_id, qid)
        mine_positions = sorted(
            p for p, s in by_position.items() if s.stage_of(user.id) in ("first", "second")
        )
        previous = max((p for p in mine_positions if p < position), default=None)
        following = None if adjudicate else self.next_position(user, queue_id, after=position)
        if following is not None and following == position:
            following = None
        return ItemPage(
            queue=queue,
            item=state.item,
            total=len(states),
            question=question.text,
            question_risks=question.risk_ids,
            answer=answer,
            answer_sha256=answer_digest(answer),
            evidence=evidence,
            automatic=automatic,
            stage=stage,
            mine=mine,
            others=others,
            previous=None if adjudicate else previous,
            following=following,
        )

    def _automatic(
        self, run_id: str, qid: str
    ) -> tuple[list[AutoVerdict], list[dict[str, object]]]:
        shown, evidence = [], []
        for judge in JUDGES:
            v = self.store.verdicts(run_id, judge, qid).get(qid)
            if v is None:
                continue
            shown.append(
                AutoVerdict(judge, v.flagged, v.refused, v.uncertain, v.risk_ids, v.reason)
            )
            evidence += v.evidence
        return shown, evidence

    # -- verdicts ----------------------------------------------------------------------------

    def label(
        self,
        user: ReviewUser,
        queue_id: str,
        position: int,
        *,
        label: str,
        risk_ids: list[str],
        note: str,
        answer_sha256: str,
        adjudicate: bool = False,
    ) -> HumanVerdict:
        """Record ``user``'s verdict on an item (``adjudicate``: as its adjudicator)."""
        queue = self.queue_for(user, queue_id)
        if adjudicate:
            self.require(user, "reviewer", "admin")
        items = {i.position: i for i in self.tables.items(queue_id)}
        item = items.get(position)
        if item is None:
            raise ReviewError(
                f"queue {queue_id} has no item {position}", fix="go back to the queue"
            )
        allowed = REFUSAL_LABELS if decision_of(queue.kind) == "refusal" else CONTENT_LABELS
        if label not in allowed:
            raise ReviewError(f"{label!r} is not a verdict of this queue", fix=" / ".join(allowed))
        unknown = [r for r in risk_ids if r not in self.risk_ids]
        if unknown:
            raise ReviewError(f"unknown risk ids {unknown}", fix="choose risks of the profile")
        if len(note) > NOTE_MAX:
            raise ReviewError(f"the note is longer than {NOTE_MAX} characters", fix="shorten it")
        reply = self.store.latest_replies(queue.run_id, item.question_id).get(item.question_id)
        current = answer_digest(reply.answer or "") if reply is not None and reply.ok else None
        if current != answer_sha256:
            raise ReviewError(
                f"the answer to {item.question_id} changed since the page was shown",
                fix="reload the item and review the answer it shows now",
            )
        risks = list(dict.fromkeys(risk_ids)) if label == "unqualified" else []
        return self.tables.add_verdict(
            item, user, label=label, risk_ids=risks, note=note,
            answer_sha256=answer_sha256, adjudicate=adjudicate,
        )  # fmt: skip

    # -- progress and agreement ----------------------------------------------------------------

    def progress(self, queue_id: str) -> Progress:
        states = list(self.tables.states(queue_id).values())
        names = {u.id: u.name for u in self.tables.users()}
        per_user: dict[str, int] = {}
        for s in states:
            for v in (s.first, s.second, s.adjudication):
                if v is not None:
                    who = names.get(v.user_id, "?")
                    per_user[who] = per_user.get(who, 0) + 1
        return Progress(
            items=len(states),
            labelled=sum(s.first is not None for s in states),
            second_due=sum(s.item.second for s in states),
            second_done=sum(s.second is not None for s in states),
            disputed=sum(s.disputed and s.adjudication is None for s in states),
            adjudicated=sum(s.adjudication is not None for s in states),
            counted=sum(s.counted is not None for s in states),
            per_user=dict(sorted(per_user.items())),
        )

    def agreement(self, queue_id: str, *, seed: int = 0) -> QueueAgreement:
        """Cohen's kappa per pair of people and Krippendorff's alpha over all, from the items
        both reviews are in for; the disputed items awaiting adjudication."""
        states = sorted(self.tables.states(queue_id).values(), key=lambda s: s.item.position)
        names = {u.id: u.name for u in self.tables.users()}
        by_pair: dict[tuple[str, str], tuple[list[str], list[str]]] = {}
        units: list[list[str]] = []
        for s in states:
            if s.first is None or s.second is None:
                continue
            one, two = (
                (names.get(s.first.user_id, "?"), s.first.label),
                (names.get(s.second.user_id, "?"), s.second.label),
            )
            (a, la), (b, lb) = sorted((one, two))
            left, right = by_pair.setdefault((a, b), ([], []))
            left.append(la)
            right.append(lb)
            units.append([la, lb])
        pairs = [
            PairAgreement(a, b, cohen_kappa(left, right, seed=seed))
            for (a, b), (left, right) in sorted(by_pair.items())
        ]
        disputed = [s.item for s in states if s.disputed and s.adjudication is None]
        return QueueAgreement(pairs, krippendorff_alpha(units, seed=seed), disputed)


def _may_label(state: ItemState, user_id: int) -> bool:
    """Whether ``user_id`` may label the item now (first, or a second review of another's)."""
    try:
        label_stage(state, user_id)
    except ReviewError:
        return False
    return True
