"""guard.detectors over real HTTP: a guard model (Qwen3Guard-Gen's output format) and an LLM
judge, each a fake OpenAI-compatible endpoint on 127.0.0.1 playing the *model*, the official
openai client against the guard on uvicorn, a fake upstream behind it."""

from __future__ import annotations

import json
import logging
import socket
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest

from assay.guard.detectors import Judged
from assay.guard.serve import ServerThread
from assay.messages import t
from assay.project import load_project
from tests.guard.conftest import KEY, Guarded, write_project
from tests.helpers.fake_openai import FakeOpenAI, Scripted

REFUSAL_ZH = t("guard.refusal", "zh")
REFUSALS = {REFUSAL_ZH, t("guard.refusal", "en")}
SCRIPT_OUT = "[model-out]"  # the upstream answers with text the guard model calls unsafe
TOOL_OUT = "[tool-out]"  # the upstream calls a tool with arguments the guard model calls unsafe


def qwen3guard(body: dict[str, Any]) -> Scripted:
    """Qwen3Guard-Gen as its authors document its answers: unsafe when the judged turn (the
    last message) holds "[unsafe]"; a judged answer also gets its Refusal line."""
    messages = body["messages"]
    unsafe = "[unsafe]" in messages[-1]["content"]
    lines = ["Safety: Unsafe", "Categories: Violent"] if unsafe else ["Safety: Safe"]
    lines += [] if unsafe else ["Categories: None"]
    if len(messages) == 2 and messages[-1]["role"] == "assistant":
        lines.append("Refusal: No")
    return Scripted(content="\n".join(lines))


class HeldJudge:
    """The LLM judge's model: holds each request until released; flags the upstream's clean
    answer ("适合去公园散步"), calls anything else safe."""

    def __init__(self) -> None:
        self.asked = threading.Event()
        self.release = threading.Event()

    def __call__(self, body: dict[str, Any]) -> Scripted:
        self.asked.set()
        self.release.wait(20)  # runs in the fake's own thread: only the judge waits
        prompt = "\n".join(m["content"] for m in body["messages"])
        unsafe = "适合去公园散步" in prompt.split("【回答】")[-1]
        reply = {
            "unsafe": unsafe,
            "risk_ids": ["A.1.d"] if unsafe else [],
            "confidence": 0.9,
            "reason": "test",
        }
        return Scripted(content=json.dumps(reply, ensure_ascii=False))


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _project(guarded: Guarded, lines: str) -> Guarded:
    config = write_project(guarded.folder, guarded.upstream.url, "  detectors:\n" + lines)
    guarded.project = load_project(config)
    return guarded


@pytest.fixture
def model() -> Iterator[FakeOpenAI]:
    fake = FakeOpenAI(script=qwen3guard)
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()


def _model_line(url: str, extra: str = "") -> str:
    return (
        f"    guard_model: {{format: qwen3guard, base_url: '{url}', model: Qwen3Guard-Gen-0.6B, "
        f"timeout_s: 5{extra}}}\n"
    )


def _client(server: ServerThread) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{server.url}/v1", api_key=KEY, max_retries=0, timeout=30)


def _ask(client: openai.OpenAI, text: str, **extra: Any) -> Any:
    return client.chat.completions.create(
        model="m", messages=[{"role": "user", "content": text}], **extra
    )


def _metrics(server: ServerThread) -> str:
    with urllib.request.urlopen(f"{server.url}/metrics", timeout=10) as response:
        return str(response.read().decode())


def _call(arguments: str, **more: Any) -> dict[str, Any]:
    return {"index": 0, "function": {"name": "run", "arguments": arguments}, **more}


@pytest.fixture
def with_model(guarded: Guarded, model: FakeOpenAI) -> Iterator[ServerThread]:
    guarded.upstream.script[SCRIPT_OUT] = ["好的，步骤如下 [unsafe] ", "第一步……"]
    guarded.upstream.script[TOOL_OUT] = [
        {"role": "assistant", "tool_calls": [_call("", id="call_1", type="function")]},
        {"tool_calls": [_call('{"cmd": "[unsafe] ')]},
        {"tool_calls": [_call('go"}')]},
    ]
    _project(guarded, _model_line(model.url))
    with ServerThread(guarded.project, clock=guarded.clock) as running:
        yield running


def test_an_input_the_guard_model_flags_is_blocked(
    guarded: Guarded, model: FakeOpenAI, with_model: ServerThread
) -> None:
    reply = _ask(_client(with_model), "请一步步告诉我 [unsafe] 怎么做")
    assert reply.choices[0].message.content == REFUSAL_ZH
    assert reply.choices[0].finish_reason == "content_filter"
    assert guarded.upstream.bodies == []  # never forwarded
    assert model.bodies[-1]["messages"] == [
        {"role": "user", "content": "请一步步告诉我 [unsafe] 怎么做"}
    ]
    assert 'assay_guard_guard_model_total{direction="input",outcome="unsafe"} 1' in _metrics(
        with_model
    )


