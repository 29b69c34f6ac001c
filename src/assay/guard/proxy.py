"""``POST /v1/chat/completions``: screen the input, forward it upstream, screen the output.

The input (the text of the user messages) is screened first: blocked, the client gets the
refusal with ``finish_reason: "content_filter"`` and nothing is sent upstream; masked, the
masked messages are sent. A reply is screened whole; a streamed reply chunk by chunk through a
:class:`~assay.guard.stream.Screener`, each SSE chunk passed on with the text that may pass so
far, and cut with a refusal chunk the moment a blocked span is decided. An upstream error is
passed on as an error (its status and body), never as a refusal.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import orjson

from assay.errors import GuardRequestError
from assay.guard.core import Decision, Guard
from assay.guard.service import Caller, GuardService
from assay.guard.stream import Screener
from assay.guard_config import UpstreamConfig
from assay.messages import t

ROUTE = "/v1/chat/completions"
DONE = b"data: [DONE]\n\n"


class Upstream:
    """The upstream endpoint: its URL, the server-side key, one aiohttp session."""

    def __init__(self, config: UpstreamConfig, key: str | None) -> None:
        self.config = config
        self.url = config.base_url.rstrip("/") + "/chat/completions"
        self.headers = {"Content-Type": "application/json"}
        if key:
            self.headers["Authorization"] = f"Bearer {key}"
        self._session: aiohttp.ClientSession | None = None

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self.config.timeout_s)
            )
        return self._session

    async def post(self, body: dict[str, Any]) -> aiohttp.ClientResponse:
        if self.config.model:
            body = {**body, "model": self.config.model}
        try:
            return await self.session.post(self.url, data=orjson.dumps(body), headers=self.headers)
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise GuardRequestError(
                502,
                t("guard.upstream_failed", "en", reason=type(exc).__name__),
                "upstream_unreachable",
            ) from None

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()


def _text_of(content: Any) -> str | None:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = [p.get("text") for p in content if isinstance(p, dict)]
        return "\n".join(p for p in parts if isinstance(p, str))
    return None


_MASKABLE = ("content", "reasoning_content", "refusal")  # plain-string fields of a reply
STREAMED_TEXT = ("content", "reasoning_content", "refusal")  # delta fields screened as they come


def _reply_texts(message: dict[str, Any]) -> dict[str, str]:
    """Each text-bearing field of a reply message, by name (tool calls' arguments joined)."""
    out: dict[str, str] = {}
    for field in _MASKABLE:
        text = _text_of(message.get(field))
        if text:
            out[field] = text
    calls = message.get("tool_calls")
    if isinstance(calls, list):
        arguments = [
            str(c.get("function", {}).get("arguments", ""))
            for c in calls
            if isinstance(c, dict) and isinstance(c.get("function"), dict)
        ]
        if any(arguments):
            out["tool_calls"] = "\n".join(arguments)
    return out


def screen_input(
    service: GuardService, guard: Guard, body: dict[str, Any], caller: Caller
) -> tuple[Decision | None, dict[str, Any]]:
    """Screen every message that holds text, whatever its role (a forged earlier assistant
    turn or a tool result is as much the caller's input as a user turn): the blocking decision
    (None when none blocks) and the body to forward (masked messages where the policy masks)."""
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise GuardRequestError(
            400, t("guard.bad_request", "en", reason="messages"), "invalid_request_error"
        )
    forwarded: list[Any] = []
    blocked: Decision | None = None
    for message in messages:
        text = _text_of(message.get("content")) if isinstance(message, dict) else None
        if not text:
            forwarded.append(message)
            continue
        decision = service.screen(guard, text, "input", ROUTE, caller)
        if decision.blocked and blocked is None:
            blocked = decision
        if decision.action == "mask":
            message = {**message, "content": decision.masked}
        forwarded.append(message)
    service.count(caller, blocked is not None)
    return blocked, {**body, "messages": forwarded}


def refusal_completion(body: dict[str, Any], decision: Decision, stage: str) -> dict[str, Any]:
    return {
        "id": f"chatcmpl-guard-{uuid.uuid4().hex}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": str(body.get("model", "")),
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": decision.refusal},
                "finish_reason": "content_filter",
            }
        ],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
        "assay_guard": {"stage": stage, "risk_ids": list(decision.risk_ids)},
    }


def _event(data: dict[str, Any]) -> bytes:
    return b"data: " + orjson.dumps(data) + b"\n\n"


async def refusal_stream(body: dict[str, Any], decision: Decision) -> AsyncIterator[bytes]:
    """A streamed refusal of the input: one chunk, then [DONE]."""
    chunk = {
        "id": f"chatcmpl-guard-{uuid.uuid4().hex}",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": str(body.get("model", "")),
        "choices": [
            {
                "index": 0,
                "delta": {"role": "assistant", "content": decision.refusal},
                "finish_reason": "content_filter",
            }
        ],
        "assay_guard": {"stage": "input", "risk_ids": list(decision.risk_ids)},
    }
    yield _event(chunk)
    yield DONE


