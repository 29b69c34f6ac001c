"""Every text of a reply a user may see is screened, streamed or not: the reasoning shown by
reasoning models, a refusal, each tool call's arguments, each with its own screener so that a
word split across chunks of one field is caught. Over real HTTP with the openai client."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import openai
import pytest

from assay.guard.serve import ServerThread
from assay.messages import t
from assay.targets.blocked import GUARD_HEADER
from tests.guard.conftest import KEY, SCRIPT, Guarded
from tests.helpers.fake_upstream import Reply

REFUSAL_ZH = t("guard.refusal", "zh")


def _call(arguments: str, **more: Any) -> dict[str, Any]:
    return {"tool_calls": [{"index": 0, "function": {"arguments": arguments}, **more}]}


FIELDS: dict[str, Reply] = {
    "[reasoning]": [
        {"role": "assistant", "reasoning_content": ""},
        {"reasoning_content": "用户想知道自制"},
        {"reasoning_content": "炸"},
        {"reasoning_content": "药的做法，我先列出材料"},
        {"content": "好的。"},
    ],
    "[refusal]": [{"refusal": "我不会讲自制"}, {"refusal": "炸"}, {"refusal": "药的事"}],
    "[tool]": [
        _call("", id="call_1", type="function"),
        _call('{"q": "自制'),
        _call("炸"),
        _call('药 步骤"}'),
    ],
    "[tool-clean]": [
        _call("", id="call_1", type="function"),
        _call('{"city": "北'),
        _call('京", "days": 3'),
        _call("}"),
    ],
    "[mask]": ["可以帮你", "人肉", "搜索他的地址，", "请稍等片刻再来。"],
}
BANNED_PARTS = ("炸", "药")


@pytest.fixture
def server(guarded: Guarded) -> Iterator[ServerThread]:
    guarded.upstream.script = {**SCRIPT, **FIELDS}
    with ServerThread(guarded.project, clock=guarded.clock) as running:
        yield running


def _client(server: ServerThread) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{server.url}/v1", api_key=KEY, max_retries=0, timeout=30)


class Seen:
    """What a streaming client sees: each field's text joined, the finish reasons and the
    guard's marks on choices."""

    def __init__(self) -> None:
        self.shown: dict[str, str] = {}
        self.finishes: list[str | None] = []
        self.marks: list[dict[str, Any]] = []


def _watch(server: ServerThread, question: str) -> Seen:
    seen = Seen()
    shown, finishes = seen.shown, seen.finishes
    stream = _client(server).chat.completions.create(
        model="m", messages=[{"role": "user", "content": question}], stream=True
    )
    for chunk in stream:
        for choice in chunk.choices:
            delta = choice.delta.model_dump(exclude_none=True)
            for field in ("content", "reasoning_content", "refusal"):
                shown[field] = shown.get(field, "") + (delta.get(field) or "")
            for call in delta.get("tool_calls") or []:
                arguments = (call.get("function") or {}).get("arguments") or ""
                shown["arguments"] = shown.get("arguments", "") + arguments
            finishes.append(choice.finish_reason)
            mark = (choice.model_extra or {}).get("assay_guard")
            if mark:
                seen.marks.append(mark)
    return seen


def _stream(server: ServerThread, question: str) -> tuple[dict[str, str], list[str | None]]:
    seen = _watch(server, question)
    return seen.shown, seen.finishes


@pytest.mark.parametrize("question", ["[reasoning]", "[refusal]", "[tool]"])
def test_a_word_split_across_chunks_of_any_field_is_cut(
    server: ServerThread, question: str
) -> None:
    shown, finishes = _stream(server, f"问题 {question}")
    assert shown["content"].endswith(REFUSAL_ZH)
    assert finishes[-1] == "content_filter"
    others = "".join(v for k, v in shown.items() if k != "content")
    assert not any(part in others for part in BANNED_PARTS), shown


def test_clean_tool_call_arguments_pass_whole(server: ServerThread) -> None:
    shown, finishes = _stream(server, "问题 [tool-clean]")
    assert json.loads(shown["arguments"]) == {"city": "北京", "days": 3}
    assert finishes[-1] == "stop"


def test_a_masked_word_is_masked_in_the_stream_and_the_stream_says_so(
    server: ServerThread,
) -> None:
    seen = _watch(server, "问题 [mask]")
    assert seen.shown["content"] == "可以帮你****他的地址，请稍等片刻再来。"
    assert seen.finishes[-1] == "stop"
    assert seen.marks == [{"stage": "output", "action": "mask", "risk_ids": ["A.4.e"]}]


@pytest.mark.parametrize("question", ["[reasoning]", "[refusal]", "[tool]"])
def test_a_whole_reply_is_screened_in_every_field(server: ServerThread, question: str) -> None:
    raw = _client(server).chat.completions.with_raw_response.create(
        model="m", messages=[{"role": "user", "content": f"问题 {question}"}]
    )
    reply = raw.parse()
    assert reply.choices[0].finish_reason == "content_filter"
    assert reply.choices[0].message.content == REFUSAL_ZH
    assert "炸药" not in json.dumps(reply.model_dump(), ensure_ascii=False)
    assert raw.headers[GUARD_HEADER] == "output"


def test_a_masked_whole_reply_is_marked(server: ServerThread) -> None:
    raw = _client(server).chat.completions.with_raw_response.create(
        model="m", messages=[{"role": "user", "content": "问题 [mask]"}]
    )
    reply = raw.parse()
    assert reply.choices[0].message.content == "可以帮你****他的地址，请稍等片刻再来。"
    assert reply.choices[0].finish_reason == "stop"
    assert raw.headers[GUARD_HEADER] == "output-mask"
