"""``POST /v1/chat/completions``: screen the input, forward it upstream, screen the output.

The input (the text of the user messages) is screened first: blocked, the client gets the
refusal with ``finish_reason: "content_filter"`` and nothing is sent upstream; masked, the
masked messages are sent. A reply is screened whole; a streamed reply chunk by chunk through a
:class:`~assay.guard.stream.Screener`, each SSE chunk passed on with the text that may pass so
far, and cut with a refusal chunk the moment a blocked span is decided. Every text a user may
see is screened, each field with its own screener: the content, the reasoning shown by
reasoning models (``reasoning_content``), a refusal, and each tool call's arguments. An
upstream error is passed on as an error with its status, never as a refusal, but never with
its body: what an upstream says about itself (its internals, a key) stays on the server; the
client gets an OpenAI-shaped error with a message of ours.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import orjson

from assay.errors import GuardRequestError
from assay.guard.choice import ChoiceScreen
from assay.guard.core import Decision, Guard
from assay.guard.service import Caller, GuardService
from assay.guard_config import UpstreamConfig
from assay.messages import t

ROUTE = "/v1/chat/completions"
DONE = b"data: [DONE]\n\n"
# the upstream's error codes a client may act on, passed on; any other code is left out
PUBLIC_CODES = frozenset(
    {"context_length_exceeded", "rate_limit_exceeded", "model_not_found", "content_filter"}
)
# the upstream refusing the guard's own key is the guard's failure, not the client's
_UPSTREAM_AUTH = frozenset({401, 403, 407})


def _public_code(data: bytes | dict[str, Any]) -> str | None:
    try:
        body = orjson.loads(data) if isinstance(data, bytes) else data
    except orjson.JSONDecodeError:
        return None
    error = body.get("error") if isinstance(body, dict) else None
    code = error.get("code") if isinstance(error, dict) else None
    return code if isinstance(code, str) and code in PUBLIC_CODES else None


def upstream_error(
    status: int, data: bytes, retry_after: str | None = None
) -> tuple[int, dict[str, Any], dict[str, str]]:
    """What the client gets for an upstream's error reply (``status``, body ``data``): the
    status (502 for the upstream refusing the guard's key), an OpenAI-shaped error body with a
    message of ours and only a public error code, and a numeric ``Retry-After`` passed on."""
    code = _public_code(data) or "upstream_error"
    shown = 502 if status in _UPSTREAM_AUTH else status
    body = {
        "error": {
            "message": t("guard.upstream_error", "en", status=status),
            "type": "upstream_error",
            "param": None,
            "code": code,
        }
    }
    headers = {"Retry-After": retry_after} if retry_after and retry_after.isdigit() else {}
    return shown, body, headers


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


def text_of(content: Any) -> str | None:
    """The text of a message's content: a string, or its text parts joined."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = [p.get("text") for p in content if isinstance(p, dict)]
        return "\n".join(p for p in parts if isinstance(p, str))
    return None


_MASKABLE = ("content", "reasoning_content", "refusal")  # plain-string fields of a reply


def reply_texts(message: dict[str, Any]) -> dict[str | int, str]:
    """Each text-bearing field of a reply message, by name, and each tool call's arguments,
    by the call's position."""
    out: dict[str | int, str] = {}
    for field in _MASKABLE:
        text = text_of(message.get(field))
        if text:
            out[field] = text
    calls = message.get("tool_calls")
    for i, call in enumerate(calls if isinstance(calls, list) else []):
        function = call.get("function") if isinstance(call, dict) else None
        arguments = function.get("arguments") if isinstance(function, dict) else None
        if isinstance(arguments, str) and arguments:
            out[i] = arguments
    return out


def _mask(message: dict[str, Any], key: str | int, masked: str) -> None:
    if isinstance(key, str):
        message[key] = masked
        return
    call = message["tool_calls"][key]
    message["tool_calls"][key] = {**call, "function": {**call["function"], "arguments": masked}}


def screen_input(
    service: GuardService, guard: Guard, body: dict[str, Any], caller: Caller, *, count: bool = True
) -> tuple[Decision | None, dict[str, Any], bool]:
    """Screen every message that holds text, whatever its role (a forged earlier assistant
    turn or a tool result is as much the caller's input as a user turn): the blocking decision
    (None when none blocks), the body to forward (masked messages where the policy masks) and
    whether any message was masked. ``count``: count the input for 7.g.1 here (the caller
    counts it when more detectors are to judge it)."""
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise GuardRequestError(
            400, t("guard.bad_request", "en", reason="messages"), "invalid_request_error"
        )
    forwarded: list[Any] = []
    blocked: Decision | None = None
    masked = False
    for message in messages:
        text = text_of(message.get("content")) if isinstance(message, dict) else None
        if not text:
            forwarded.append(message)
            continue
        decision = service.screen(guard, text, "input", ROUTE, caller)
        if decision.blocked and blocked is None:
            blocked = decision
        if decision.action == "mask":
            message = {**message, "content": decision.masked}
            masked = True
        forwarded.append(message)
    if count:
        service.count(caller, blocked is not None)
    return blocked, {**body, "messages": forwarded}, masked


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
    the arguments of each tool call. A block anywhere replaces the whole message; a masked
    text is replaced by its masked form. Either way the reply says so (``assay_guard``)."""
    stopped: list[str] = []
    masked: list[str] = []
    for choice in reply.get("choices") or []:
        message = choice.get("message") if isinstance(choice, dict) else None
        if not isinstance(message, dict):
            continue
        decisions = {
            key: service.screen(guard, text, "output", ROUTE, caller)
            for key, text in reply_texts(message).items()
        }
        blocked = [d for d in decisions.values() if d.blocked]
        if blocked:
            choice["message"] = {"role": "assistant", "content": blocked[0].refusal}
            choice["finish_reason"] = "content_filter"
            stopped.extend(r for d in blocked for r in d.risk_ids)
            continue
        for key, decision in decisions.items():
            if decision.action == "mask":
                _mask(message, key, decision.masked)
                masked.extend(decision.risk_ids)
    if stopped:
        reply["assay_guard"] = {"stage": "output", "risk_ids": sorted(set(stopped))}
    elif masked:
        reply["assay_guard"] = {
            "stage": "output",
            "action": "mask",
            "risk_ids": sorted(set(masked)),
        }
    return reply


def guard_mark(reply: dict[str, Any]) -> str | None:
    """The :data:`~assay.targets.blocked.GUARD_HEADER` value of a screened reply: ``output``
    when the guard replaced the model's answer, ``output-mask`` when it hid parts of it."""
    mark = reply.get("assay_guard")
    if not isinstance(mark, dict):
        return None
    return "output-mask" if mark.get("action") == "mask" else "output"


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
        self.choices: dict[int, ChoiceScreen] = {}
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
                if "error" in chunk:  # the upstream's own error event: passed on as ours
                    yield self._error_event(_public_code(chunk))
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

    def _error_event(self, code: str | None) -> bytes:
        message = t("guard.upstream_stream_error", "en")
        error = {"message": message, "type": "upstream_error", "code": code or "upstream_error"}
        return _event({"error": error})

    def _screen(self, chunk: dict[str, Any]) -> tuple[dict[str, Any] | None, bool]:
        """The chunk to send (None: nothing to send yet) and whether the stream is over."""
        self.meta.update({k: chunk[k] for k in ("id", "created", "model") if k in chunk})
        kept: list[dict[str, Any]] = []
        for choice in chunk.get("choices") or []:
            if not isinstance(choice, dict):
                continue
            index = int(choice.get("index") or 0)
            screen = self.choices.get(index)
            if screen is None:
                screen = self.choices[index] = ChoiceScreen(self.guard)
            if screen.done:
                continue  # cut or finished: nothing more of this choice
            given = choice.get("delta")
            delta, says = screen.delta(given if isinstance(given, dict) else {})
            finish = choice.get("finish_reason")
            if screen.blocked is None and finish is not None:
                delta = _merge(delta, screen.finish())
                says = True
            if screen.blocked is not None:
                kept.append(self._cut(screen.blocked, index))
                continue
            if screen.finished:
                choice = {**choice, **self._record(screen)}
            if says:
                kept.append({**choice, "delta": delta})
        over = bool(self.choices) and all(c.blocked is not None for c in self.choices.values())
        if not kept and not chunk.get("usage"):
            return None, over
        return {**chunk, "choices": kept}, over

    def _record(self, screen: ChoiceScreen) -> dict[str, Any]:
        """Count and log a finished choice's decisions; the mark its last chunk carries when
        words were masked (the headers went out before)."""
        for decision in screen.decisions():
            self.service.record(self.guard, decision, ROUTE, self.caller)
        masked = screen.masked()
        if not masked:
            return {}
        return {"assay_guard": {"stage": "output", "action": "mask", "risk_ids": masked}}

    def _cut(self, decision: Decision, index: int) -> dict[str, Any]:
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
        for index, screen in self.choices.items():
            if screen.done:
                continue
            delta = screen.finish()
            if screen.blocked is not None:
                kept.append(self._cut(screen.blocked, index))
                continue
            mark = self._record(screen)
            if delta or mark:
                kept.append({"index": index, "delta": delta, "finish_reason": None, **mark})
        if not kept:
            return None
        return {**self.meta, "choices": kept}


def _merge(delta: dict[str, Any], tail: dict[str, Any]) -> dict[str, Any]:
    """``delta`` followed by the held ``tail`` of its fields, as one delta."""
    out = dict(delta)
    for field, text in tail.items():
        if field != "tool_calls":
            out[field] = (out.get(field) or "") + text
            continue
        calls = list(out.get("tool_calls") or [])
        for call in text:
            same = [i for i, c in enumerate(calls) if c.get("index") == call["index"]]
            if not same:
                calls.append(call)
                continue
            old = calls[same[-1]]
            function = dict(old.get("function") or {})
            function["arguments"] = (function.get("arguments") or "") + call["function"][
                "arguments"
            ]
            calls[same[-1]] = {**old, "function": function}
        out["tool_calls"] = calls
    return out
