"""A scripted OpenAI-compatible chat endpoint on 127.0.0.1 that streams: the model behind the
guard in tests/guard. Each request's last user message picks its reply from ``script`` (the
first key it contains): a list of content chunks (streamed as they are, or joined when the
request does not stream), a list of deltas (dicts: streamed as they are, or merged into one
message), an HTTP status to fail with, or a status with the error body to send. Otherwise it
answers "好的。"."""

from __future__ import annotations

import asyncio
import json
import threading
from typing import Any

from aiohttp import web

Reply = list[str] | list[dict[str, Any]] | int | tuple[int, dict[str, Any]]


def merged(deltas: list[dict[str, Any]]) -> dict[str, Any]:
    """The message that streamed ``deltas`` add up to: texts joined, tool calls by index."""
    message: dict[str, Any] = {"role": "assistant"}
    calls: dict[int, dict[str, Any]] = {}
    for delta in deltas:
        for field, value in delta.items():
            if field == "tool_calls":
                for call in value:
                    into = calls.setdefault(
                        call["index"], {"type": "function", "function": {"arguments": ""}}
                    )
                    into.update({k: v for k, v in call.items() if k not in ("index", "function")})
                    function = call.get("function", {})
                    into["function"]["arguments"] += function.get("arguments", "")
                    if "name" in function:
                        into["function"]["name"] = function["name"]
            elif isinstance(value, str) and field != "role":
                message[field] = message.get(field, "") + value
    if calls:
        message["tool_calls"] = [calls[i] for i in sorted(calls)]
    return message


class FakeUpstream:
    def __init__(self, script: dict[str, Reply] | None = None) -> None:
        self.script = script or {}
        self.bodies: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.url = ""
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None

    def _reply(self, body: dict[str, Any]) -> Reply:
        users = [m for m in body.get("messages", []) if m.get("role") == "user"]
        question = str(users[-1].get("content", "")) if users else ""
        for key, reply in self.script.items():
            if key in question:
                return reply
        return ["好的。"]

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        self.bodies.append(body)
        self.headers.append(dict(request.headers))
        reply = self._reply(body)
        if isinstance(reply, int):
            error = {"error": {"message": "upstream failed", "type": "server_error", "code": None}}
            return web.json_response(error, status=reply)
        if isinstance(reply, tuple):
            return web.json_response(reply[1], status=reply[0], headers={"Retry-After": "7"})
        base = {"id": "chatcmpl-up", "created": 1, "model": body.get("model", "up")}
        given = [p if isinstance(p, dict) else {"content": p} for p in reply]
        if not body.get("stream"):
            choice = {"index": 0, "message": merged(given), "finish_reason": "stop"}
            return web.json_response({**base, "object": "chat.completion", "choices": [choice]})
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        deltas: list[tuple[dict[str, Any], str | None]] = [({"role": "assistant"}, None)]
        deltas += [(delta, None) for delta in given]
        deltas.append(({}, "stop"))
        for delta, finish in deltas:
            if "error" in delta:  # an error event in the middle of the stream, then nothing
                await response.write(f"data: {json.dumps(delta)}\n\n".encode())
                return response
            chunk = {
                **base,
                "object": "chat.completion.chunk",
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
            }
            await response.write(f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode())
        await response.write(b"data: [DONE]\n\n")
        return response

    def start(self) -> str:
        ready = threading.Event()

        def serve() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            asyncio.set_event_loop(loop)
            app = web.Application()
            app.router.add_post("/v1/chat/completions", self._chat)
            self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.2)
            loop.run_until_complete(self._runner.setup())
            site = web.TCPSite(self._runner, "127.0.0.1", 0)
            loop.run_until_complete(site.start())
            port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
            self.url = f"http://127.0.0.1:{port}/v1"
            ready.set()
            loop.run_forever()

        self._thread = threading.Thread(target=serve, daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("the fake upstream did not start")
        return self.url

    def stop(self) -> None:
        loop, runner = self._loop, self._runner
        if loop is None or runner is None:
            return

        async def shutdown() -> None:
            await runner.cleanup()
            loop.stop()

        asyncio.run_coroutine_threadsafe(shutdown(), loop)
        if self._thread is not None:
            self._thread.join(10)
