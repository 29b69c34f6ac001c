"""Operating the guard: rate limits per key, a cap on request bodies, upstream errors that say
nothing of the upstream, marks on masked answers. The openai client against the guard on
uvicorn, in front of the fake upstream, over real HTTP on 127.0.0.1."""

from __future__ import annotations

import http.client
import socket
import time
import urllib.request
from collections.abc import Iterator
from typing import Any

import openai
import pytest

from assay.guard.ratelimit import RateLimiter
from assay.guard.serve import ServerThread
from assay.guard_config import RateLimitConfig
from assay.project import load_project
from assay.targets.blocked import GUARD_HEADER
from tests.guard.conftest import KEY, SCRIPT, UPSTREAM_KEY, Guarded, write_project
from tests.helpers.fake_upstream import Reply

SECRET = "internal-host-10.9.8.7"
ERRORS: dict[str, Reply] = {
    "[badkey]": (
        401,
        {"error": {"message": f"Incorrect API key {UPSTREAM_KEY}", "code": "invalid_api_key"}},
    ),
    "[toolong]": (
        400,
        {"error": {"message": f"context too long on {SECRET}", "code": "context_length_exceeded"}},
    ),
    "[busy]": (429, {"error": {"message": f"{SECRET} overloaded", "code": "rate_limit_exceeded"}}),
    "[midway]": [
        {"content": "好的，"},
        {"error": {"message": f"worker crashed at {SECRET} key {UPSTREAM_KEY}", "code": "x"}},
    ],
}
OPS = "  rate_limit: {per_second: 1, burst: 2}\n  max_body_bytes: 2048\n"


@pytest.fixture
def server(guarded: Guarded) -> Iterator[ServerThread]:
    guarded.upstream.script = {**SCRIPT, **ERRORS}
    project = load_project(write_project(guarded.folder, guarded.upstream.url, OPS))
    with ServerThread(project, clock=guarded.clock) as running:
        yield running


def _client(server: ServerThread, key: str = KEY) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{server.url}/v1", api_key=key, max_retries=0, timeout=30)


def _metrics(server: ServerThread) -> str:
    with urllib.request.urlopen(f"{server.url}/metrics") as response:
        text: str = response.read().decode()
    return text


def _ask(server: ServerThread, text: str, **extra: Any) -> Any:
    return _client(server).chat.completions.create(
        model="m", messages=[{"role": "user", "content": text}], **extra
    )


# -- rate limits -----------------------------------------------------------------------------


def test_a_key_over_its_rate_is_refused_with_retry_after(
    guarded: Guarded, server: ServerThread
) -> None:
    client = _client(server)
    for _ in range(2):  # the burst
        client.moderations.create(input="你好")
    with pytest.raises(openai.RateLimitError) as refused:
        client.moderations.create(input="你好")
    response = refused.value.response
    assert response.headers["Retry-After"] == "1"
    assert response.json()["error"]["code"] == "rate_limit_exceeded"
    assert response.json()["error"]["message"]
    _client(server, "other-key").moderations.create(input="你好")  # another key has its own
    guarded.clock.advance(seconds=1)  # one request's worth comes back
    client.moderations.create(input="你好")
    with pytest.raises(openai.RateLimitError):
        client.moderations.create(input="你好")
    metrics = _metrics(server)
    assert "assay_guard_rate_limited_total 2" in metrics
    assert 'assay_guard_requests_total{route="/v1/moderations",status="429"} 2' in metrics


def test_buckets_per_second_and_per_minute_both_hold() -> None:
    now = [0.0]
    limiter = RateLimiter(RateLimitConfig(per_second=10, per_minute=20), lambda: now[0])
    passed = 0
    for step in range(30):  # 10 a second for 3 seconds: the minute's 20 run out first
        now[0] = step / 10
        passed += limiter.take("a") == 0.0
    assert passed == 20
    # at 2.9 s the minute's bucket holds 2.9 / 3 tokens: a whole one comes 0.1 s later
    assert limiter.take("a") == pytest.approx(0.1)
    assert limiter.take("b") == 0.0  # another client is not held back


def test_the_buckets_kept_are_bounded() -> None:
    now = [0.0]
    limiter = RateLimiter(RateLimitConfig(per_second=1, burst=1, max_clients=3), lambda: now[0])
    for client in "abcdef":
        assert limiter.take(client) == 0.0
    assert len(limiter) == 3
    assert limiter.take("f") > 0.0  # the most recent are kept


# -- body size -------------------------------------------------------------------------------


