"""The executor against a real HTTP server on 127.0.0.1 that injects faults."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from assay.assess.execute import Budget, execute, to_ask
from assay.banks.models import Question, QuestionKind
from assay.store.runstore import RunStore
from assay.targets import (
    AnswerSheetConfig,
    AnswerSheetTarget,
    CallableTarget,
    OpenAITarget,
    OpenAITargetConfig,
    TargetReply,
)
from assay.targets.base import split_reasoning
from tests.helpers.fake_openai import FakeOpenAI, answer_for


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    fake = FakeOpenAI(latency_s=0.001, slow_s=1.0)
    fake.start()
    yield fake
    fake.stop()


def _q(i: int, text: str) -> Question:
    return Question(id=f"q{i}", text=text, kind=QuestionKind.MUST_REFUSE, risk_ids=("A.1.d",))


def _store(tmp_path: Path, run_id: str = "r1") -> RunStore:
    store = RunStore(f"sqlite:///{tmp_path / 'runs.sqlite'}")
    store.create_run(
        run_id, kind="refusal", profile_id="p", profile_sha256="x", target={}, settings={}
    )
    return store


def _run(
    store: RunStore, target: object, work: list[tuple[Question, int]], **kwargs: object
) -> object:
    """Execute and close the target in one event loop, as assay run does."""

    async def go() -> object:
        try:
            return await execute(store, "r1", target, work, **kwargs)  # type: ignore[arg-type]
        finally:
            await target.aclose()  # type: ignore[attr-defined]

    return asyncio.run(go())


def _target(url: str, **over: object) -> OpenAITarget:
    fields: dict[str, object] = {
        "base_url": url,
        "model": "fake",
        "api_key_env": None,
        "timeout_s": 0.5,
        "retries": 2,
        "backoff_s": 0.01,
        "concurrency": 8,
        **over,
    }
    return OpenAITarget(OpenAITargetConfig.model_validate(fields))


FAULTS = {
    "plain": True,
    "[fail:1] once": True,
    "[fail:2] twice": True,
    "[429:2] limited": True,
    "[fail:9] always": False,
    "[slow] hangs": False,
    "[malformed] body": False,
    "[drop] connection": False,
}


def test_every_item_ends_answered_or_recorded_as_an_error(
    tmp_path: Path, server: FakeOpenAI
) -> None:
    questions = [
        _q(i, f"{text} #{n}")
        for i, (text, n) in enumerate(((t, n) for n in range(3) for t in FAULTS), 1)
    ]
    store = _store(tmp_path)
    target = _target(server.url)
    work = to_ask(store, "r1", questions, retry_errors=False)
    progress = _run(store, target, work, workers=16)
    replies = store.latest_replies("r1")
    assert set(replies) == {q.id for q in questions}  # none lost
    assert progress.done == len(questions)
    counts = store.reply_counts("r1")
    assert counts.get("ok", 0) + counts.get("error", 0) == len(questions)  # none duplicated
    for q in questions:
        expected_ok = FAULTS[q.text.split(" #")[0]]
        reply = replies[q.id]
        assert reply.ok is expected_ok, (q.text, reply)
        if reply.ok:
            assert reply.answer == answer_for(q.text)
        else:
            assert reply.error
            assert reply.answer is None
    assert counts["error"] == progress.errors == 4 * 3


def test_retry_errors_asks_only_the_failed_ones(tmp_path: Path, server: FakeOpenAI) -> None:
    questions = [_q(1, "[fail:3] stubborn"), _q(2, "fine")]
    store = _store(tmp_path)
    target = _target(server.url, retries=0)
    _run(store, target, to_ask(store, "r1", questions, retry_errors=False), workers=2)
    assert store.latest_replies("r1")["q1"].ok is False
    again = to_ask(store, "r1", questions, retry_errors=False)
    assert again == []  # a resume without --retry-errors asks nothing
    retry = to_ask(store, "r1", questions, retry_errors=True)
    assert [(q.id, attempt) for q, attempt in retry] == [("q1", 2)]
    _run(store, target, retry, workers=2)
    _run(store, target, to_ask(store, "r1", questions, retry_errors=True), workers=2)
    assert store.latest_replies("r1")["q1"].ok is False  # three requests, three failures
    _run(store, target, to_ask(store, "r1", questions, retry_errors=True), workers=2)
    final = store.latest_replies("r1")["q1"]
    assert (final.ok, final.attempt) == (True, 4)  # the fourth request succeeds
    assert server.seen["fine"] == 1


def test_429_halves_concurrency_and_honours_retry_after(tmp_path: Path, server: FakeOpenAI) -> None:
    store = _store(tmp_path)
    target = _target(server.url)
    questions = [_q(i, f"[429:1] busy {i}") for i in range(20)]
    _run(store, target, to_ask(store, "r1", questions, retry_errors=False), workers=8)
    assert all(r.ok for r in store.latest_replies("r1").values())
    assert target.limit.current < target.limit.maximum


def test_spend_cap(tmp_path: Path, server: FakeOpenAI) -> None:
    store = _store(tmp_path)
    target = _target(server.url)
    questions = [_q(i, f"question {i}") for i in range(30)]
    progress = _run(
        store,
        target,
        to_ask(store, "r1", questions, retry_errors=False),
        workers=1,
        budget=Budget(max_requests=7),
    )
    assert progress.done == 7
    assert progress.skipped == 23
    assert len(store.latest_replies("r1")) == 7
    assert len(to_ask(store, "r1", questions, retry_errors=False)) == 23


def test_api_key_comes_from_the_environment_and_is_not_stored(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MY_KEY", "sk-secret")
    target = OpenAITarget(
        OpenAITargetConfig(
            base_url="http://127.0.0.1:9/v1",
            model="m",
            api_key_env="MY_KEY",
            headers={"X-Tenant": "t1"},
        )
    )
    assert target._headers["Authorization"] == "Bearer sk-secret"
    assert "sk-secret" not in str(target.spec())
    assert target.spec()["headers"] == ["X-Tenant"]


@pytest.mark.parametrize(
    ("raw", "answer", "reasoning"),
    [
        ("<think>let me think</think>final answer", "final answer", "let me think"),
        ("thinking without open tag</think>the answer", "the answer", "thinking without open tag"),
        ("no reasoning", "no reasoning", None),
    ],
)
def test_reasoning_is_kept_apart(raw: str, answer: str, reasoning: str | None) -> None:
    assert split_reasoning(raw) == (answer, reasoning)


def test_answer_sheet_target(tmp_path: Path) -> None:
    sheet = tmp_path / "answers.csv"
    sheet.write_text(
        "序号,测试题,模型回答\nq1,问题一,回答一\n,问题二,<think>想想</think>回答二\n,问题三,\n",
        "utf-8",
    )
    target = AnswerSheetTarget(AnswerSheetConfig(path=sheet))
    assert asyncio.run(target.reply(_q(1, "别的文字"))).answer == "回答一"  # by id
    second = asyncio.run(
        target.reply(
            Question(id="x", text="问题 二", kind=QuestionKind.CONTENT, risk_ids=("A.1.d",))
        )
    )
    assert (second.answer, second.reasoning) == ("回答二", "想想")  # by folded text
    store = _store(tmp_path)
    asyncio.run(execute(store, "r1", target, [(_q(3, "问题三"), 1)], workers=1))
    reply = store.latest_replies("r1")["q3"]
    assert reply.ok is False
    assert "no answer" in (reply.error or "")


def test_callable_target_sync_async_and_failing(tmp_path: Path) -> None:
    async def slow_echo(text: str) -> str:
        await asyncio.sleep(0)
        return f"echo {text}"

    def broken(text: str) -> str:
        raise RuntimeError("model crashed")

    store = _store(tmp_path)
    for i, fn in enumerate((str.upper, slow_echo, broken, lambda t: TargetReply(answer="ok"))):
        asyncio.run(execute(store, "r1", CallableTarget(fn), [(_q(i, "abc"), 1)], workers=1))
    replies = store.latest_replies("r1")
    assert replies["q0"].answer == "ABC"
    assert replies["q1"].answer == "echo abc"
    assert replies["q2"].ok is False
    assert "model crashed" in (replies["q2"].error or "")
    assert replies["q3"].answer == "ok"