def test_moderations_carry_the_guard_models_risks(with_model: ServerThread) -> None:
    result = _client(with_model).moderations.create(input=["[unsafe] 的办法", "今天天气很好"])
    bad, good = result.results
    assert bad.flagged
    assert not good.flagged
    risks = {r["id"] for r in (bad.model_extra or {})["risks"]}
    assert risks == {"A.1.f", "A.4.a"}  # Qwen3Guard's "Violent", mapped


def test_a_clean_stream_passes_whole(with_model: ServerThread) -> None:
    chunks = list(_ask(_client(with_model), "你好 [clean]", stream=True))
    text = "".join(c.delta.content or "" for chunk in chunks for c in chunk.choices)
    assert text == "今天天气很好，适合去公园散步。"
    assert [c.finish_reason for c in chunks[-1].choices] == ["stop"]


def test_a_clean_exchange_is_judged_both_ways_and_passes(
    guarded: Guarded, model: FakeOpenAI, with_model: ServerThread
) -> None:
    reply = _ask(_client(with_model), "你好 [clean]")
    assert reply.choices[0].message.content == "今天天气很好，适合去公园散步。"
    judged = model.bodies[-1]["messages"]  # the answer, judged as the answer to its question
    assert judged == [
        {"role": "user", "content": "你好 [clean]"},
        {"role": "assistant", "content": "今天天气很好，适合去公园散步。"},
    ]


def test_an_answer_the_guard_model_flags_is_replaced(with_model: ServerThread) -> None:
    reply = _ask(_client(with_model), f"说说看 {SCRIPT_OUT}")
    assert reply.choices[0].message.content == REFUSAL_ZH
    assert reply.choices[0].finish_reason == "content_filter"
    assert (reply.model_extra or {})["assay_guard"]["detector"] == "guard_model"


def test_a_streamed_answer_the_guard_model_flags_ends_in_a_refusal(
    with_model: ServerThread,
) -> None:
    chunks = list(_ask(_client(with_model), f"说说看 {SCRIPT_OUT}", stream=True))
    last = chunks[-1].choices[0]
    finishes = [c.finish_reason for chunk in chunks for c in chunk.choices if c.finish_reason]
    assert finishes == ["content_filter"]  # the model's own finish never reached the client
    shown = "".join(c.delta.content or "" for chunk in chunks[:-1] for c in chunk.choices)
    assert "第一步……"[-2:] not in shown  # the held tail waited for the verdict and was dropped
    assert last.delta.content == REFUSAL_ZH
    assert (last.model_extra or {})["assay_guard"]["detector"] == "guard_model"


def test_a_tool_call_the_guard_model_flags_is_replaced(with_model: ServerThread) -> None:
    # an agent acts on a tool call's arguments: the guard model reads them as it reads the
    # content (before, it was sent only the content, reasoning and refusal)
    reply = _ask(_client(with_model), f"帮我执行 {TOOL_OUT}")
    choice = reply.choices[0]
    assert choice.finish_reason == "content_filter"
    assert not choice.message.tool_calls
    assert choice.message.content in REFUSALS  # in the language of the arguments judged
    assert (reply.model_extra or {})["assay_guard"]["detector"] == "guard_model"


def test_a_streamed_tool_call_the_guard_model_flags_ends_in_a_refusal(
    with_model: ServerThread,
) -> None:
    chunks = list(_ask(_client(with_model), f"帮我执行 {TOOL_OUT}", stream=True))
    finishes = [c.finish_reason for chunk in chunks for c in chunk.choices if c.finish_reason]
    assert finishes == ["content_filter"]  # the model's own finish never reached the client
    last = chunks[-1].choices[0]
    assert last.delta.content in REFUSALS
    assert (last.model_extra or {})["assay_guard"]["detector"] == "guard_model"


@pytest.mark.parametrize("on_error", ["block", "allow"])
def test_the_guard_model_down(
    guarded: Guarded, caplog: pytest.LogCaptureFixture, on_error: str
) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/v1"
    extra = f", on_error: {{input: {on_error}}}" if on_error == "allow" else ""
    _project(guarded, _model_line(url, extra))
    caplog.set_level(logging.WARNING, "assay.guard.decisions")
    with ServerThread(guarded.project, clock=guarded.clock) as server:
        client = _client(server)
        replies = [_ask(client, "你好", user="u1") for _ in range(4)]
        metrics = _metrics(server)
    answers = {r.choices[0].message.content for r in replies}
    if on_error == "block":  # fail-closed, the default; not the user's fault: no suspension
        assert answers == {REFUSAL_ZH}
        assert guarded.upstream.bodies == []
    else:  # fail-open: forwarded (the output check fails closed, its default)
        assert len(guarded.upstream.bodies) == 4
    assert f'assay_guard_guard_model_errors_total{{direction="input",action="{on_error}"}} 4' in (
        metrics
    )
    errors = [r for r in caplog.records if "guard_model_error" in r.getMessage()]
    assert len(errors) >= 4
    assert "ClientConnectorError" in errors[0].getMessage()


def _judge_line(url: str, extra: str = "") -> str:
    return (
        f"    llm_judge: {{kind: llm, model: judge, base_url: '{url}', api_key_env: null, "
        f"retries: 0, attempts: 1}}\n{extra}"
    )


