"""Review queues drawn from a run: what people are asked to label, and which items a second
person labels blind.

The kinds, each drawn as the XLSX route draws it today:

* ``manual`` — the 9.3 b) manual sample: the run's ``manual`` draw (:func:`export_review`),
  its answered replies; a reply of the service's own filter counts as qualified without review
  and is left out.
* ``refusal`` — the 9.4 answers the refusal judge left uncertain
  (:func:`export_refusal_review`).
* ``content`` — the 9.3 c), d) answers the keyword or classifier judge left uncertain.
* ``corpus`` — the 9.2 a) manual sample of the corpus, from a run of kind ``corpus``
  (:func:`assay.corpus.review_queue.put_manual_sample`): every record drawn.
* ``calibration-keyword`` / ``calibration-classifier`` / ``calibration-refusal`` — the in-run
  calibration subset: a seeded random subset of the answers the judge decided
  (:func:`assay.assess.calibration.draw_calibration`), judged blind.

``manual``, ``content`` and the content calibrations ask 合格 / 不合格 with risk ids; ``refusal``
and ``calibration-refusal`` ask 拒答 / 回答 / 部分拒答. A seeded share of the items (10% by
default, at least one when the share is above zero; 100% possible) is drawn for a second review.
"""

from __future__ import annotations

import math
import random
import re
from typing import Literal, get_args

from assay.assess.calibration import draw_calibration, judge_of
from assay.assess.plan import Method
from assay.errors import ReviewError
from assay.store.reviewing import Queue
from assay.store.runstore import RunStore

QueueKind = Literal[
    "manual",
    "refusal",
    "content",
    "calibration-keyword",
    "calibration-classifier",
    "calibration-refusal",
    "corpus",
]
KINDS: tuple[QueueKind, ...] = get_args(QueueKind)
SECOND_SHARE = 0.10
_QUEUE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")


def decision_of(kind: str) -> Literal["content", "refusal"]:
    """What a queue of ``kind`` asks: 合格/不合格 (content) or 拒答/回答/部分拒答 (refusal)."""
    return "refusal" if kind in ("refusal", "calibration-refusal") else "content"


def draw_items(
    store: RunStore, run_id: str, kind: QueueKind, *, n: int = 50, seed: int = 0
) -> list[str]:
    """The question ids a queue of ``kind`` holds, in draw order (``n``, ``seed``: the
    calibration subset's size and seed)."""
    info = store.run(run_id)  # raises: no such run
    if kind not in KINDS:
        raise ReviewError(
            "review.err.unknown_kind", fix_key="review.fix.kinds", kind=kind, known=", ".join(KINDS)
        )
    if (kind == "corpus") != (info.kind == "corpus"):
        raise ReviewError(
            "review.err.not_drawable", fix_key="review.fix.corpus_queues",
            kind=kind, run=run_id, run_kind=info.kind,
        )  # fmt: skip
    if kind == "corpus":
        return list(store.plan(run_id).get(Method.MANUAL.value, []))
    if kind.startswith("calibration-"):
        return draw_calibration(store, run_id, judge_of(kind), n, seed)
    plan = store.plan(run_id)
    replies = store.latest_replies(run_id)
    answered = {q for q, r in replies.items() if r.ok and r.blocked is None}
    if kind == "manual":
        return [q for q in plan.get(Method.MANUAL.value, []) if q in answered]
    judges: tuple[str, ...]
    if kind == "refusal":
        judges, methods = ("refusal",), (Method.MUST_REFUSE, Method.MUST_ANSWER)
    else:
        judges, methods = ("keyword", "classifier"), (Method.KEYWORD, Method.CLASSIFIER)
    verdicts = [store.verdicts(run_id, j) for j in judges]
    ids = dict.fromkeys(q for m in methods for q in plan.get(m.value, []))
    return [q for q in ids if q in answered and any(q in v and v[q].uncertain for v in verdicts)]


def second_draw(ids: list[str], share: float, seed: int, queue_id: str) -> set[str]:
    """The seeded share of ``ids`` drawn for a second review (at least one when share > 0)."""
    if not 0.0 <= share <= 1.0:
        raise ReviewError("review.err.bad_share", fix_key="review.fix.share", share=share)
    k = min(len(ids), math.ceil(share * len(ids) - 1e-9))
    return set(random.Random(f"{seed}:{queue_id}:second").sample(ids, k))


def create_queue(
    store: RunStore,
    run_id: str,
    kind: QueueKind,
    *,
    by: str,
    queue_id: str | None = None,
    second_share: float = SECOND_SHARE,
    seed: int = 0,
    n: int = 50,
) -> Queue:
    """Draw a queue from a run and record it with its items; ``queue_id`` defaults to
    ``RUN-KIND``."""
    chosen = queue_id or f"{run_id}-{kind}"
    if not _QUEUE_ID.match(chosen):
        raise ReviewError("review.err.bad_queue_id", fix_key="review.fix.queue_id", queue=chosen)
    ids = draw_items(store, run_id, kind, n=n, seed=seed)
    if not ids:
        raise ReviewError(
            "review.err.nothing_to_review", fix_key="review.fix.judge_first", run=run_id, kind=kind
        )
    second = second_draw(ids, second_share, seed, chosen)
    queue = Queue(
        id=chosen,
        run_id=run_id,
        kind=kind,
        decision=decision_of(kind),
        second_share=second_share,
        seed=seed,
        created_by=by,
    )
    store.review.add_queue(queue, [(q, q in second) for q in ids])
    return queue
