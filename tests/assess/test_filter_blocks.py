"""Replies blocked by the service's own safety filter (REFUSAL.md): recognised, stored apart from
errors and model refusals, and counted as refused in 9.4 b) and c) and as qualified in 9.3."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from assay.assess.execute import Budget
from assay.assess.judging import judge_run
from assay.assess.plan import Method, make_plan
from assay.assess.results import results
from assay.assess.review import export_review
from assay.assess.run import run_target
from assay.banks.models import Question, QuestionBank, QuestionKind
from assay.banks.tabular import read_rows
from assay.config import load_config
from assay.errors import ConfigError, TargetError
from assay.judges.keyword import KeywordJudge
from assay.judges.refusal import RefusalJudge
from assay.standard import Profile
from assay.store.runstore import RunStore
from assay.targets import AnswerSheetConfig, AnswerSheetTarget, CallableTarget, OpenAITarget
from assay.targets.base import Target
from assay.targets.blocked import BUILTIN, BlockMatcher, BlockRule
from assay.targets.openai import OpenAITargetConfig
from tests.helpers.fake_openai import BLOCK_BODIES, CANNED, FakeOpenAI, Scripted

REFUSED = "抱歉，我不能回答这个问题。"
ANSWER = "这是关于这个问题的回答：首先说明背景，然后给出建议，最后总结要点，供你参考。"
MARKERS = ["[azure-400]", "[dashscope-400]", "[zhipu-1301]", "[kimi-400]", "[filtered]", "[canned]"]


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    def script(body: dict[str, Any]) -> Scripted | None:
        question = body["messages"][-1]["content"]
        if "[plain-400]" in question:  # a 400 of another kind: an error, never a block
            bad = {"error": {"code": "invalid_request_error", "message": "messages too long"}}
            return Scripted(status=400, body=json.dumps(bad))
        if "[custom-451]" in question:  # a gateway only the user's rule knows
            mine = {"error": {"code": "SENSITIVE_INPUT", "message": "请求被安全网关拦截"}}
            return Scripted(status=451, body=json.dumps(mine, ensure_ascii=False))
        if "[custom-text]" in question:
            return Scripted(content="【系统提示】该问题暂不支持回答。")
        return Scripted(content=REFUSED if "应拒答" in question else ANSWER)

    fake = FakeOpenAI(script=script)
    fake.start()
    yield fake
    fake.stop()


def _questions(kind: QuestionKind, label: str, markers: list[str]) -> QuestionBank:
    return QuestionBank(
        kind=kind,
        items=[
            Question(
                id=f"{kind.value}-{i}",
                text=f"{label} {i} {marker}".strip(),
                kind=kind,
                risk_ids=() if kind is QuestionKind.MUST_ANSWER else ("A.1.d",),
                aspect="NR.history" if kind is QuestionKind.MUST_ANSWER else None,
            )
            for i, marker in enumerate(markers)
        ],
    )


def _run(
    tmp_path: Path, profile: Profile, target: Target, markers: list[str]
) -> tuple[RunStore, str]:
    store = RunStore(f"sqlite:///{tmp_path / 'runs.sqlite'}")
    plan = make_plan(
        profile,
        content=_questions(QuestionKind.CONTENT, "生成内容", markers),
        must_refuse=_questions(QuestionKind.MUST_REFUSE, "应拒答", markers),
        must_answer=_questions(QuestionKind.MUST_ANSWER, "非拒答", markers),
        methods=[Method.MANUAL, Method.KEYWORD, Method.MUST_REFUSE, Method.MUST_ANSWER],
        seed=1,
        shared_draw=True,
    )
    store.create_run(
        "r",
        kind="all",
        profile_id=profile.id,
        profile_sha256="-",
        target=target.spec(),
        settings={},
        questions=plan.questions(),
        draws={m.value: [q.id for q in qs] for m, qs in plan.draws.items()},
    )
    asyncio.run(run_target(store, "r", target, workers=4, budget=Budget()))
    return store, "r"


def _judge(store: RunStore, run: str) -> None:
    # a keyword judge that flags every answer holding 背景: the normal answers are unqualified
    from assay.banks.models import KeywordEntry, KeywordLibrary

    library = KeywordLibrary(entries=[KeywordEntry(keyword="背景", risk_ids=("A.1.d",))])
    judge_run(store, run, keyword=KeywordJudge(library), refusal=RefusalJudge())


def _openai(url: str, blocked: list[BlockRule] | None = None) -> OpenAITarget:
    return OpenAITarget(
        OpenAITargetConfig(
            base_url=url, model="m", api_key_env=None, retries=0, blocked=blocked or []
        )
    )


def test_provider_blocks_are_stored_as_blocked_and_counted(
    tmp_path: Path, server: FakeOpenAI, tc260: Profile
) -> None:
    markers = [*MARKERS, "[plain-400]", "", ""]
    target = _openai(server.url, [BlockRule(text=CANNED)])
    store, run = _run(tmp_path, tc260, target, markers)
    replies = store.latest_replies(run)
    by_marker = {m: replies[f"must_refuse-{i}"] for i, m in enumerate(markers) if m not in ("",)}
    rules = {m: r.blocked.rule if r.blocked else None for m, r in by_marker.items()}
    assert rules == {
        "[azure-400]": "content-filter-400",
        "[dashscope-400]": "dashscope-data-inspection",
        "[zhipu-1301]": "zhipu-1301",
        "[kimi-400]": "content-filter-400",
        "[filtered]": "finish-content-filter",
        "[canned]": "target.blocked[0]",
        "[plain-400]": None,
    }
    zhipu = by_marker["[zhipu-1301]"]
    assert zhipu.ok
    assert zhipu.blocked is not None
    assert (zhipu.blocked.status, zhipu.blocked.code) == (400, "1301")
    assert "不安全或敏感内容" in (zhipu.blocked.message or "")
    plain = by_marker["[plain-400]"]
    assert (plain.ok, plain.blocked, plain.status_code) == (False, None, 400)

    _judge(store, run)
    table = {m.method: m for m in results(store, run, tc260).methods}
    refuse, answer = table[Method.MUST_REFUSE], table[Method.MUST_ANSWER]
    # 9 drawn: 6 blocked, 1 error (never counted), 2 answered by the model
    assert (refuse.drawn, refuse.errors, refuse.answered, refuse.blocked) == (9, 1, 8, 6)
    assert (refuse.judged, refuse.positive) == (8, 8)  # blocked = refused; the model refused too
    assert (answer.errors, answer.answered, answer.blocked) == (1, 8, 6)
    assert (answer.judged, answer.positive) == (8, 6)  # the 6 blocked are over-refusals
    keyword, manual = table[Method.KEYWORD], table[Method.MANUAL]
    assert (keyword.blocked, keyword.judged, keyword.positive) == (6, 8, 6)  # blocked: qualified
    assert (manual.blocked, manual.status) == (6, "pending")  # the 2 model answers need review
    # the judges never saw a blocked reply: re-judging keeps them blocked
    assert set(store.verdicts(run, "refusal")) == {
        q for q, r in replies.items() if r.ok and r.blocked is None and "content" not in q
    }
    _judge(store, run)
    again = {m.method: m for m in results(store, run, tc260).methods}
    assert again[Method.MUST_ANSWER].model_dump() == answer.model_dump()


def test_a_user_rule_by_status_and_code_and_by_text(
    tmp_path: Path, server: FakeOpenAI, tc260: Profile
) -> None:
    markers = ["[custom-451]", "[custom-text]", ""]
    plain = _openai(server.url)
    store, run = _run(tmp_path / "a", tc260, plain, markers)
    replies = store.latest_replies(run)
    assert replies["must_refuse-0"].ok is False  # unknown to the built-in rules: an error
    assert replies["must_refuse-1"].blocked is None  # a canned text nobody named: judged
    rules = [
        BlockRule(name="our-gateway", status=451, code="sensitive_input"),
        BlockRule(text=r"【系统提示】.*暂不支持回答。"),
    ]
    store, run = _run(tmp_path / "b", tc260, _openai(server.url, rules), markers)
    replies = store.latest_replies(run)
    first, second = replies["must_refuse-0"].blocked, replies["must_refuse-1"].blocked
    assert first is not None
    assert second is not None
    assert (first.rule, first.status, first.code) == ("our-gateway", 451, "sensitive_input")
    assert first.message == "请求被安全网关拦截"
    assert second.rule == "target.blocked[1]"
    assert replies["must_refuse-2"].blocked is None


def test_the_built_in_patterns_match_the_documented_bodies() -> None:
    matcher = BlockMatcher()
    for marker, body in BLOCK_BODIES.items():
        block = matcher.error(400, json.dumps(body, ensure_ascii=False).encode())
        assert block is not None, marker
    deepseek = json.dumps({"error": {"message": "Content Exists Risk", "type": "x"}}).encode()
    assert matcher.error(400, deepseek) is not None
    dashscope_native = json.dumps({"code": "DataInspectionFailed", "message": "m"}).encode()
    assert matcher.error(400, dashscope_native) is not None
    assert matcher.error(400, b'{"error": {"code": "context_length_exceeded"}}') is None
    assert matcher.error(500, json.dumps(BLOCK_BODIES["azure-400"]).encode()) is None
    assert matcher.reply("", "content_filter") is not None
    assert matcher.reply("部分回答", "content_filter") is None  # readable text is judged
    assert matcher.reply(REFUSED, "stop") is None
    assert all(b.source.startswith(("http", "Azure")) for b in BUILTIN)  # each names its source


def test_answer_sheet_blocked_column_and_canned_texts(tmp_path: Path, tc260: Profile) -> None:
    sheet = tmp_path / "answers.csv"
    lines = ["id,模型回答,拦截"]
    for kind in ("must_refuse", "must_answer", "content"):
        lines += [f"{kind}-0,,是", f"{kind}-1,{CANNED},", f"{kind}-2,{ANSWER},否"]
    sheet.write_text("\n".join(lines) + "\n", "utf-8")
    config = AnswerSheetConfig(path=sheet, blocked=[BlockRule(text=CANNED)])
    store, run = _run(tmp_path, tc260, AnswerSheetTarget(config), ["", "", ""])
    replies = store.latest_replies(run)
    assert replies["must_refuse-0"].blocked is not None
    assert replies["must_refuse-0"].blocked.rule == "sheet column 拦截"
    assert replies["must_refuse-1"].blocked is not None
    assert replies["must_refuse-1"].answer == CANNED
    assert replies["must_refuse-2"].blocked is None
    _judge(store, run)
    table = {m.method: m for m in results(store, run, tc260).methods}
    assert (table[Method.MUST_REFUSE].blocked, table[Method.MUST_REFUSE].positive) == (2, 2)
    assert (table[Method.MUST_ANSWER].blocked, table[Method.MUST_ANSWER].positive) == (2, 2)
    review = tmp_path / "review.csv"
    export_review(store, run, tc260, review)
    rows = {r.values["id"]: r.values["模型回答"] for r in read_rows(review).rows}  # type: ignore[union-attr]
    assert str(rows["content-0"]).startswith("（服务的安全过滤拦截，计为合格")


def test_callable_target_blocks(tmp_path: Path, tc260: Profile) -> None:
    target = CallableTarget(
        lambda t: CANNED if t.endswith("0") else REFUSED, blocked=[BlockRule(text=CANNED)]
    )
    store, run = _run(tmp_path, tc260, target, ["", ""])
    replies = store.latest_replies(run)
    assert replies["must_refuse-0"].blocked is not None
    assert replies["must_refuse-1"].blocked is None


def test_a_store_written_before_blocks_existed_opens(tmp_path: Path, tc260: Profile) -> None:
    store, run = _run(tmp_path, tc260, CallableTarget(lambda t: REFUSED), ["", ""])
    with store.engine.begin() as conn:
        conn.execute(text("DROP TABLE blocks"))  # the layout of an older Assay
    old = RunStore(f"sqlite:///{tmp_path / 'runs.sqlite'}")
    assert all(r.ok and r.blocked is None for r in old.latest_replies(run).values())
    judge_run(old, run, keyword=None, refusal=RefusalJudge())
    refuse = next(m for m in results(old, run, tc260).methods if m.method is Method.MUST_REFUSE)
    assert (refuse.blocked, refuse.positive) == (0, 2)


def test_blocked_rules_in_assay_yaml_are_checked_with_their_line(tmp_path: Path) -> None:
    config = tmp_path / "assay.yaml"
    config.write_text(
        "target:\n"
        "  kind: openai\n"
        "  base_url: http://127.0.0.1:9/v1\n"
        "  model: m\n"
        "  blocked:\n"
        "    - {status: 400, code: sensitive}\n"
        "    - {text: '无法回答('}\n",
        "utf-8",
    )
    with pytest.raises(ConfigError) as bad:
        load_config(config)
    assert bad.value.line == 7
    assert "regular expression" in str(bad.value)
    config.write_text(
        "target:\n  kind: openai\n  base_url: http://x/v1\n  model: m\n"
        "  blocked:\n    - {stat: 400}\n",
        "utf-8",
    )
    with pytest.raises(ConfigError) as extra:
        load_config(config)
    assert extra.value.line == 6
    config.write_text(
        "target:\n  kind: answer_sheet\n  path: a.csv\n  blocked:\n    - {text: 您的问题涉及敏感内容}\n",
        "utf-8",
    )
    loaded = load_config(config).target
    assert isinstance(loaded, AnswerSheetConfig)
    assert loaded.blocked[0].text == "您的问题涉及敏感内容"


def test_a_gateway_error_body_sent_with_http_200_is_a_block() -> None:
    from assay.targets.openai import _parse

    body = json.dumps(BLOCK_BODIES["zhipu-1301"], ensure_ascii=False).encode()
    reply = _parse(body, 200, BlockMatcher())
    assert reply.blocked is not None
    assert (reply.blocked.rule, reply.blocked.code) == ("zhipu-1301", "1301")
    with pytest.raises(TargetError, match="malformed"):
        _parse(b'{"error": {"code": "other"}}', 200, BlockMatcher())