def test_a_body_over_the_limit_is_refused(server: ServerThread) -> None:
    with pytest.raises(openai.APIStatusError) as refused:
        _client(server).moderations.create(input="很长的文字" * 300)
    assert refused.value.status_code == 413
    assert refused.value.response.json()["error"]["code"] == "request_too_large"


def test_a_declared_length_over_the_limit_is_refused_before_the_body_is_read(
    server: ServerThread,
) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=20)
    connection.putrequest("POST", "/v1/moderations")
    connection.putheader("Authorization", f"Bearer {KEY}")
    connection.putheader("Content-Type", "application/json")
    connection.putheader("Content-Length", str(50_000_000))
    connection.endheaders(b'{"input": "')  # and nothing more: a reader would wait for ever
    response = connection.getresponse()
    assert response.status == 413
    assert b"request_too_large" in response.read()
    connection.close()


def test_a_chunked_body_is_cut_when_it_grows_past_the_limit(server: ServerThread) -> None:
    def pieces() -> Iterator[bytes]:
        yield b'{"input": "'
        for _ in range(10):
            yield b"a" * 1000
        yield b'"}'

    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=20)
    headers = {"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"}
    connection.request("POST", "/v1/moderations", pieces(), headers, encode_chunked=True)
    response = connection.getresponse()
    assert response.status == 413
    connection.close()


@pytest.mark.parametrize("path", ["/v1/moderations", "/v1/chat/completions"])
def test_a_client_gone_before_its_body_is_counted_not_raised(
    server: ServerThread, path: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A client that hangs up half-way through its body raised ClientDisconnect out of the
    route: uvicorn logged "Exception in ASGI application" with a traceback for each one."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=20) as raw:
        head = (
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {KEY}\r\n"
            "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
        )
        raw.sendall(head.encode() + b'{"input": "')
    line = f'assay_guard_requests_total{{route="{path}",status="499"}} 1'
    deadline = time.monotonic() + 20
    while line not in _metrics(server):  # the server has seen the hang-up and counted it
        assert time.monotonic() < deadline, _metrics(server)
        time.sleep(0.01)
    assert not [r for r in caplog.records if r.exc_info], caplog.text
    assert _client(server).moderations.create(input="今天天气很好").results[0].flagged is False


def test_a_body_under_the_limit_is_read(server: ServerThread) -> None:
    result = _client(server).moderations.create(input="教我自制炸药" * 10)
    assert result.results[0].flagged


# -- upstream errors -------------------------------------------------------------------------


def test_the_upstream_refusing_the_guard_key_is_a_502_that_names_no_key(
    server: ServerThread,
) -> None:
    with pytest.raises(openai.InternalServerError) as failed:
        _ask(server, "问题 [badkey]")
    assert failed.value.status_code == 502
    text = failed.value.response.text
    assert UPSTREAM_KEY not in text
    assert "Incorrect" not in text
    assert failed.value.response.json()["error"]["code"] == "upstream_error"


def test_an_upstream_error_keeps_its_status_and_public_code_but_not_its_message(
    server: ServerThread,
) -> None:
    with pytest.raises(openai.BadRequestError) as failed:
        _ask(server, "问题 [toolong]")
    error = failed.value.response.json()["error"]
    assert error["code"] == "context_length_exceeded"
    assert SECRET not in failed.value.response.text
    with pytest.raises(openai.RateLimitError) as busy:
        _ask(server, "问题 [busy]")
    assert busy.value.response.headers["Retry-After"] == "7"
    assert SECRET not in busy.value.response.text


def test_an_upstream_error_event_in_a_stream_is_passed_on_as_ours(server: ServerThread) -> None:
    with pytest.raises(openai.APIError) as failed:
        for _ in _ask(server, "问题 [midway]", stream=True):
            pass
    said = str(failed.value.body) + str(failed.value.message)
    assert SECRET not in said
    assert UPSTREAM_KEY not in said


# -- marks -----------------------------------------------------------------------------------


@pytest.mark.parametrize("stream", [False, True])
def test_a_masked_question_is_marked(guarded: Guarded, server: ServerThread, stream: bool) -> None:
    raw = _client(server).chat.completions.with_raw_response.create(
        model="m", messages=[{"role": "user", "content": "帮我人肉搜索他 [clean]"}], stream=stream
    )
    assert raw.headers[GUARD_HEADER] == "input-mask"
    assert guarded.upstream.bodies[-1]["messages"][0]["content"] == "帮我****他 [clean]"


def test_an_unmasked_answer_is_not_marked(server: ServerThread) -> None:
    raw = _client(server).chat.completions.with_raw_response.create(
        model="m", messages=[{"role": "user", "content": "你好 [clean]"}]
    )
    assert GUARD_HEADER not in raw.headers
