"""``/v1/chat/completions`` with the guard's detectors beyond the keywords and classifier.

The keyword screening of :mod:`assay.guard.proxy` runs first; then, when ``guard.detectors``
names them, the guard model judges on the request path and the LLM judge is given what
passed:

* the input: every text of the messages, joined, as one user turn (one call, whatever the
  number of messages); blocked, nothing is forwarded. 7.g.1 counts it once all have judged.
* a whole reply: the text the user is shown (content, reasoning, refusal) and the arguments of
  its tool calls, as the answer to the last user message; blocked, the message is replaced by
  the refusal, as for a keyword.
* a streamed reply: judged whole when the stream ends, before ``[DONE]``; the chunk that
  finishes a choice (with the tail its screener held) waits for the verdict. What was streamed
  before cannot be called back: a block drops the finishing chunk and ends the choice with a
  refusal chunk (``finish_reason: content_filter``, ``assay_guard.detector: guard_model``).
  Clients that need the verdict before any text is shown ask without ``stream``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import orjson

from assay.guard.core import Decision, Guard
from assay.guard.detectors import MODEL, banned
from assay.guard.proxy import (
    DONE,
    ROUTE,
    StreamRelay,
    reply_texts,
    screen_input,
    screen_reply,
    text_of,
)
from assay.guard.service import Caller, GuardService


def _text(content: Any) -> str:
    return text_of(content) or ""


def input_text(body: dict[str, Any]) -> str:
    """Every text of a request's messages, joined (what the guard model judges)."""
    messages = body.get("messages")
    texts = [_text(m.get("content")) for m in messages or [] if isinstance(m, dict)]
    return "\n".join(t for t in texts if t)


def question(body: dict[str, Any]) -> str | None:
    """The last user message's text: the context a reply is judged in."""
    users = [
        m for m in body.get("messages") or [] if isinstance(m, dict) and m.get("role") == "user"
    ]
    return _text(users[-1].get("content")) or None if users else None


async def chat_input(
    service: GuardService, guard: Guard, body: dict[str, Any], caller: Caller
) -> tuple[Decision | None, dict[str, Any], bool]:
    """:func:`~assay.guard.proxy.screen_input`, then the guard model on the whole input; the
    blocking decision (None: none), the body to forward, whether anything was masked."""
    detectors = service.detectors
    if not detectors.active:
        return screen_input(service, guard, body, caller)
    blocked, forwarded, masked = screen_input(service, guard, body, caller, count=False)
    text = input_text(body)
    if blocked is None and text:
        decision = await detectors.screen(guard, Decision("input", "allow", text, masked=text))
        if decision.flagged:
            service.record(guard, decision, ROUTE, caller)
        blocked = decision if decision.blocked else None
        service.judge_later(guard, decision, ROUTE, caller, None)  # only what passed
    service.count(caller, blocked is not None and banned(blocked))
    return blocked, forwarded, masked


def _shown(message: dict[str, Any]) -> str:
    """What a reply gives the user: its content, reasoning and refusal, and the arguments of
    each tool call it makes (an agent acts on those, so the guard model reads them too)."""
    return "\n".join(reply_texts(message).values())


async def chat_reply(
    service: GuardService,
    guard: Guard,
    reply: dict[str, Any],
    caller: Caller,
    context: str | None,
) -> dict[str, Any]:
    """:func:`~assay.guard.proxy.screen_reply`, then the guard model on each choice the
    keywords let through (as the answer to ``context``)."""
    reply = screen_reply(service, guard, reply, caller)
    if not service.detectors.active:
        return reply
    stopped: list[str] = []
    for choice in reply.get("choices") or []:
        message = choice.get("message") if isinstance(choice, dict) else None
        if not isinstance(message, dict) or choice.get("finish_reason") == "content_filter":
            continue
        decision = await _judge_output(service, guard, _shown(message), caller, context)
        if decision is not None and decision.blocked:
            choice["message"] = {"role": "assistant", "content": decision.refusal}
            choice["finish_reason"] = "content_filter"
            stopped += decision.risk_ids
    if stopped:
        mark = reply.get("assay_guard")
        if isinstance(mark, dict) and mark.get("action") != "mask":
            stopped += mark.get("risk_ids") or []  # a keyword block in another choice
        reply["assay_guard"] = {
            "stage": "output",
            "detector": MODEL,
            "risk_ids": sorted(set(stopped)),
        }
    return reply


async def _judge_output(
    service: GuardService, guard: Guard, text: str, caller: Caller, context: str | None
) -> Decision | None:
    if not text:
        return None
    base = Decision("output", "allow", text, masked=text)
    decision = await service.detectors.screen(guard, base, context)
    if decision.flagged:
        service.record(guard, decision, ROUTE, caller)
    service.judge_later(guard, decision, ROUTE, caller, context)
    return decision


async def chat_stream(
    service: GuardService, guard: Guard, relay: StreamRelay, caller: Caller, context: str | None
) -> AsyncIterator[bytes]:
    """The relay's events, with the guard model's verdict on each choice that was not cut when
    the stream ends. The chunks that finish a choice (and the tail its screener held) wait for
    the verdict: a blocked choice's are dropped for a refusal chunk, so the only finish the
    client sees of it is ``content_filter``."""
    if not service.detectors.active:
        async for event in relay.events():
            yield event
        return
    held: list[bytes] = []
    async for event in relay.events():
        if event == DONE:
            break
        if _FINISH in event:
            held.append(event)
        else:
            yield event
    else:
        event = b""  # the upstream closed without [DONE]
    cuts = await _judge_stream(service, guard, relay, caller, context)
    blocked = {cut["index"] for cut in cuts}
    for waiting in held:
        kept = _without(waiting, blocked)
        if kept is not None:
            yield kept
    if cuts:
        yield b"data: " + orjson.dumps({**relay.meta, "choices": cuts}) + b"\n\n"
    if event == DONE:
        yield DONE


_FINISH = b'"finish_reason":"'  # a chunk that finishes a choice, as orjson writes it


def _without(event: bytes, indices: set[int]) -> bytes | None:
    """An SSE chunk without the choices of ``indices`` (None: nothing left to send)."""
    if not indices:
        return event
    chunk = orjson.loads(event[len(b"data: ") :])
    choices = [c for c in chunk.get("choices") or [] if c.get("index") not in indices]
    if not choices and not chunk.get("usage"):
        return None
    return b"data: " + orjson.dumps({**chunk, "choices": choices}) + b"\n\n"


async def _judge_stream(
    service: GuardService, guard: Guard, relay: StreamRelay, caller: Caller, context: str | None
) -> list[dict[str, Any]]:
    """The refusal choices for the streamed choices the guard model blocks."""
    cuts: list[dict[str, Any]] = []
    for index, screen in sorted(relay.choices.items()):
        if screen.blocked is not None:
            continue
        shown = (*screen.fields.values(), *screen.calls.values())  # tool calls' arguments too
        text = "\n".join(s.text for s in shown if s.text)
        decision = await _judge_output(service, guard, text, caller, context)
        if decision is not None and decision.blocked:
            cuts.append(
                {
                    "index": index,
                    "delta": {"content": decision.refusal},
                    "finish_reason": "content_filter",
                    "assay_guard": {
                        "stage": "output",
                        "detector": MODEL,
                        "risk_ids": list(decision.risk_ids),
                    },
                }
            )
    return cuts
