"""What the review app contributed to an assessment, for the report: who reviewed, how far they
agreed, what was adjudicated, and the audit trail itself.

The review app's queues of a run (:mod:`assay.store.reviewing`) hold people's verdicts; the
counted ones flow into the results beside the imported sheets'. When they do, the report carries
this audit (with the corpus queue the 9.2 a) result was counted from, which belongs to a corpus
sample run of its own): the people and their roles, per queue the items, second reviews and adjudications
(re-adjudications apart), Cohen's kappa per pair of people and Krippendorff's alpha over all
(with their bootstrap intervals), and how many refusal verdicts were 部分拒答
(:data:`~assay.store.reviewing.PARTIAL_COUNTS_AS` says how they count). The audit trail of those
queues (every verdict, change, claim and assignment, in order) goes into the package as an annex
(:func:`audit_trail_lines`), listed with its sha256 like every other.

The agreement is computed here, once, for the review app's dashboard and for the report alike.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field

from assay.stats.agreement import Agreement, cohen_kappa, krippendorff_alpha
from assay.store.reviewing import PARTIAL, Item, ItemState, Queue, ReviewTables
from assay.store.runstore import RunStore
from assay.text.pii import mask

TRAIL_FILE = "人工审核记录.jsonl"  # the annex: one audit event per line


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


def queue_agreement(
    tables: ReviewTables, queue_id: str, names: dict[int, str], *, seed: int = 0
) -> QueueAgreement:
    """Cohen's kappa per pair of people and Krippendorff's alpha over all, from the items both
    reviews are in for; the disputed items awaiting adjudication (``names``: user id -> name)."""
    states = sorted(tables.reviewed_twice(queue_id).values(), key=lambda s: s.item.position)
    by_pair: dict[tuple[str, str], tuple[list[str], list[str]]] = {}
    units: list[list[str]] = []
    for s in states:
        if s.first is None or s.second is None:
            continue
        one = (names.get(s.first.user_id, "?"), s.first.label)
        two = (names.get(s.second.user_id, "?"), s.second.label)
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


class PairKappa(BaseModel):
    """Cohen's kappa between two people over the items both reviewed."""

    a: str
    b: str
    kappa: Agreement


class QueueAudit(BaseModel):
    """One review queue of the run: its work and its agreement."""

    id: str
    kind: str
    decision: str  # content (合格/不合格) or refusal (拒答/回答/部分拒答)
    items: int
    counted: int  # items whose verdict counts (agreed, single, or adjudicated)
    second_due: int  # items drawn for a blind second review
    second_done: int
    disputed: int  # the two reviews differ and no adjudication yet
    adjudicated: int
    readjudicated: int  # adjudications that replaced an earlier one (both stay in the trail)
    partial: int = 0  # counted refusal verdicts of 部分拒答
    verdicts: dict[str, int] = Field(default_factory=dict)  # person -> verdicts in force
    pairs: list[PairKappa] = Field(default_factory=list)
    alpha: Agreement


class ReviewAudit(BaseModel):
    """The review app's part in the assessment (see the module's docstring)."""

    people: dict[str, str]  # person -> role, of all who gave a verdict in these queues
    queues: list[QueueAudit]
    events: int  # audit events of these queues, all in the annex
    trail_file: str = TRAIL_FILE


def review_audit(
    store: RunStore, run_id: str | None, *, also: Sequence[str] = (), seed: int = 0
) -> ReviewAudit | None:
    """The audit of the review queues of run ``run_id`` (none when None) and of the queues
    ``also`` names (the corpus queue the 9.2 a) result was counted from, drawn from a corpus
    sample run of its own); None when none of them has a verdict."""
    tables = store.review
    users = {u.id: u for u in tables.users()}
    names = {uid: u.name for uid, u in users.items()}
    queues, people = [], {}
    for queue in _audited(tables, run_id, also):
        states = tables.states(queue.id)
        verdicts = tables.verdicts(queue.id)
        if not verdicts:
            continue
        for v in verdicts:  # everybody who gave a verdict, in force or replaced since
            people[names.get(v.user_id, "?")] = users[v.user_id].role if v.user_id in users else "?"
        by_person: dict[str, int] = {}
        for state in states.values():
            for held in (state.first, state.second, state.adjudication):
                if held is not None:
                    name = names.get(held.user_id, "?")
                    by_person[name] = by_person.get(name, 0) + 1
        agreement = queue_agreement(tables, queue.id, names, seed=seed)
        adjudications = [v for v in verdicts if v.stage == "adjudication"]
        queues.append(
            QueueAudit(
                id=queue.id,
                kind=queue.kind,
                decision=queue.decision,
                items=len(states),
                counted=sum(s.counted is not None for s in states.values()),
                second_due=sum(s.item.second for s in states.values()),
                second_done=sum(s.second is not None for s in states.values()),
                disputed=sum(s.disputed and s.adjudication is None for s in states.values()),
                adjudicated=sum(s.adjudication is not None for s in states.values()),
                readjudicated=len(adjudications) - len({v.question_id for v in adjudications}),
                partial=_partial(states.values()),
                verdicts=dict(sorted(by_person.items())),
                pairs=[PairKappa(a=p.a, b=p.b, kappa=p.kappa) for p in agreement.pairs],
                alpha=agreement.alpha,
            )
        )
    if not queues:
        return None
    events = len(tables.queue_events([q.id for q in queues]))
    return ReviewAudit(people=dict(sorted(people.items())), queues=queues, events=events)


def _audited(tables: ReviewTables, run_id: str | None, also: Sequence[str]) -> list[Queue]:
    """The run's queues, then the named ones (each once, an unknown id skipped)."""
    chosen = tables.queues(run_id) if run_id is not None else []
    for queue_id in also:
        queue = tables.queue(queue_id)
        if queue is not None and all(q.id != queue.id for q in chosen):
            chosen.append(queue)
    return chosen


def _partial(states: Iterable[ItemState]) -> int:
    """How many counted verdicts are 部分拒答 (a refusal queue's ``partial``)."""
    return sum(s.counted is not None and s.counted.label == PARTIAL for s in states)


def audit_trail_lines(store: RunStore, audit: ReviewAudit, *, mask_pii: bool = True) -> list[str]:
    """The audit events of the audited queues as JSON lines, oldest first: id, time, who,
    action, queue, question, before and after. People's notes are free text: their personal
    information is masked when the report masks it (``mask_pii``)."""
    lines = []
    for event in store.review.queue_events([q.id for q in audit.queues]):
        row = {
            "id": event["id"],
            "at": event["at"].isoformat(),
            "user": event["user_name"],
            "action": event["action"],
            "queue": event["queue_id"],
            "question": event["question_id"],
            "before": _masked(event["before"], mask_pii),
            "after": _masked(event["after"], mask_pii),
        }
        lines.append(json.dumps(row, ensure_ascii=False, sort_keys=True))
    return lines


def _masked(value: Any, on: bool) -> Any:
    if not on or not isinstance(value, dict):
        return value
    return {k: mask(v) if k == "note" and isinstance(v, str) else v for k, v in value.items()}


__all__ = [
    "TRAIL_FILE",
    "PairAgreement",
    "QueueAgreement",
    "QueueAudit",
    "ReviewAudit",
    "audit_trail_lines",
    "queue_agreement",
    "review_audit",
]
