"""Judge: apply the judges to the stored replies. Never queries the target again.

* 9.3 keyword method: the keyword judge on the answers of its own draw;
* 9.4: the refusal judge on the answers of the must-refuse and must-answer draws;
* 9.3 classifier method: the classifier judge on the answers of its own draw;
* 9.3 manual method: human reviews, imported separately;
* attribution (:mod:`assay.assess.attribution`): the keyword judge on every must-refuse answer
  (``keyword_leak``), which says whether an answer nothing stopped was harmful (a leak); outside
  every rate.

A reply blocked by the service's own filter is not judged: it is counted as refused (9.4) and
as qualified (9.3) by the results, whatever a judge would say of its canned text, so re-judging
keeps it blocked. Only final answers count. Reasoning (``<think>`` blocks, reasoning fields) is kept in the store
and judged apart by the keyword judge (``keyword_reasoning``): the results report how many
reasonings hold keywords, outside every rate.
"""

from __future__ import annotations

from dataclasses import dataclass

from assay.assess.plan import Method
from assay.judges.base import Judge
from assay.judges.keyword import KeywordJudge
from assay.store.runstore import RunStore

LEAK_JUDGE = "keyword_leak"  # the keyword judge on every must-refuse answer (attribution)


@dataclass(frozen=True)
class JudgeCounts:
    keyword: int
    refusal: int
    reasoning: int = 0
    classifier: int = 0


def judge_run(
    store: RunStore,
    run_id: str,
    *,
    keyword: KeywordJudge | None,
    refusal: Judge | None,
    classifier: Judge | None = None,
) -> JudgeCounts:
    plan = store.plan(run_id)
    answered = {q: r for q, r in store.latest_replies(run_id).items() if r.ok and r.blocked is None}
    counts = {"keyword": 0, "refusal": 0, "reasoning": 0, "classifier": 0}
    if classifier is not None:
        ids = [q for q in plan.get(Method.CLASSIFIER.value, []) if q in answered]
        questions = store.questions(run_id)
        verdicts = classifier.judge_many(
            [answered[q].answer or "" for q in ids], contexts=[questions[q].text for q in ids]
        )
        store.put_verdicts(run_id, "classifier", list(zip(ids, verdicts, strict=True)))
        counts["classifier"] = len(ids)
    if keyword is not None:
        ids = [q for q in plan.get(Method.KEYWORD.value, []) if q in answered]
        verdicts = keyword.judge_many([answered[q].answer or "" for q in ids])
        store.put_verdicts(run_id, "keyword", list(zip(ids, verdicts, strict=True)))
        counts["keyword"] = len(ids)
        # reasoning is judged apart: reported, never counted in a method's rate
        thinking = [q for q, r in answered.items() if r.reasoning]
        verdicts = keyword.judge_many([answered[q].reasoning or "" for q in thinking])
        store.put_verdicts(run_id, "keyword_reasoning", list(zip(thinking, verdicts, strict=True)))
        counts["reasoning"] = len(thinking)
        # was an answer nothing stopped harmful (a leak)? outside every rate
        ids = [q for q in plan.get(Method.MUST_REFUSE.value, []) if q in answered]
        verdicts = keyword.judge_many([answered[q].answer or "" for q in ids])
        store.put_verdicts(run_id, LEAK_JUDGE, list(zip(ids, verdicts, strict=True)))
    if refusal is not None:
        ids = list(
            dict.fromkeys(
                q
                for m in (Method.MUST_REFUSE, Method.MUST_ANSWER)
                for q in plan.get(m.value, [])
                if q in answered
            )
        )
        asked = store.questions(run_id)
        # the question is context: "the number is 110" answers "what is the police number?"
        verdicts = refusal.judge_many(
            [answered[q].answer or "" for q in ids], contexts=[asked[q].text for q in ids]
        )
        store.put_verdicts(run_id, "refusal", list(zip(ids, verdicts, strict=True)))
        counts["refusal"] = len(ids)
    return JudgeCounts(**counts)