def screen_reply(
    service: GuardService, guard: Guard, reply: dict[str, Any], caller: Caller
) -> dict[str, Any]:
    """A whole (non-streamed) reply with every text a user may see screened: the content (a
    string or a list of text parts), the reasoning shown by reasoning models, a refusal, and
    the arguments of tool calls. A block anywhere replaces the whole message."""
    stopped: list[str] = []
    for choice in reply.get("choices") or []:
        message = choice.get("message") if isinstance(choice, dict) else None
        if not isinstance(message, dict):
            continue
        decisions = {
            field: service.screen(guard, text, "output", ROUTE, caller)
            for field, text in _reply_texts(message).items()
        }
        blocked = [d for d in decisions.values() if d.blocked]
        if blocked:
            choice["message"] = {"role": "assistant", "content": blocked[0].refusal}
            choice["finish_reason"] = "content_filter"
            stopped.extend(r for d in blocked for r in d.risk_ids)
            continue
        for field, decision in decisions.items():
            if decision.action == "mask" and field in _MASKABLE:
                message[field] = decision.masked
    if stopped:
        reply["assay_guard"] = {"stage": "output", "risk_ids": sorted(set(stopped))}
    return reply


async def sse_lines(content: aiohttp.StreamReader) -> AsyncIterator[bytes]:
    """The lines of a streamed body as they arrive: one read for all the lines that came
    together, where iterating the reader awaits a read per line."""
    rest = b""
    async for data in content.iter_any():
        lines = (rest + data).split(b"\n")
        rest = lines.pop()
        for line in lines:
            yield line
    if rest:
        yield rest


class StreamRelay:
    """Relays one upstream SSE stream through a screener per choice."""

    def __init__(
        self, service: GuardService, guard: Guard, caller: Caller, response: aiohttp.ClientResponse
    ) -> None:
        self.service = service
        self.guard = guard
        self.caller = caller
        self.response = response
        self.screeners: dict[int, Screener] = {}
        self.meta: dict[str, Any] = {"object": "chat.completion.chunk"}  # the last id, model

    async def events(self) -> AsyncIterator[bytes]:
        try:
            async for raw in sse_lines(self.response.content):
                line = raw.strip()
                if not line.startswith(b"data:"):
                    continue
                payload = line[5:].strip()
                if payload == b"[DONE]":
                    tail = self._flush()
                    if tail is not None:
                        yield _event(tail)
                    yield DONE
                    return
                try:
                    chunk = orjson.loads(payload)
                except orjson.JSONDecodeError:
                    yield self._error("malformed upstream event")
                    return
                if not isinstance(chunk, dict):
                    continue
                if "error" in chunk:  # the upstream's own error event: passed on as it is
                    yield _event(chunk)
                    return
                out, finished = self._screen(chunk)
                if out is not None:
                    yield _event(out)
                if finished:
                    yield DONE
                    return
            tail = self._flush()  # the upstream closed without [DONE]
            if tail is not None:
                yield _event(tail)
        except (aiohttp.ClientError, TimeoutError) as exc:
            yield self._error(type(exc).__name__)
        finally:
            self.response.release()

    def _error(self, reason: str) -> bytes:
        message = t("guard.upstream_failed", "en", reason=reason)
        return _event(
            {"error": {"message": message, "type": "upstream_error", "code": "upstream_error"}}
        )

    def _screen(self, chunk: dict[str, Any]) -> tuple[dict[str, Any] | None, bool]:
        """The chunk to send (None: nothing to send yet) and whether the stream is over."""
        self.meta.update({k: chunk[k] for k in ("id", "created", "model") if k in chunk})
        kept: list[dict[str, Any]] = []
        for choice in chunk.get("choices") or []:
            if not isinstance(choice, dict):
                continue
            index = int(choice.get("index") or 0)
            screener = self.screeners.get(index)
            if screener is None:
                screener = self.screeners[index] = Screener(self.guard, "output")
            if screener.decision is not None:
                continue  # cut or finished: nothing more of this choice
            delta = choice.get("delta") if isinstance(choice.get("delta"), dict) else {}
            assert isinstance(delta, dict)
            content = delta.get("content")
            shown = screener.push(content) if isinstance(content, str) and content else ""
            if not screener.blocked and choice.get("finish_reason") is not None:
                shown += screener.finish()
            if screener.blocked:
                kept.append(self._cut(screener, index))
                continue
            if screener.decision is not None:
                self.service.record(self.guard, screener.decision, ROUTE, self.caller)
            if isinstance(content, str) or shown:
                delta = {**delta, "content": shown}
            choice = {**choice, "delta": delta}
            if shown or set(delta) - {"content"} or choice.get("finish_reason") is not None:
                kept.append(choice)
        over = bool(self.screeners) and all(s.blocked for s in self.screeners.values())
        if not kept and not chunk.get("usage"):
            return None, over
        return {**chunk, "choices": kept}, over

    def _cut(self, screener: Screener, index: int) -> dict[str, Any]:
        decision = screener.decision
        assert decision is not None
        self.service.record(self.guard, decision, ROUTE, self.caller)
        return {
            "index": index,
            "delta": {"content": decision.refusal},
            "finish_reason": "content_filter",
            # the headers went out with the first chunk: the cut says itself who spoke
            "assay_guard": {"stage": "output", "risk_ids": list(decision.risk_ids)},
        }

    def _flush(self) -> dict[str, Any] | None:
        """At the stream's end: the held tails of choices that never said they finished."""
        kept = []
        for index, screener in self.screeners.items():
            if screener.decision is not None:
                continue
            shown = screener.finish()
            if screener.blocked:
                kept.append(self._cut(screener, index))
                continue
            assert screener.decision is not None
            self.service.record(self.guard, screener.decision, ROUTE, self.caller)
            if shown:
                kept.append({"index": index, "delta": {"content": shown}, "finish_reason": None})
        if not kept:
            return None
        return {**self.meta, "choices": kept}