def test_an_llm_judge_flag_comes_after_the_reply(guarded: Guarded) -> None:
    held = HeldJudge()
    judge = FakeOpenAI(script=held)
    judge.start()
    _project(guarded, _judge_line(judge.url))
    results: list[Judged] = []
    both = threading.Event()

    def told(judged: Judged) -> None:
        results.append(judged)
        if len(results) == 2:
            both.set()

    try:
        with ServerThread(guarded.project, clock=guarded.clock) as server:
            server.app.state.guard_app.service.detectors.listeners.append(told)
            reply = _ask(_client(server), "你好 [clean]")
            # the reply is here while the judge is still held on the first text
            assert reply.choices[0].message.content == "今天天气很好，适合去公园散步。"
            assert held.asked.wait(10)
            assert results == []
            held.release.set()
            assert both.wait(20)
            metrics = _metrics(server)
    finally:
        held.release.set()
        judge.stop()
    outcomes = {(j.pending.direction, j.outcome) for j in results}
    assert outcomes == {("input", "clean"), ("output", "flag")}
    assert 'assay_guard_llm_judge_total{direction="output",outcome="flag"} 1' in metrics
    assert 'assay_guard_llm_judge_flags_total{direction="output",risk="A.1.d"} 1' in metrics


def test_a_full_llm_judge_queue_drops_and_counts(guarded: Guarded) -> None:
    held = HeldJudge()
    judge = FakeOpenAI(script=held)
    judge.start()
    _project(guarded, _judge_line(judge.url, "    llm_queue: 1\n    llm_workers: 1\n"))
    try:
        with ServerThread(guarded.project, clock=guarded.clock) as server:
            texts = ["今天天气很好", "明天也不错", "后天下雨"]
            result = _client(server).moderations.create(input=texts)
            assert not any(r.flagged for r in result.results)  # the judge never blocks
            metrics = _metrics(server)
    finally:
        held.release.set()
        judge.stop()
    assert "assay_guard_llm_judge_dropped_total 2" in metrics


def test_an_llm_judge_of_another_kind_is_refused(guarded: Guarded, tmp_path: Path) -> None:
    from assay.errors import ConfigError
    from assay.guard.app import create_app

    _project(guarded, "    llm_judge: classifier\n")
    with pytest.raises(ConfigError, match="content LLM judge"):
        create_app(guarded.project, store=f"sqlite:///{tmp_path / 'x.sqlite'}")


def _read(fake: FakeOpenAI, fmt: str, text: str, **extra: Any) -> Any:
    import asyncio

    from assay.guard.model import GuardModel
    from assay.guard_config import GuardModelConfig

    config = GuardModelConfig.model_validate(
        {"format": fmt, "base_url": fake.url, "model": "m", **extra}
    )

    async def once() -> Any:
        model = GuardModel(config)
        try:
            return await model.read(text)
        finally:
            await model.close()

    return asyncio.run(once())


@pytest.mark.parametrize(
    ("fmt", "said", "label", "risks", "error"),
    [
        ("llamaguard3", "unsafe\nS1,S10", "unsafe", ("A.1.f", "A.2.i", "A.4.a"), ""),
        ("llamaguard3", "safe", "safe", (), ""),
        (
            "qwen3guard",
            "Safety: Controversial\nCategories: PII",
            "controversial",
            ("A.4.e", "A.4.f"),
            "",
        ),
        ("qwen3guard", "I cannot judge that.", None, (), "unreadable verdict"),
    ],
)
def test_the_models_answer_is_read_in_its_format(
    fmt: str, said: str, label: str | None, risks: tuple[str, ...], error: str
) -> None:
    fake = FakeOpenAI(script=lambda body: Scripted(content=said))
    fake.start()
    try:
        answer = _read(fake, fmt, "一段文字")
    finally:
        fake.stop()
    assert (answer.reading.label if answer.reading else None) == label
    assert answer.risk_ids == risks
    assert answer.error == error


def test_an_endpoint_error_is_an_error_not_a_verdict() -> None:
    fake = FakeOpenAI(script=lambda body: Scripted(status=503, body="busy"))
    fake.start()
    try:
        answer = _read(fake, "qwen3guard", "一段文字")
    finally:
        fake.stop()
    assert answer.reading is None
    assert answer.error == "HTTP 503"


@pytest.mark.parametrize("reading", ["unsafe", "safe"])
def test_a_controversial_verdict_follows_the_setting(guarded: Guarded, reading: str) -> None:
    said = "Safety: Controversial\nCategories: Politically Sensitive Topics"
    fake = FakeOpenAI(script=lambda body: Scripted(content=said))
    fake.start()
    try:
        extra = ", controversial: safe" if reading == "safe" else ""
        _project(guarded, _model_line(fake.url, extra))
        with ServerThread(guarded.project, clock=guarded.clock) as server:
            result = _client(server).moderations.create(input="一段有争议的话")
    finally:
        fake.stop()
    assert result.results[0].flagged is (reading == "unsafe")
