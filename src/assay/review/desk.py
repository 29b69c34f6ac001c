"""The review desk: what a person may see and do in a queue, the item page's content, the
verdicts they give, and each queue's progress and agreement.

Every action checks the person's right here, in the library, so the web app cannot forget one:
annotators label the queues they are assigned to; reviewers also adjudicate (never an item they
labelled) and see the dashboard; admins may do everything. A second reviewer never sees the
first verdict: the item page of a labeller shows only the automatic judges and their own
verdict; both people's verdicts are shown only to the adjudicator. Personal information in the
answer and in the automatic verdicts' reasons is masked unless the person's role may see it in
clear (:data:`CLEAR_PII`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assay.assess.review_audit import QueueAgreement, queue_agreement
from assay.errors import ReviewDeniedError, ReviewError
from assay.review.queues import decision_of
from assay.standard.models import Profile
from assay.store.reviewing import (
    ADJUDICATORS,
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
from assay.text.pii import mask

NOTE_MAX = 4000  # characters of a note (not a number of the standard)
JUDGES = ("keyword", "classifier", "refusal")  # the automatic verdicts shown beside an answer
CLEAR_PII = ("reviewer", "admin")  # the roles that see personal information in clear


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
    progress: Progress | None = None  # the queue's, as the page is shown
    clear_pii: bool = False  # the person sees personal information in clear
    closed: bool = False  # both reviews are in: their own verdict can no longer be changed


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


class Desk:
    """The review desk over one run store, with the profile whose risks people choose from."""

    def __init__(self, store: RunStore, profile: Profile) -> None:
        self.store = store
        self.tables = store.review
        self.profile = profile
        self.risk_ids = {r.id for r in profile.risks}
        self._queues: dict[str, Queue] = {}  # queues never change once made
        self._people: dict[int, str] = {}  # nor do people's names

    def _queue(self, queue_id: str) -> Queue:
        """The queue (read once: its working state is built on that first read)."""
        queue = self._queues.get(queue_id)
        if queue is None:
            queue = self.tables.queue(queue_id)
            if queue is None:
                raise ReviewError(
                    "review.err.no_queue", fix_key="review.fix.choose_queue", queue=queue_id
                )
            self.tables.ensure_built(queue_id)
            self._queues[queue_id] = queue
        return queue

    # -- rights ------------------------------------------------------------------------------

    def queue_for(self, user: ReviewUser, queue_id: str) -> Queue:
        """The queue, when ``user`` may work in it (admin, or assigned to it)."""
        queue = self._queue(queue_id)
        if user.role != "admin" and user.id not in self.tables.assigned(queue_id):
            raise ReviewDeniedError("review.err.not_assigned", name=user.name, queue=queue_id)
        return queue

    def queues_of(self, user: ReviewUser) -> list[Queue]:
        queues = self.tables.queues()
        if user.role == "admin":
            return queues
        return [q for q in queues if user.id in self.tables.assigned(q.id)]

    @staticmethod
    def require(user: ReviewUser, *roles: str) -> None:
        if user.role not in roles:
            raise ReviewDeniedError("review.err.role_denied", name=user.name, role=user.role)

    # -- where to go -------------------------------------------------------------------------

    def next_position(
        self, user: ReviewUser, queue_id: str, after: int | None = None
    ) -> int | None:
        """The next item ``user`` has yet to label, claimed for them so that nobody else is sent
        to it: with ``after`` None the one they hold (where they left off), else the first
        free one; with ``after``, the first free one after it (then from the start)."""
        self.queue_for(user, queue_id)
        return self.tables.claim_next(queue_id, user, after)

    def next_dispute(self, user: ReviewUser, queue_id: str) -> int | None:
        """The first disputed item ``user`` may adjudicate."""
        self.require(user, *ADJUDICATORS)
        self.queue_for(user, queue_id)
        return self.tables.next_dispute(queue_id, user.id)

    # -- the item page -----------------------------------------------------------------------

    def _item(self, queue_id: str, position: int) -> Item:
        item = self.tables.item(queue_id, position)
        if item is None:
            raise _no_item(queue_id, position)
        return item

    def _state(self, queue_id: str, position: int) -> ItemState:
        state = self.tables.state_at(queue_id, position)  # the item and its verdicts: one read
        if state is None:
            raise _no_item(queue_id, position)
        return state

    def page(
        self, user: ReviewUser, queue_id: str, position: int, *, adjudicate: bool = False
    ) -> ItemPage:
        queue = self.queue_for(user, queue_id)
        state = self._state(queue_id, position)
        others: list[tuple[str, HumanVerdict]] = []
        previous = following = None
        if adjudicate:
            check_adjudicator(state, user)
            stage: Stage = "adjudication"
            names = self._names(*state.labellers())
            others = [(names.get(v.user_id, "?"), v) for v in (state.first, state.second) if v]
        else:
            own = state.stage_of(user.id)
            if own == "adjudication" or (own is None and not _may_label(state, user.id)):
                raise ReviewDeniedError(
                    "review.err.not_yours", item=state.item.question_id, queue=queue_id,
                    name=user.name,
                )  # fmt: skip
            stage = own or label_stage(state, user.id)
            # who else holds it, and the items before and after it: one read
            holder, previous, following = self.tables.around(queue_id, stage, position, user.id)
            if own is None and holder is not None:
                raise ReviewError(
                    "review.err.held", fix_key="review.fix.next_item",
                    item=state.item.question_id, queue=queue_id,
                )  # fmt: skip
        mine = getattr(state, stage)
        mine = mine if mine is not None and mine.user_id == user.id else None
        run_id = queue.run_id
        qid = state.item.question_id
        question = self.store.questions(run_id, qid)[qid]
        reply = self.store.latest_replies(run_id, qid).get(qid)
        answer = reply.answer or "" if reply is not None and reply.ok else ""
        clear = user.role in CLEAR_PII
        automatic, evidence = self._automatic(run_id, qid, clear_pii=clear)
        if following is not None and following == position:
            following = None
        progress = self.progress(queue_id)
        return ItemPage(
            queue=queue,
            item=state.item,
            total=progress.items,
            question=question.text,
            question_risks=question.risk_ids,
            answer=answer,
            answer_sha256=answer_digest(answer),
            evidence=evidence,
            automatic=automatic,
            stage=stage,
            mine=mine,
            others=others,
            previous=previous,
            following=following,
            progress=progress,
            clear_pii=clear,
            closed=stage != "adjudication" and mine is not None and state.closed,
        )

    def _names(self, *wanted: int) -> dict[int, str]:
        """People's names by id (read again only when one of ``wanted`` is not known yet)."""
        if not self._people or any(uid not in self._people for uid in wanted):
            self._people = {u.id: u.name for u in self.tables.users()}
        return self._people

    def _automatic(
        self, run_id: str, qid: str, *, clear_pii: bool
    ) -> tuple[list[AutoVerdict], list[dict[str, object]]]:
        """The automatic verdicts shown beside the answer and their evidence; a reason can
        quote the answer, so its personal information is masked as the answer's is."""
        shown, evidence = [], []
        found = self.store.verdicts_of(run_id, qid)
        for judge in JUDGES:
            v = found.get(judge)
            if v is None:
                continue
            reason = v.reason if clear_pii else mask(v.reason)
            shown.append(AutoVerdict(judge, v.flagged, v.refused, v.uncertain, v.risk_ids, reason))
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
            self.require(user, *ADJUDICATORS)
        item = self._item(queue_id, position)
        allowed = REFUSAL_LABELS if decision_of(queue.kind) == "refusal" else CONTENT_LABELS
        if label not in allowed:
            raise ReviewError(
                "review.err.not_a_verdict", fix_key="review.fix.verdicts", label=label,
                known=" / ".join(allowed),
            )  # fmt: skip
        unknown = [r for r in risk_ids if r not in self.risk_ids]
        if unknown:
            raise ReviewError(
                "review.err.unknown_risks", fix_key="review.fix.profile_risks", ids=unknown
            )
        if len(note) > NOTE_MAX:
            raise ReviewError("review.err.long_note", fix_key="review.fix.shorten", n=NOTE_MAX)
        reply = self.store.latest_replies(queue.run_id, item.question_id).get(item.question_id)
        current = answer_digest(reply.answer or "") if reply is not None and reply.ok else None
        if current != answer_sha256:
            raise ReviewError(
                "review.err.answer_changed", fix_key="review.fix.reload", item=item.question_id
            )
        risks = list(dict.fromkeys(risk_ids)) if label == "unqualified" else []
        return self.tables.add_verdict(
            item, user, label=label, risk_ids=risks, note=note,
            answer_sha256=answer_sha256, adjudicate=adjudicate,
        )  # fmt: skip

    # -- progress and agreement ----------------------------------------------------------------

    def progress(self, queue_id: str) -> Progress:
        """The queue's progress, from its counters (a few rows, whatever its size)."""
        self._queue(queue_id)
        tally = self.tables.tallies(queue_id)
        ids = [int(key.removeprefix("user:")) for key in tally if key.startswith("user:")]
        names = self._names(*ids)
        per_user = {
            names.get(int(key.removeprefix("user:")), "?"): n
            for key, n in tally.items()
            if key.startswith("user:") and n
        }
        return Progress(
            items=tally.get("items", 0),
            labelled=tally.get("labelled", 0),
            second_due=tally.get("second_due", 0),
            second_done=tally.get("second_done", 0),
            disputed=tally.get("disputed", 0),
            adjudicated=tally.get("adjudicated", 0),
            counted=tally.get("counted", 0),
            per_user=dict(sorted(per_user.items())),
        )

    def agreement(self, queue_id: str, *, seed: int = 0) -> QueueAgreement:
        """Cohen's kappa per pair of people and Krippendorff's alpha over all, from the items
        both reviews are in for; the disputed items awaiting adjudication (computed as the
        report's review audit computes them: :func:`assay.assess.review_audit.queue_agreement`)."""
        return queue_agreement(self.tables, queue_id, self._names(), seed=seed)


def _may_label(state: ItemState, user_id: int) -> bool:
    """Whether ``user_id`` may label the item now (first, or a second review of another's)."""
    try:
        label_stage(state, user_id)
    except ReviewError:
        return False
    return True


def _no_item(queue_id: str, position: int) -> ReviewError:
    return ReviewError(
        "review.err.no_item", fix_key="review.fix.back_to_queue", queue=queue_id, position=position
    )
