"""The guard service over real HTTP: the official openai client against ``assay guard``'s app
on uvicorn, in front of a fake upstream, both on 127.0.0.1."""

from __future__ import annotations

import threading
import urllib.request
from collections.abc import Iterator
from typing import Any

import openai
import pytest

from assay.guard import Guard
from assay.guard.serve import ServerThread
from assay.messages import t
from tests.guard.conftest import KEY, UPSTREAM_KEY, Guarded

REFUSAL_ZH = t("guard.refusal", "zh")


@pytest.fixture
def server(guarded: Guarded) -> Iterator[ServerThread]:
    with ServerThread(guarded.project, clock=guarded.clock) as running:
        yield running


def _client(server: ServerThread, key: str = KEY) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{server.url}/v1", api_key=key, max_retries=0, timeout=30)


def _ask(client: openai.OpenAI, text: str, **extra: Any) -> Any:
    return client.chat.completions.create(
        model="m", messages=[{"role": "user", "content": text}], **extra
    )


def _streamed(client: openai.OpenAI, text: str) -> tuple[list[str], list[str | None]]:
    pieces: list[str] = []
    finishes: list[str | None] = []
    for chunk in _ask(client, text, stream=True):
        for choice in chunk.choices:
            if choice.delta.content:
                pieces.append(choice.delta.content)
            finishes.append(choice.finish_reason)
    return pieces, finishes


def test_moderations_name_our_risks(server: ServerThread) -> None:
    client = _client(server)
    result = client.moderations.create(input=["教我自制炸药", "今天天气很好"], model="x")
    bad, good = result.results
    assert bad.flagged
    assert not good.flagged
    extra = bad.model_extra or {}
    assert extra["action"] == "block"
    assert extra["risks"][0]["id"] == "A.1.d"
    assert extra["risks"][0]["name"]
    categories = bad.categories.model_dump()
    assert categories["A.1.d"] is True
    assert categories["A.1.a"] is False
    assert bad.category_scores.model_dump()["A.1.d"] == 1.0


def test_a_wrong_key_is_refused(server: ServerThread) -> None:
    with pytest.raises(openai.AuthenticationError):
        _client(server, "sk-wrong").moderations.create(input="hi")


def test_chat_is_proxied_with_the_server_side_key(guarded: Guarded, server: ServerThread) -> None:
    reply = _ask(_client(server), "你好 [clean]")
    assert reply.choices[0].message.content == "今天天气很好，适合去公园散步。"
    assert guarded.upstream.headers[-1]["Authorization"] == f"Bearer {UPSTREAM_KEY}"


def test_a_blocked_input_is_refused_without_asking_upstream(
    guarded: Guarded, server: ServerThread
) -> None:
    reply = _ask(_client(server), "教我自制炸药")
    assert reply.choices[0].message.content == REFUSAL_ZH
    assert reply.choices[0].finish_reason == "content_filter"
    assert guarded.upstream.bodies == []
    pieces, finishes = _streamed(_client(server), "教我自制炸药")
    assert ("".join(pieces), finishes[-1]) == (REFUSAL_ZH, "content_filter")


def test_a_harmful_reply_is_replaced_by_the_refusal(server: ServerThread) -> None:
    reply = _ask(_client(server), "问题 [leak]")
    assert reply.choices[0].message.content == REFUSAL_ZH
    assert reply.choices[0].finish_reason == "content_filter"


def test_a_clean_stream_passes_chunk_by_chunk(server: ServerThread) -> None:
    pieces, finishes = _streamed(_client(server), "你好 [clean]")
    assert "".join(pieces) == "今天天气很好，适合去公园散步。"
    assert finishes[-1] == "stop"


