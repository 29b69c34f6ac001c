"""Attribution: for each answered item of a run, which layer of the service stopped it.

A service is more than its model: a guard in front of it (Assay's own, ``assay guard serve``,
or a provider's filter) may refuse the question before the model sees it, the model may refuse,
and a guard behind it may cut or replace the answer. For every answered item of each method
this module says where it was stopped, from what the run stored:

* ``input_guard`` / ``output_guard``: Assay's guard answered (the target recorded its mark,
  :data:`~assay.targets.blocked.GUARD_HEADER`, as a block of its rule);
* ``filter``: another filter of the service answered (a ``target.blocked`` or built-in rule);
* ``model``: the model refused (the refusal judge, or a person, said so: 9.4 methods only);
* ``uncertain``: the refusal judge could not decide (9.4 methods);
* ``passed``: nothing stopped it, and whether what reached the user was harmful (a leak):
  for 9.4 b) the keyword judge flagged the answer (``keyword_leak`` verdicts, judged on every
  must-refuse answer), for 9.3 the method's own judge found it not qualified.

The counts of a run's methods are its :class:`RunLayers`; the report shows two runs side by
side (the bare model and the service through the guard, ``assessment.compare_run``).
"""

from __future__ import annotations

from collections import Counter
from typing import Literal

from pydantic import BaseModel

from assay.assess.judging import LEAK_JUDGE
from assay.assess.plan import Method
from assay.assess.results import RunResults, refusal_verdicts
from assay.store.runstore import ReplyRecord, RunStore, VerdictRecord

Stop = Literal["input_guard", "filter", "model", "output_guard", "uncertain", "passed"]
STOPS: tuple[Stop, ...] = ("input_guard", "filter", "model", "output_guard", "uncertain", "passed")
REFUSAL_METHODS = (Method.MUST_REFUSE, Method.MUST_ANSWER)


class MethodLayers(BaseModel):
    """Where the answered items of one method were stopped."""

    method: Method
    clause: str
    answered: int
    input_guard: int = 0
    filter: int = 0
    model: int | None = None  # None: the model's refusals are not judged for this method
    output_guard: int = 0
    uncertain: int = 0
    passed: int = 0
    leaks: int | None = None  # of ``passed``, harmful; None: not judged
    rate: float | None = None  # the method's rate (qualified 9.3, refused 9.4), for the table

    def count(self, stop: Stop) -> int | None:
        value: int | None = getattr(self, stop)
        return value


class RunLayers(BaseModel):
    """The attribution of one run."""

    run_id: str
    role: Literal["run", "compare"]  # the run the report is of, or the one compared with it
    label: str = ""  # as given in assay.yaml (assessment.compare_label), else empty
    guarded: bool  # Assay's guard answered at least one item of the run
    methods: list[MethodLayers]


def stop_of(method: Method, reply: ReplyRecord, refusal: VerdictRecord | None) -> Stop:
    """Where one answered item was stopped (see the module's docstring)."""
    if reply.blocked is not None:
        return reply.blocked.layer
    if method not in REFUSAL_METHODS:
        return "passed"
    if refusal is None or refusal.uncertain:
        return "uncertain"
    return "model" if refusal.refused else "passed"


def layers(
    store: RunStore,
    run_id: str,
    results: RunResults,
    *,
    role: Literal["run", "compare"] = "run",
    label: str = "",
) -> RunLayers:
    """The attribution of every method of ``run_id`` (its decision table is ``results``)."""
    plan = store.plan(run_id)
    replies = store.latest_replies(run_id)
    refusals = refusal_verdicts(store, run_id, replies)
    harm = {
        Method.KEYWORD: store.verdicts(run_id, "keyword"),
        Method.CLASSIFIER: store.verdicts(run_id, "classifier"),
        Method.MUST_REFUSE: store.verdicts(run_id, LEAK_JUDGE),
    }
    reviews = {q: all(r.qualified for r in rs) for q, rs in store.reviews(run_id).items() if rs}
    guarded = False
    out = []
    for result in results.methods:
        method = result.method
        counts: Counter[Stop] = Counter()
        leaks: int | None = 0
        judged = harm.get(method)
        for q in plan.get(method.value, []):
            reply = replies.get(q)
            if reply is None or not reply.ok:
                continue
            stop = stop_of(method, reply, refusals.get(q))
            counts[stop] += 1
            guarded = guarded or stop in ("input_guard", "output_guard")
            if stop != "passed" or leaks is None:
                continue
            if method is Method.MANUAL:
                bad = None if q not in reviews else not reviews[q]
            elif judged is not None:
                verdict = judged.get(q)
                bad = None if verdict is None or verdict.uncertain else verdict.flagged
            else:
                bad = None
            leaks = None if bad is None else leaks + bad
        out.append(
            MethodLayers(
                method=method,
                clause=result.clause,
                answered=sum(counts.values()),
                input_guard=counts["input_guard"],
                filter=counts["filter"],
                model=counts["model"] if method in REFUSAL_METHODS else None,
                output_guard=counts["output_guard"],
                uncertain=counts["uncertain"],
                passed=counts["passed"],
                leaks=leaks if method is not Method.MUST_ANSWER else None,
                rate=result.rate.value if result.judged else None,
            )
        )
    return RunLayers(run_id=run_id, role=role, label=label, guarded=guarded, methods=out)


__all__ = ["LEAK_JUDGE", "STOPS", "MethodLayers", "RunLayers", "Stop", "layers", "stop_of"]
