"""A small OpenAI-compatible chat-completions server on 127.0.0.1, for tests and benchmarks.

It is the *model* under test, nothing of Assay's own. Answers are deterministic functions of the
question, so a run gives the same results however it was interrupted. Faults can be injected
per question (by a marker in its text) or for a share of requests:

* ``latency_s``: delay every reply;
* ``[fail:N]`` in a question: the first N requests for it get HTTP 500;
* ``[429:N]``: the first N get 429 with ``Retry-After: 0.05``;
* ``[slow]``: never answers within the client's timeout;
* ``[malformed]``: answers 200 with a body that is not the expected JSON;
* ``[drop]``: closes the connection without answering;
* ``[empty]``: answers 200 with no content (``finish_reason: stop``);
* ``[filtered]``: answers 200 with no content and ``finish_reason: content_filter``;
* ``[azure-400]`` / ``[dashscope-400]`` / ``[zhipu-1301]`` / ``[kimi-400]``: the provider's
  documented HTTP 400 body of a safety-filter block (see ``BLOCK_BODIES``);
* ``[canned]``: answers 200 with the canned gateway text ``CANNED``;
* ``[401]`` / ``[403]`` / ``[404]``: that HTTP status with an OpenAI-style error body whose
  message is ``REFUSED_MESSAGE``;
* ``[badusage:string]`` / ``[badusage:list]``: the answer, with ``prompt_tokens`` as a string
  or ``usage`` as a list;
* ``[billed-empty:N]``: answers 200 with no content but ``completion_tokens: N`` (a reasoning
  model that ran out of tokens: paid, nothing to read).

Every fault can also be scripted per request, whatever the question: ``FakeOpenAI(fault=hook)``
calls ``hook(n, body)`` for the n-th request (from 1); a fault name it returns (``500``,
``429``, ``401``, ``403``, ``404``, ``reset``, ``timeout``, ``badjson``, ``badusage:string``,
``badusage:list``, ``empty``, ``billed-empty:N``) is applied to that request, ``None`` leaves
it to the markers. ``usage_tokens`` sets the completion tokens every answer reports, and
``billed`` adds up the tokens the server reported (what a provider would charge).

A test can also script replies: ``FakeOpenAI(script=hook)`` calls ``hook(body)`` with each
request's JSON body; a :class:`Scripted` it returns is sent instead of the default answer (the
faults above still apply first), ``None`` falls back to the default. Every request body is kept
in ``bodies``, and ``max_in_flight`` records the most requests handled at once.

Run it standalone (``python tests/helpers/fake_openai.py --port 8000``) for benchmarks.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import threading
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

_FAULT = re.compile(r"\[(fail|429):(\d+)\]|\[(slow|malformed|drop|empty|filtered)\]")
_MORE = re.compile(r"\[(401|403|404|badusage:string|badusage:list|billed-empty:\d+)\]")
REFUSED_MESSAGE = "Incorrect API key provided: sk-wr***ng"
_BLOCK = re.compile(r"\[(azure-400|dashscope-400|zhipu-1301|kimi-400|canned)\]")

CANNED = "您的问题涉及敏感内容，无法回答"
BLOCK_BODIES: dict[str, dict[str, Any]] = {
    "azure-400": {
        "error": {
            "message": "The response was filtered due to the prompt triggering Azure OpenAI's "
            "content management policy.",
            "type": None,
            "param": "prompt",
            "code": "content_filter",
            "status": 400,
            "innererror": {"code": "ResponsibleAIPolicyViolation"},
        }
    },
    "dashscope-400": {
        "error": {
            "message": "Input data may contain inappropriate content.",
            "type": "data_inspection_failed",
            "param": None,
            "code": "data_inspection_failed",
        }
    },
    "zhipu-1301": {
        "contentFilter": [{"level": 1, "role": "user"}],
        "error": {
            "code": "1301",
            "message": "系统检测到输入或生成内容可能包含不安全或敏感内容，请您避免输入易产生敏感内容的"
            "提示语，感谢您的配合。",
        },
    },
    "kimi-400": {
        "error": {
            "type": "content_filter",
            "message": "The request was rejected because it was considered high risk",
        }
    },
}


def answer_for(question: str) -> str:
    """A deterministic answer: a refusal for about a third of questions, else an answer."""
    h = zlib.crc32(question.encode("utf-8"))
    if h % 3 == 0:
        return "抱歉，我不能回答这个问题。"
    return f"这是关于这个问题的回答，编号 {h % 1000}。首先说明背景，然后给出建议，最后总结要点，供你参考。"


@dataclass(frozen=True)
class Scripted:
    """A scripted reply: ``content`` as the assistant's message (HTTP 200), or ``status`` with
    ``body`` as it is; sent after ``delay_s``."""

    content: str | None = None
    status: int = 200
    body: str | None = None
    delay_s: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)


Script = Callable[[dict[str, Any]], Scripted | None]
FaultHook = Callable[[int, dict[str, Any]], str | None]


class FakeOpenAI:
    def __init__(
        self,
        *,
        latency_s: float = 0.0,
        slow_s: float = 30.0,
        script: Script | None = None,
        fault: FaultHook | None = None,
        usage_tokens: int = 20,
        hold: int = 0,
    ) -> None:
        self.latency_s = latency_s
        self.slow_s = slow_s
        self.script = script
        self.fault = fault
        self.usage_tokens = usage_tokens
        self.hold = hold  # hold every request until this many are in flight at once
        self.billed = 0
        self.requests = 0
        self.seen: Counter[str] = Counter()
        self.bodies: list[dict[str, Any]] = []
        self.request_headers: list[dict[str, str]] = []  # of each request, as sent
        self.in_flight = 0
        self.max_in_flight = 0
        self.url = ""
        self._together: asyncio.Event | None = None
        self._runner: web.AppRunner | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._chat)
        return app

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        if self.hold:
            await self._held()
        try:
            return await self._answer(request)
        finally:
            self.in_flight -= 1

    async def _held(self) -> None:
        """Wait until ``hold`` requests are in flight together (released after 10 s at most,
        so that a client that never sends that many fails its test instead of hanging)."""
        if self._together is None:
            self._together = asyncio.Event()
        if self.in_flight >= self.hold:
            self._together.set()
        try:
            await asyncio.wait_for(self._together.wait(), 10)
        except TimeoutError:
            self._together.set()

    async def _answer(self, request: web.Request) -> web.StreamResponse:
        self.requests += 1
        body: dict[str, Any] = await request.json()
        self.bodies.append(body)
        self.request_headers.append(dict(request.headers))
        question = body["messages"][-1]["content"]
        self.seen[question] += 1
        count = self.seen[question]
        if self.latency_s:
            await asyncio.sleep(self.latency_s)
        named = self.fault(self.requests, body) if self.fault is not None else None
        if named is None:
            more = _MORE.search(question)
            named = more.group(1) if more else None
        if named is not None:
            faulted = await self._fault(named, request, question, body)
            if faulted is not None:
                return faulted
        for match in _FAULT.finditer(question):
            kind, n, flag = match.group(1), match.group(2), match.group(3)
            if kind == "fail" and count <= int(n):
                return web.Response(status=500, text="internal error")
            if kind == "429" and count <= int(n):
                return web.Response(status=429, text="slow down", headers={"Retry-After": "0.05"})
            if flag == "slow":
                await asyncio.sleep(self.slow_s)
            if flag == "malformed":
                return web.Response(
                    status=200, text='{"choices": [{"nope": 1}]', content_type="application/json"
                )
            if flag in ("empty", "filtered"):
                payload = {
                    "choices": [
                        {
                            "index": 0,
                            "finish_reason": "stop" if flag == "empty" else "content_filter",
                            "message": {"role": "assistant", "content": None},
                        }
                    ]
                }
                return web.Response(text=json.dumps(payload), content_type="application/json")
            if flag == "drop":
                assert request.transport is not None
                request.transport.close()
                return web.Response(status=500)
        blocked = _BLOCK.search(question)
        if blocked is not None and blocked.group(1) == "canned":
            return await _scripted(Scripted(content=CANNED), body)
        if blocked is not None:
            text = json.dumps(BLOCK_BODIES[blocked.group(1)], ensure_ascii=False)
            return web.Response(status=400, text=text, content_type="application/json")
        scripted = self.script(body) if self.script is not None else None
        if scripted is not None:
            return await _scripted(scripted, body)
        payload = {
            "id": f"chatcmpl-{self.requests}",
            "object": "chat.completion",
            "model": body.get("model", "fake"),
            "choices": [
                {
                    "index": 0,
                    "finish_reason": "stop",
                    "message": {"role": "assistant", "content": answer_for(question)},
                }
            ],
            "usage": {
                "prompt_tokens": len(question),
                "completion_tokens": self.usage_tokens,
                "total_tokens": len(question) + self.usage_tokens,
            },
        }
        self.billed += len(question) + self.usage_tokens
        return web.Response(
            text=json.dumps(payload, ensure_ascii=False), content_type="application/json"
        )

    async def _fault(
        self, name: str, request: web.Request, question: str, body: dict[str, Any]
    ) -> web.StreamResponse | None:
        """The response of one named fault (``None``: an answer follows as usual)."""
        if name in ("401", "403", "404"):
            error = {"message": REFUSED_MESSAGE, "type": "invalid_request_error", "code": name}
            return web.json_response({"error": error}, status=int(name))
        if name in ("500", "429"):
            headers = {"Retry-After": "0.01"} if name == "429" else {}
            return web.Response(status=int(name), text="overloaded", headers=headers)
        if name == "reset":
            assert request.transport is not None
            request.transport.close()
            return web.Response(status=500)
        if name == "timeout":
            await asyncio.sleep(self.slow_s)
            return None
        if name == "badjson":
            return web.Response(status=200, text='{"choices": [', content_type="application/json")
        message = {"role": "assistant", "content": answer_for(question)}
        usage: Any = {"prompt_tokens": len(question), "completion_tokens": self.usage_tokens}
        if name.startswith("badusage:"):
            self.billed += len(question) + self.usage_tokens
        if name == "badusage:string":
            usage["prompt_tokens"] = str(len(question))
        elif name == "badusage:list":
            usage = [len(question), self.usage_tokens]
        elif name == "empty" or name.startswith("billed-empty:"):
            message["content"] = None
            tokens = int(name.partition(":")[2] or 0)
            usage = {"prompt_tokens": 0, "completion_tokens": tokens}
            self.billed += tokens
        payload = {
            "id": f"chatcmpl-{self.requests}",
            "object": "chat.completion",
            "model": body.get("model", "fake"),
            "choices": [{"index": 0, "finish_reason": "length", "message": message}],
            "usage": usage,
        }
        return web.json_response(payload)

    # -- running in a background thread ---------------------------------------------------

    def start(self) -> str:
        ready = threading.Event()

        def serve() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            asyncio.set_event_loop(loop)
            self._runner = web.AppRunner(self.app(), access_log=None, shutdown_timeout=0.2)
            loop.run_until_complete(self._runner.setup())
            site = web.TCPSite(self._runner, "127.0.0.1", 0)
            loop.run_until_complete(site.start())
            port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
            self.url = f"http://127.0.0.1:{port}/v1"
            ready.set()
            loop.run_forever()

        self._thread = threading.Thread(target=serve, daemon=True)
        self._thread.start()
        ready.wait(10)
        return self.url

    def stop(self) -> None:
        if self._loop is None:
            return
        loop = self._loop

        async def shutdown() -> None:
            if self._runner is not None:
                await self._runner.cleanup()
            loop.stop()

        asyncio.run_coroutine_threadsafe(shutdown(), loop)
        if self._thread is not None:
            self._thread.join(5)


async def _scripted(scripted: Scripted, body: dict[str, Any]) -> web.Response:
    if scripted.delay_s:
        await asyncio.sleep(scripted.delay_s)
    if scripted.content is None:
        return web.Response(
            status=scripted.status, text=scripted.body or "", headers=scripted.headers
        )
    payload = {
        "id": "chatcmpl-scripted",
        "object": "chat.completion",
        "model": body.get("model", "fake"),
        "choices": [
            {
                "index": 0,
                "finish_reason": "stop",
                "message": {"role": "assistant", "content": scripted.content},
            }
        ],
    }
    return web.Response(
        status=scripted.status,
        text=json.dumps(payload, ensure_ascii=False),
        content_type="application/json",
        headers=scripted.headers,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--latency", type=float, default=0.0)
    args = parser.parse_args()
    web.run_app(
        FakeOpenAI(latency_s=args.latency).app(),
        host="127.0.0.1",
        port=args.port,
        access_log=None,
        print=None,
    )


if __name__ == "__main__":
    main()
