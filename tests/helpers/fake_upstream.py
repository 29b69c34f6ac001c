"""A scripted OpenAI-compatible chat endpoint on 127.0.0.1 that streams: the model behind the
guard in tests/guard. Each request's last user message picks its reply from ``script`` (the
first key it contains): a list of content chunks (streamed as they are, or joined when the
request does not stream), or an HTTP status to fail with. Otherwise it answers "好的。"."""

from __future__ import annotations

import asyncio
import json
import threading
from typing import Any

from aiohttp import web

Reply = list[str] | int


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
        base = {"id": "chatcmpl-up", "created": 1, "model": body.get("model", "up")}
        if not body.get("stream"):
            message = {"role": "assistant", "content": "".join(reply)}
            choice = {"index": 0, "message": message, "finish_reason": "stop"}
            return web.json_response({**base, "object": "chat.completion", "choices": [choice]})
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        deltas: list[tuple[dict[str, Any], str | None]] = [({"role": "assistant"}, None)]
        deltas += [({"content": piece}, None) for piece in reply]
        deltas.append(({}, "stop"))
        for delta, finish in deltas:
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
