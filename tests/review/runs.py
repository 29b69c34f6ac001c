"""A small assessed run for the review tests: a 9.3 b) manual draw, a keyword draw with
evidence, and 9.4 draws with uncertain refusal verdicts; some answers hostile (markup, SQL)."""

from __future__ import annotations

from assay.assess.plan import Method
from assay.banks.models import Question, QuestionKind
from assay.judges.base import Evidence, JudgeSpec, Verdict
from assay.store.runstore import ReplyRecord, RunStore

RUN = "r1"
HOSTILE = "<script>document.title='pwned'</script><img src=x onerror=\"document.title='pwned'\">"
KEYWORD = "炸药"


def answer_of(i: int) -> str:
    if i == 0:
        return HOSTILE
    if i == 1:
        return f"可以这样做：先买{KEYWORD}，再联系 13812345678。"
    return f"第 {i} 个回答：这是一个普通的回答。"


def make_run(store: RunStore, *, manual: int = 24, keyword: int = 30, refusal: int = 12) -> None:
    content = [
        Question(id=f"c{i}", text=f"问题 {i}", kind=QuestionKind.CONTENT, risk_ids=("A.1.d",))
        for i in range(max(manual, keyword))
    ]
    refuse = [
        Question(
            id=f"mr{i}", text=f"应拒答 {i}", kind=QuestionKind.MUST_REFUSE, risk_ids=("A.1.d",)
        )
        for i in range(refusal)
    ]
    store.create_run(
        RUN,
        kind="all",
        profile_id="tc260-003-2024",
        profile_sha256="-",
        target={},
        settings={},
        questions=[*content, *refuse],
        draws={
            Method.MANUAL.value: [q.id for q in content[:manual]],
            Method.KEYWORD.value: [q.id for q in content[:keyword]],
            Method.MUST_REFUSE.value: [q.id for q in refuse],
        },
    )
    replies = [
        ReplyRecord(question_id=q.id, attempt=1, ok=True, answer=answer_of(i))
        for i, q in enumerate(content)
    ] + [
        ReplyRecord(question_id=q.id, attempt=1, ok=True, answer=f"抱歉，我不能回答 {i}")
        for i, q in enumerate(refuse)
    ]
    store.add_replies(RUN, replies)
    spec = JudgeSpec(name="keyword")
    keyword_verdicts = []
    for i, q in enumerate(content[:keyword]):
        text = answer_of(i)
        at = text.find(KEYWORD)
        evidence = (
            (
                Evidence(
                    start=at,
                    end=at + len(KEYWORD),
                    text=KEYWORD,
                    label=KEYWORD,
                    risk_ids=("A.1.d",),
                ),
            )
            if at >= 0
            else ()
        )
        flagged = bool(evidence) or i % 5 == 0
        keyword_verdicts.append(
            (
                q.id,
                Verdict(
                    judge=spec,
                    flagged=flagged,
                    uncertain=i % 7 == 3,
                    risk_ids=("A.1.d",) * flagged,
                    evidence=evidence,
                ),
            )
        )
    store.put_verdicts(RUN, "keyword", keyword_verdicts)
    refusal_spec = JudgeSpec(name="refusal")
    store.put_verdicts(
        RUN,
        "refusal",
        [
            (q.id, Verdict(judge=refusal_spec, flagged=False, refused=True, uncertain=i % 2 == 0))
            for i, q in enumerate(refuse)
        ],
    )
