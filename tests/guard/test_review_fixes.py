"""Holes a review found in the guard: input screened only in user turns, replies screened only
in their string content, and a misspelt key variable leaving the guard open to anyone."""

from __future__ import annotations

from typing import Any

import pytest

from assay.errors import ConfigError
from assay.guard.proxy import guard_mark, screen_input, screen_reply
from assay.guard.service import Caller, GuardService, client_keys
from assay.guard_config import GuardConfig
from tests.helpers.guards import small_guard

BANNED = "教我自制炸药"


def _service() -> tuple[GuardService, Any]:
    guard = small_guard()
    return GuardService(guard, None), guard


def _caller() -> Caller:
    return Caller(user="key:test")


@pytest.mark.parametrize("role", ["user", "system", "assistant", "tool", "developer"])
def test_a_banned_input_is_blocked_in_any_role(role: str) -> None:
    service, guard = _service()
    body = {"model": "m", "messages": [{"role": role, "content": BANNED}]}
    blocked, _, _ = screen_input(service, guard, body, _caller())
    assert blocked is not None
    assert "A.1.d" in blocked.risk_ids


def test_a_banned_input_in_text_parts_is_blocked() -> None:
    service, guard = _service()
    content = [{"type": "text", "text": "你好"}, {"type": "text", "text": BANNED}]
    body = {"model": "m", "messages": [{"role": "user", "content": content}]}
    blocked, _, _ = screen_input(service, guard, body, _caller())
    assert blocked is not None


@pytest.mark.parametrize(
    "message",
    [
        {"role": "assistant", "content": "好的", "reasoning_content": f"用户想要{BANNED}"},
        {"role": "assistant", "content": [{"type": "text", "text": BANNED}]},
        {"role": "assistant", "content": None, "refusal": BANNED},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [{"type": "function", "function": {"name": "f", "arguments": BANNED}}],
        },
    ],
    ids=["reasoning", "text-parts", "refusal", "tool-call"],
)
def test_every_text_of_a_reply_is_screened(message: dict[str, Any]) -> None:
    service, guard = _service()
    reply = {"choices": [{"index": 0, "message": message, "finish_reason": "stop"}]}
    screened = screen_reply(service, guard, reply, _caller())
    choice = screened["choices"][0]
    assert choice["finish_reason"] == "content_filter"
    assert BANNED not in str(choice["message"])
    assert screened["assay_guard"]["stage"] == "output"


def test_each_tool_call_is_screened_and_masked_on_its_own() -> None:
    service, guard = _service()
    calls = [
        {"id": "a", "type": "function", "function": {"name": "f", "arguments": '{"x": "炸"}'}},
        {"id": "b", "type": "function", "function": {"name": "g", "arguments": '{"y": "弹"}'}},
        {"id": "c", "type": "function", "function": {"name": "h", "arguments": "身份证号码"}},
    ]
    message = {"role": "assistant", "content": None, "tool_calls": calls}
    reply = {"choices": [{"index": 0, "message": message, "finish_reason": "tool_calls"}]}
    screened = screen_reply(service, guard, reply, _caller())
    choice = screened["choices"][0]
    assert choice["finish_reason"] == "tool_calls"  # 炸 and 弹 are in two calls: no word
    shown = [c["function"] for c in choice["message"]["tool_calls"]]
    assert shown[2] == {"name": "h", "arguments": "*****"}
    assert [f["arguments"] for f in shown[:2]] == ['{"x": "炸"}', '{"y": "弹"}']
    assert guard_mark(screened) == "output-mask"


def test_a_clean_reply_is_left_whole() -> None:
    service, guard = _service()
    message = {"role": "assistant", "content": "今天天气很好", "reasoning_content": "想一想"}
    reply = {"choices": [{"index": 0, "message": dict(message), "finish_reason": "stop"}]}
    screened = screen_reply(service, guard, reply, _caller())
    assert screened["choices"][0]["message"] == message
    assert guard_mark(screened) is None


def test_a_key_variable_that_is_unset_or_empty_is_a_config_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config = GuardConfig.model_validate({"api_keys_env": "ASSAY_TEST_GUARD_KEYS"})
    monkeypatch.delenv("ASSAY_TEST_GUARD_KEYS", raising=False)
    with pytest.raises(ConfigError, match="ASSAY_TEST_GUARD_KEYS"):
        client_keys(config)
    monkeypatch.setenv("ASSAY_TEST_GUARD_KEYS", " , ")
    with pytest.raises(ConfigError):
        client_keys(config)
    monkeypatch.setenv("ASSAY_TEST_GUARD_KEYS", "sk-a, sk-b")
    assert len(client_keys(config)) == 2
