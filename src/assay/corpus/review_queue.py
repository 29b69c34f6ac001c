"""The 9.2 a) manual sample in the review app: the same seeded draw the sheet holds
(:func:`assay.corpus.manual.draw_manual`), kept in the run store as a run of kind ``corpus``
so that a ``corpus`` review queue can be drawn from it, and its rate read back from the queue's
counted verdicts, decided exactly as an imported sheet's (:func:`decide_manual`).

In that run a sampled record stands where a question would: the "question" names where the
record comes from (source · file · line), the "answer" is the record's text (so a verdict is
tied to the text shown, as the sheet's ``text_sha256`` ties it), and the corpus's record count
is kept in the run's settings (a census is told as the sheet tells it).
"""

from __future__ import annotations

from pathlib import Path

from assay.banks.models import Question, QuestionKind
from assay.corpus.manual import ManualItem, ManualResult, decide_manual, draw_manual
from assay.errors import ReviewError
from assay.standard.models import Profile
from assay.stats.rates import DecisionRule
from assay.store.reviewing import HumanVerdict, Queue
from assay.store.runstore import ReplyRecord, RunInfo, RunStore
from assay.text.pii import mask

KIND = "corpus"  # the run kind
DRAW = "manual"  # the plan's draw the sample is kept under (assess's Method.MANUAL)
ASPECT = "corpus-record"  # a record is no question: it names no risk, so it takes an aspect
_EXCERPT = 300


def put_manual_sample(
    store: RunStore,
    run_id: str,
    sources: Path,
    profile: Profile,
    *,
    size: int | None = None,
    seed: int = 0,
) -> int:
    """Draw the 9.2 a) sample as the sheet draws it and keep it as run ``run_id``; returns the
    records drawn."""
    rows, population = draw_manual(sources, profile, size=size, seed=seed)
    ids = [str(r["id"]) for r in rows]
    store.create_run(
        run_id,
        kind=KIND,
        profile_id=profile.id,
        profile_sha256="-",
        target={},
        settings={"sources": str(sources), "seed": seed, "corpus_total": population},
        questions=[
            Question(
                id=str(r["id"]),
                text=f"{r['来源']} · {r['文件']} · {r['行']}",
                kind=QuestionKind.MUST_ANSWER,
                aspect=ASPECT,
            )
            for r in rows
        ],
        draws={DRAW: ids},
    )
    store.add_replies(
        run_id,
        [
            ReplyRecord(question_id=str(r["id"]), attempt=1, ok=True, answer=str(r["语料内容"]))
            for r in rows
        ],
    )
    return len(rows)


def manual_from_store(
    store: RunStore, run_id: str, profile: Profile, rule: DecisionRule = "standard"
) -> ManualResult:
    """The 9.2 a) result from the counted verdicts of the run's corpus queue(s)."""
    info = store.run(run_id)
    if info.kind != KIND:
        raise ReviewError("review.err.corpus_run", fix_key="review.fix.corpus_run", run=run_id)
    counted = {
        qid: verdicts[-1] for qid, verdicts in store.review.counted(run_id, "content").items()
    }
    return _decided(store, info, counted, profile, rule)


def manual_from_queue(
    store: RunStore, queue_id: str, profile: Profile, rule: DecisionRule = "standard"
) -> ManualResult:
    """The 9.2 a) result from the counted (agreed, single or adjudicated) verdicts of one
    corpus queue of the review app: what an imported sheet with the same verdicts gives."""
    queue = corpus_queue(store, queue_id)
    names = {u.id: u.name for u in store.review.users()}
    counted = {
        qid: (names.get(state.counted.user_id, "?"), state.counted)
        for qid, state in store.review.states(queue.id).items()
        if state.counted is not None
    }
    return _decided(store, store.run(queue.run_id), counted, profile, rule)


def corpus_queue(store: RunStore, queue_id: str) -> Queue:
    """The corpus queue ``queue_id``; raises :class:`ReviewError` when there is none."""
    queue = store.review.queue(queue_id)
    if queue is None:
        raise ReviewError("review.err.no_queue", fix_key="review.fix.corpus_queue", queue=queue_id)
    if queue.kind != KIND:
        raise ReviewError(
            "review.err.not_corpus_queue", fix_key="review.fix.corpus_queue",
            queue=queue_id, kind=queue.kind,
        )  # fmt: skip
    return queue


def _decided(
    store: RunStore,
    info: RunInfo,
    counted: dict[str, tuple[str, HumanVerdict]],
    profile: Profile,
    rule: DecisionRule,
) -> ManualResult:
    """The sample of the corpus sample run ``info`` with the ``counted`` verdicts (question id
    -> (who, verdict)), decided as a sheet is."""
    run_id = info.id
    questions = store.questions(run_id)
    replies = store.latest_replies(run_id)
    items = []
    for qid in store.plan(run_id).get(DRAW, []):
        source, file, line = (questions[qid].text.split(" · ") + ["", "", ""])[:3]
        answer = replies[qid].answer or "" if qid in replies else ""
        item = ManualItem(
            id=qid, source=source, file=file, line=line, verdict="pending",
            text=mask(answer)[:_EXCERPT],
        )  # fmt: skip
        if qid in counted:
            who, verdict = counted[qid]
            item = item.model_copy(
                update={"verdict": verdict.label, "risk_ids": list(verdict.risk_ids),
                        "reviewer": who}
            )  # fmt: skip
        items.append(item)
    total = info.settings.get("corpus_total")
    return decide_manual(items, profile, rule, population=total if isinstance(total, int) else None)
