"""Issue 12 items 4 and 5 at the unit level: a usage that cannot be read, and credentials in
URLs."""

from __future__ import annotations

import json

import pytest

from assay.redact import redact_text, redact_url, redact_urls
from assay.targets import OpenAITarget, OpenAITargetConfig
from assay.targets.openai import _parse, read_usage


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://api.example.com/v1", "https://api.example.com/v1"),
        ("http://user:sk-abc123@host:8000/v1", "http://***@host:8000/v1"),
        (
            "https://h/v1?api-key=sk-abcdef&api-version=2024-06-01",
            "https://h/v1?api-key=***&api-version=2024-06-01",
        ),
        ("https://h/v1?token=x1&sig=zz", "https://h/v1?token=***&sig=***"),
        ("https://h/v1?q=sk-live-abcdef", "https://h/v1?q=***"),
    ],
)
def test_redact_url(url: str, shown: str) -> None:
    assert redact_url(url) == shown


def test_messages_and_stored_specs_are_redacted() -> None:
    url = "http://bob:sk-secret-123@h/v1?key=sk-query-456"
    text = f"connection failed: cannot connect to {url} as bob:sk-secret-123 (sk-query-456)"
    masked = redact_text(text, url)
    assert "sk-secret-123" not in masked
    assert "sk-query-456" not in masked
    assert redact_urls({"a": [url], "b": 1}) == {"a": [redact_url(url)], "b": 1}
    spec = OpenAITarget(OpenAITargetConfig(base_url=url, model="m", api_key_env=None)).spec()
    assert "sk-" not in json.dumps(spec)


@pytest.mark.parametrize(
    ("usage", "tokens", "problem"),
    [
        ({"prompt_tokens": 3, "completion_tokens": 4}, (3, 4), None),
        ({"prompt_tokens": "12", "completion_tokens": 4}, (12, 4), "string"),
        ({"prompt_tokens": "many", "completion_tokens": 4}, (None, 4), "str"),
        ([1, 2], (None, None), "list"),
        ({"prompt_tokens": True}, (None, None), "bool"),
    ],
)
def test_a_usage_that_cannot_be_read_keeps_the_answer(
    usage: object, tokens: tuple[int | None, int | None], problem: str | None
) -> None:
    read = read_usage({"usage": usage})
    assert (read.prompt_tokens, read.completion_tokens) == tokens
    assert (problem is None) is (read.problem is None)
    if problem:
        assert problem in (read.problem or "")
    body = {"choices": [{"message": {"content": "回答"}, "finish_reason": "stop"}], "usage": usage}
    reply = _parse(json.dumps(body).encode(), 200)
    assert reply.answer == "回答"
    assert reply.usage_problem == read.problem


def test_max_tokens_and_max_completion_tokens_are_not_both_given() -> None:
    with pytest.raises(ValueError, match="not both"):
        OpenAITargetConfig(base_url="http://h/v1", model="m", max_tokens=1, max_completion_tokens=1)


def test_a_url_with_nothing_to_hide_is_kept_as_written() -> None:
    from assay.redact import redact_url

    for url in ("sqlite:///out/runs.sqlite", "http://127.0.0.1:8000/v1", "http://h/v1?x=1"):
        assert redact_url(url) == url
    assert redact_url("postgresql://admin:pw@h/db", keep_user=True) == "postgresql://admin:***@h/db"
