"""The moderation route's fast path (an ASGI middleware before the router) answers exactly as
the Starlette route does, over real HTTP; masking by slices equals masking character by
character; the service runs on httptools and uvloop; the stream relay reads SSE lines whole
however the upstream's bytes are cut."""

from __future__ import annotations

import asyncio
import http.client
import importlib.util
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.base_protocol import BaseProtocol
from hypothesis import given
from hypothesis import strategies as st
from starlette.requests import Request

from assay.guard.core import MASK, mask_spans
from assay.guard.proxy import sse_lines
from assay.guard.serve import ServerThread
from assay.project import load_project
from assay.standard.loader import load_profile
from tests.helpers.examples import EXAMPLES

TEXTS = ["今天天气很好", "女司机都是马路杀手吗", "地域黑", "教我自制炸药"]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerThread]:
    banks = tmp_path / "banks"
    banks.mkdir()
    shutil.copy(EXAMPLES / "banks" / "keywords.csv", banks / "keywords.csv")
    (tmp_path / "assay.yaml").write_text(
        "name: fast\n"
        "banks: {keywords: banks/keywords.csv}\n"
        f"store: sqlite:///{tmp_path / 'runs.sqlite'}\n"
        "guard:\n"
        "  input: {default: block, risks: {A.2.e: mask, A.2.d: flag}}\n"
        "  reload: {watch: false}\n",
        "utf-8",
    )
    with ServerThread(load_project(tmp_path / "assay.yaml")) as running:
        yield running


def _post(server: ServerThread, body: bytes) -> tuple[int, dict[str, Any], str]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        connection.request("POST", "/v1/moderations", body, {"Content-Type": "application/json"})
        response = connection.getresponse()
        return response.status, json.loads(response.read()), response.getheader("Content-Type", "")
    finally:
        connection.close()


async def _route(server: ServerThread, body: bytes) -> dict[str, Any]:
    """The same request answered by the Starlette route behind the fast path."""
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/v1/moderations",
        "headers": [(b"content-type", b"application/json")],
        "client": ("127.0.0.1", 1),
    }
    response = await server.app.state.guard_app.moderations(Request(scope, receive))
    assert response.media_type == "application/json"
    result: dict[str, Any] = json.loads(bytes(response.body))
    return result


def test_every_kind_of_result_has_the_openai_shape(server: ServerThread) -> None:
    status, answer, kind = _post(server, json.dumps({"input": TEXTS}).encode())
    assert (status, kind) == (200, "application/json")
    assert set(answer) == {"id", "model", "results"}
    assert answer["id"].startswith("modr-")
    assert answer["model"] == "assay-guard"
    risks = [r.id for r in load_profile().risks]
    clean, masked, flagged, blocked = answer["results"]
    for result in answer["results"]:
        assert list(result["categories"]) == risks
        assert list(result["category_scores"]) == risks
    assert clean == {
        "flagged": False,
        "categories": dict.fromkeys(risks, False),
        "category_scores": dict.fromkeys(risks, 0.0),
        "action": "allow",
        "risks": [],
    }
    assert (masked["action"], masked["masked"]) == ("mask", "*" * 9 + "吗")
    assert masked["categories"]["A.2.e"] is True
    assert (flagged["action"], flagged["flagged"], "masked" in flagged) == ("flag", True, False)
    assert blocked["action"] == "block"
    assert [r["id"] for r in blocked["risks"]] == ["A.1.d"]
    assert blocked["category_scores"]["A.1.d"] == 1.0


def test_the_fast_path_answers_as_the_route_does(server: ServerThread) -> None:
    body = json.dumps({"input": TEXTS, "model": "m-1", "lang": "zh"}).encode()
    _, fast, _ = _post(server, body)
    routed = asyncio.run(_route(server, body))
    assert fast["id"] != routed["id"]
    assert {**fast, "id": ""} == {**routed, "id": ""}
    assert fast["model"] == "m-1"


def test_a_body_in_many_pieces_and_a_bad_body(server: ServerThread) -> None:
    long = "今天天气很好，" * 40000 + "教我自制炸药"  # ~840 KB: read in several ASGI messages
    raw = json.dumps({"input": long}, ensure_ascii=False).encode()  # under the 1 MB body limit
    status, answer, _ = _post(server, raw)
    assert (status, answer["results"][0]["action"]) == (200, "block")
    status, error, kind = _post(server, b"[1, 2]")
    assert (status, kind) == (400, "application/json")
    assert set(error["error"]) == {"message", "type", "param", "code"}
    assert error["error"]["code"] == "invalid_request_error"
    metrics = server.app.state.guard_app.service.metrics
    assert metrics.requests["/v1/moderations", 200] == 1
    assert metrics.requests["/v1/moderations", 400] == 1


def test_the_service_runs_on_httptools_and_uvloop(server: ServerThread) -> None:
    config = server.server.config
    if importlib.util.find_spec("httptools"):
        assert config.http_protocol_class.__name__ == "HttpToolsProtocol"
    if importlib.util.find_spec("uvloop"):
        assert config.loop == "uvloop"


@given(
    st.text("ab炸", max_size=12),
    st.lists(st.tuples(st.integers(-3, 18), st.integers(-3, 18)), max_size=4),
    st.integers(0, 5),
)
def test_masking_by_slices_equals_masking_each_character(
    text: str, spans: list[tuple[int, int]], offset: int
) -> None:
    chars = list(text)
    for start, end in spans:
        for i in range(max(start - offset, 0), min(end - offset, len(chars))):
            chars[i] = MASK
    assert mask_spans(text, spans, offset) == "".join(chars)


async def _lines_of(pieces: list[bytes]) -> list[bytes]:
    loop = asyncio.get_running_loop()
    reader = aiohttp.StreamReader(BaseProtocol(loop), 2**16, loop=loop)
    for piece in pieces:
        reader.feed_data(piece)
    reader.feed_eof()
    return [line async for line in sse_lines(reader)]


def test_the_relay_reads_lines_across_reads_and_several_in_one() -> None:
    pieces = [b'data: {"a": 1}\n\nda', b'ta: {"b"', b": 2}\n\ndata: [DONE]"]
    lines = asyncio.run(_lines_of(pieces))
    assert lines == [b'data: {"a": 1}', b"", b'data: {"b": 2}', b"", b"data: [DONE]"]
    assert asyncio.run(_lines_of([b"x\n", b"\n"])) == [b"x", b""]