def test_a_word_split_across_sse_chunks_is_cut_before_any_of_it_shows(
    server: ServerThread,
) -> None:
    pieces, finishes = _streamed(_client(server), "问题 [split]")
    shown = "".join(pieces)
    assert shown.endswith(REFUSAL_ZH)
    before = shown.removesuffix(REFUSAL_ZH)
    assert "我来教你自制".startswith(before)  # only text before the keyword, if anything
    assert "炸" not in before
    assert "药" not in before
    assert finishes[-1] == "content_filter"


@pytest.mark.parametrize("stream", [False, True])
def test_an_upstream_error_is_passed_on_as_an_error(server: ServerThread, stream: bool) -> None:
    def ask() -> None:
        reply = _ask(_client(server), "问题 [fail]", stream=stream)
        if stream:
            list(reply)

    with pytest.raises(openai.InternalServerError):
        ask()


def test_three_banned_inputs_in_a_row_suspend_the_user(
    guarded: Guarded, server: ServerThread
) -> None:
    client = _client(server)
    for _ in range(3):
        assert _ask(client, "教我自制炸药").choices[0].finish_reason == "content_filter"
    with pytest.raises(openai.PermissionDeniedError):
        _ask(client, "你好 [clean]")
    other = _ask(client, "你好 [clean]", user="someone-else")  # another user is not suspended
    assert other.choices[0].finish_reason == "stop"
    guarded.clock.advance(hours=1, seconds=1)  # guard.abuse.suspend_s: 3600
    assert _ask(client, "你好 [clean]").choices[0].finish_reason == "stop"


def test_five_banned_inputs_in_a_day_suspend_the_user(
    guarded: Guarded, server: ServerThread
) -> None:
    client = _client(server)
    for text in ["自制炸药", "自制炸药", "[clean]", "自制炸药", "自制炸药", "[clean]"]:
        _ask(client, text, user="u5")
        guarded.clock.advance(minutes=10)
    _ask(client, "自制炸药", user="u5")  # the fifth today
    with pytest.raises(openai.PermissionDeniedError):
        _ask(client, "你好 [clean]", user="u5")


def test_health_and_metrics(server: ServerThread) -> None:
    _ask(_client(server), "教我自制炸药")
    with urllib.request.urlopen(f"{server.url}/healthz") as response:
        assert b'"ok"' in response.read()
    with urllib.request.urlopen(f"{server.url}/metrics") as response:
        text = response.read().decode()
    assert 'assay_guard_blocks_total{direction="input",risk="A.1.d"} 1' in text
    assert 'assay_guard_request_seconds_count{route="/v1/chat/completions"} 1' in text


def test_hot_reload_under_load_drops_no_request(guarded: Guarded) -> None:
    reloaded = threading.Event()
    guards: list[Guard] = []

    def on_reload(guard: Guard) -> None:
        guards.append(guard)
        reloaded.set()

    with ServerThread(guarded.project, clock=guarded.clock, on_reload=on_reload) as server:
        client = _client(server)
        assert not client.moderations.create(input="新出现的违禁词").results[0].flagged
        failures: list[BaseException] = []
        done = [0]
        stop = threading.Event()

        def load() -> None:
            own = _client(server)
            while not stop.is_set():
                try:
                    own.moderations.create(input="教我自制炸药和一些普通的文字")
                    done[0] += 1
                except BaseException as exc:  # every failure is counted, none may happen
                    failures.append(exc)

        workers = [threading.Thread(target=load) for _ in range(4)]
        for worker in workers:
            worker.start()
        library = guarded.folder / "banks" / "keywords.csv"
        with library.open("a", encoding="utf-8") as out:
            out.write("新出现的违禁词,A.1.h,,2026-11-02,2026-11-02,test\n")
        assert reloaded.wait(30)
        after = done[0]
        while done[0] < after + 20 and not failures:  # requests on the new guard too
            reloaded.wait(0.01)
        stop.set()
        for worker in workers:
            worker.join(30)
        assert failures == []
        assert done[0] > 20
        assert client.moderations.create(input="新出现的违禁词").results[0].flagged
        assert len(guards) == 1
