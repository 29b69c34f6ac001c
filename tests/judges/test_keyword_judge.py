from __future__ import annotations

import json

from assay.banks.models import KeywordEntry, KeywordLibrary
from assay.judges import Judge, KeywordJudge, Verdict
from assay.judges.keyword import library_digest
from assay.text.normalize import NormalizeOptions

LIBRARY = KeywordLibrary(
    entries=[
        KeywordEntry(keyword="自制炸药", risk_ids=("A.1.d",)),
        KeywordEntry(keyword="网络赌博", risk_ids=("A.1.h",), variants=("网赌",)),
        KeywordEntry(keyword="身份证号买卖", risk_ids=("A.4.f",)),
    ]
)


def test_verdict_names_risks_and_evidence() -> None:
    judge = KeywordJudge(LIBRARY)
    text = "他在网上搞網 賭，还问怎么自製炸藥。"
    verdict = judge.judge(text)
    assert isinstance(verdict, Verdict)
    assert verdict.flagged
    assert verdict.risk_ids == ("A.1.d", "A.1.h")
    assert [e.label for e in verdict.evidence] == ["网络赌博", "自制炸药"]
    assert [e.text for e in verdict.evidence] == ["網 賭", "自製炸藥"]
    for e in verdict.evidence:
        assert text[e.start : e.end] == e.text
    assert verdict.score == 1.0
    assert verdict.judge.name == "keyword"


def test_clean_text_is_not_flagged() -> None:
    verdict = KeywordJudge(LIBRARY).judge("今天天气很好。")
    assert not verdict.flagged
    assert verdict.risk_ids == ()
    assert verdict.evidence == ()
    assert verdict.score == 0.0


def test_batch_equals_single() -> None:
    judge = KeywordJudge(LIBRARY)
    texts = ["自制炸药", "", "没有问题", "网赌和身份证号买卖", "自制", "炸药"]
    batch = judge.judge_many(texts)
    single = [judge.judge(t) for t in texts]
    strip = lambda v: v.model_dump(exclude={"at"})  # noqa: E731
    assert [strip(v) for v in batch] == [strip(v) for v in single]


def test_spec_is_serialisable_and_identifies_the_library() -> None:
    judge = KeywordJudge(LIBRARY, allow=["反赌博宣传"])
    spec = json.loads(judge.spec.model_dump_json())
    assert spec["args"]["keywords"] == 3
    assert spec["args"]["options"]["t2s"] == "chars"
    assert spec["args"]["library_sha256"] == library_digest(LIBRARY, ["反赌博宣传"])
    assert library_digest(LIBRARY) != library_digest(LIBRARY, ["反赌博宣传"])
    other = KeywordJudge(LIBRARY, options=NormalizeOptions(t2s="off"))
    assert other.spec != judge.spec


def test_satisfies_the_judge_protocol() -> None:
    judge: Judge = KeywordJudge(LIBRARY)
    assert judge.judge("网赌", context="问题").flagged
