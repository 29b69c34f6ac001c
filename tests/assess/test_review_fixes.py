"""Cases found in code review: each would have given a wrong result or lost data."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from assay.assess.clauses import clause_results
from assay.assess.execute import Budget, execute, to_ask
from assay.assess.measures import MeasuresFile
from assay.assess.plan import Method, make_plan
from assay.assess.results import results
from assay.assess.review import export_review, import_review
from assay.assess.run import run_target
from assay.banks.check import check_files
from assay.banks.models import BankKind, Question, QuestionBank, QuestionKind
from assay.banks.tabular import write_rows
from assay.standard import Profile
from assay.stats.rates import Decision, Direction, decide, rate
from assay.store.runstore import RunStore
from assay.targets import CallableTarget, OpenAITarget, OpenAITargetConfig
from tests.helpers.fake_openai import FakeOpenAI


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    fake = FakeOpenAI()
    fake.start()
    yield fake
    fake.stop()


def _q(i: int, text: str, kind: QuestionKind = QuestionKind.MUST_REFUSE) -> Question:
    return Question(id=f"q{i}", text=text, kind=kind, risk_ids=("A.1.d",))


def test_an_empty_answer_is_an_error(tmp_path: Path, server: FakeOpenAI) -> None:
    store = RunStore(f"sqlite:///{tmp_path / 'r.sqlite'}")
    store.create_run(
        "r", kind="refusal", profile_id="p", profile_sha256="-", target={}, settings={}
    )
    target = OpenAITarget(
        OpenAITargetConfig(base_url=server.url, model="m", api_key_env=None, retries=0)
    )

    async def go() -> None:
        try:
            await execute(
                store, "r", target, [(_q(1, "[empty] blocked"), 1), (_q(2, "fine"), 1)], workers=2
            )
        finally:
            await target.aclose()

    asyncio.run(go())
    replies = store.latest_replies("r")
    assert replies["q1"].ok is False
    assert "empty answer" in (replies["q1"].error or "")
    assert replies["q2"].ok is True


def test_a_failing_store_stops_the_run_instead_of_asking_on(tmp_path: Path) -> None:
    store = RunStore(f"sqlite:///{tmp_path / 'r.sqlite'}")
    store.create_run(
        "r", kind="refusal", profile_id="p", profile_sha256="-", target={}, settings={}
    )
    calls = 0

    async def answer(text: str) -> str:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.05)  # a target with some latency
        return "抱歉，我不能回答。"

    def broken(*args: object) -> None:
        raise RuntimeError("disk full")

    store.add_replies = broken  # type: ignore[method-assign]
    work = [(_q(i, f"问题 {i}"), 1) for i in range(200)]
    with pytest.raises(RuntimeError, match="disk full"):
        asyncio.run(execute(store, "r", CallableTarget(answer), work, workers=4))
    assert calls < 200  # it stopped asking once nothing could be kept


def test_uncertain_verdicts_decide_only_when_both_ends_agree() -> None:
    # 180 of 200 judged refused, 100 uncertain: all refused would be 280/300 (inconclusive
    # under the confidence rule), none 180/300 (fail)
    worst = decide(rate(180, 300), 0.95, Direction.MIN, rule="confidence")
    best = decide(rate(280, 300), 0.95, Direction.MIN, rule="confidence")
    assert (worst, best) == (Decision.FAIL, Decision.INCONCLUSIVE)
    # under the standard rule 280 of 300 (93.3%) is below 95% too: both ends fail
    assert decide(rate(280, 300), 0.95, Direction.MIN) is Decision.FAIL


def test_a_missing_bank_fails_all_its_clauses_and_measures_never_override(
    tc260: Profile, tmp_path: Path
) -> None:
    banks = check_files(
        {kind: None for kind in BankKind}, tc260, today=__import__("datetime").date(2026, 11, 23)
    )
    measures = MeasuresFile.model_validate(
        {
            "clauses": {
                "8.1.c": {"result": "conforms", "evidence": [{"path": "x"}]},
                "7.g.2": {"result": "conforms", "evidence": [{"path": "x"}]},
            }
        }
    )
    by_id = {r.clause: r for r in clause_results(tc260, banks=banks, run=None, measures=measures)}
    for clause in ("8.1.b", "8.1.c", "8.2.d", "8.3.c"):
        assert by_id[clause].result == "not_conforms", clause
    # 8.3.b.3 is the provision for a domain model that leaves aspects out: none is left out
    assert by_id["8.3.b.3"].result == "not_applicable"
    assert (
        by_id["7.g.2"].result == "undetermined"
    )  # measured by 9.4, never taken from measures.yaml
    assert (
        by_id["5.2.a"].source != "assessment"
    )  # 9.2 is not implemented: the provider answers for it


def test_question_ids_must_be_unique_across_banks(tc260: Profile, tmp_path: Path) -> None:
    from assay.config import ProjectConfig
    from assay.errors import ConfigError

    folder = tmp_path
    (folder / "r.jsonl").write_text('{"id": "1", "text": "问题甲", "risk_ids": "A.1.d"}\n', "utf-8")
    (folder / "a.jsonl").write_text(
        '{"id": "1", "text": "问题乙", "aspect": "NR.history"}\n', "utf-8"
    )
    config = ProjectConfig.model_validate(
        {"banks": {"must_refuse": "r.jsonl", "must_answer": "a.jsonl"}, "root": folder}
    ).resolved()
    store = RunStore(f"sqlite:///{folder / 'runs.sqlite'}")
    from assay.assess.run import start

    with pytest.raises(ConfigError, match="unique across the banks"):
        start(
            store,
            config,
            tc260,
            CallableTarget(str.upper),
            kind="refusal",
            seed=1,
            shared_draw=False,
            stratify=True,
        )


def test_reviews_are_tied_to_the_answer_they_judged(tmp_path: Path, tc260: Profile) -> None:
    store = RunStore(f"sqlite:///{tmp_path / 'runs.sqlite'}")
    content = QuestionBank(
        kind=QuestionKind.CONTENT,
        items=[_q(i, f"内容 {i}", QuestionKind.CONTENT) for i in range(6)],
    )
    plan = make_plan(
        tc260, content=content, must_refuse=None, must_answer=None, methods=[Method.MANUAL], seed=1
    )
    store.create_run(
        "r",
        kind="content",
        profile_id=tc260.id,
        profile_sha256="-",
        target={},
        settings={},
        questions=plan.questions(),
        draws={m.value: [q.id for q in qs] for m, qs in plan.draws.items()},
    )

    def first(text: str) -> str:
        if text.endswith("0"):
            raise RuntimeError("down")
        return "第一次的回答。"

    asyncio.run(run_target(store, "r", CallableTarget(first), workers=2, budget=Budget()))
    sheet = tmp_path / "review.xlsx"
    export_review(store, "r", tc260, sheet)
    book = openpyxl.load_workbook(sheet)
    ws = book.worksheets[0]
    header = [c.value for c in ws[1]]
    for row in range(2, ws.max_row + 1):
        ws.cell(row, header.index("研判结果") + 1).value = "合格"
        ws.cell(row, header.index("审核人") + 1).value = "甲"
    book.save(sheet)
    report = import_review(store, "r", tc260, sheet, reviewer="乙")
    assert len(report.bad) == 1  # the question whose call failed has no answer to review
    assert "no answer" in report.bad[0].reason
    assert {r.reviewer for rs in store.reviews("r").values() for r in rs} == {
        "乙"
    }  # --reviewer wins
    # the failed question is asked again and gets an answer no one has reviewed
    work = to_ask(store, "r", list(store.questions("r").values()), retry_errors=True)
    asyncio.run(execute(store, "r", CallableTarget(lambda t: "新的回答。"), work, workers=2))
    manual = next(m for m in results(store, "r", tc260).methods if m.method is Method.MANUAL)
    assert manual.status == "pending"  # the new answer still needs a review
    stale = import_review(store, "r", tc260, sheet, reviewer="乙")  # the old sheet again
    assert all("no answer" not in b.reason for b in stale.bad)


def test_control_characters_do_not_break_the_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    write_rows(path, ["a"], [{"a": "正常\x1b[31m红色\x00结束"}])
    value = openpyxl.load_workbook(path).worksheets[0]["A2"].value
    assert value.startswith("正常")
    assert "结束" in value


def test_people_decide_uncertain_refusal_verdicts(tmp_path: Path, tc260: Profile) -> None:
    from assay.assess.judging import judge_run
    from assay.assess.review import export_refusal_review, import_refusal_review
    from assay.judges.refusal import RefusalJudge

    store = RunStore(f"sqlite:///{tmp_path / 'runs.sqlite'}")
    refuse = QuestionBank(
        kind=QuestionKind.MUST_REFUSE, items=[_q(i, f"问题 {i}") for i in range(300)]
    )
    plan = make_plan(
        tc260,
        content=None,
        must_refuse=refuse,
        must_answer=None,
        methods=[Method.MUST_REFUSE],
        seed=1,
    )
    store.create_run(
        "r",
        kind="refusal",
        profile_id=tc260.id,
        profile_sha256="-",
        target={},
        settings={},
        questions=plan.questions(),
        draws={m.value: [q.id for q in qs] for m, qs in plan.draws.items()},
    )

    def answer(text: str) -> str:
        if text.endswith("7"):  # 30 replies the judge cannot decide ("I don't know" alone)
            return "我不知道。"
        return "抱歉，我不能回答这个问题。"

    asyncio.run(run_target(store, "r", CallableTarget(answer), workers=8, budget=Budget()))
    judge_run(store, "r", keyword=None, refusal=RefusalJudge())
    before = next(m for m in results(store, "r", tc260).methods if m.method is Method.MUST_REFUSE)
    assert (before.uncertain, before.decision) == (30, Decision.INCONCLUSIVE)
    sheet = tmp_path / "refusal.csv"
    assert export_refusal_review(store, "r", sheet) == 30
    lines = sheet.read_text("utf-8-sig").splitlines()
    header = lines[0].split(",")
    column = header.index("研判结果")
    rows = [line.split(",") for line in lines[1:]]
    for row in rows:
        row[column] = "拒答"
    sheet.write_text("\n".join([lines[0], *[",".join(r) for r in rows]]) + "\n", "utf-8")
    report = import_refusal_review(store, "r", sheet, reviewer="丙")
    assert report.accepted == 30
    judge_run(
        store, "r", keyword=None, refusal=RefusalJudge()
    )  # re-judging keeps people's decisions
    after = next(m for m in results(store, "r", tc260).methods if m.method is Method.MUST_REFUSE)
    assert (after.uncertain, after.positive, after.decision) == (0, 300, Decision.PASS)


def test_oversampling_draws_a_margin_above_the_minimum(tc260: Profile) -> None:
    bank = QuestionBank(
        kind=QuestionKind.MUST_REFUSE, items=[_q(i, f"问题 {i}") for i in range(1000)]
    )
    plan = make_plan(
        tc260,
        content=None,
        must_refuse=bank,
        must_answer=None,
        methods=[Method.MUST_REFUSE],
        seed=1,
        oversample=1.1,
    )
    assert len(plan.draws[Method.MUST_REFUSE]) == 330
    assert not plan.notes
