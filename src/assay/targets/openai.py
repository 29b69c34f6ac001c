"""An OpenAI-compatible chat-completions endpoint as the target (aiohttp).

Retries transient failures (connection errors, timeouts, 429, 5xx) with exponential backoff
and full jitter, honouring ``Retry-After``; a 429 also halves the target's concurrency, which
grows back by one after every 20 successes. Anything else (4xx, a malformed body) fails at
once. The API key is read from an environment variable and never stored; credentials inside
``base_url`` are masked (:func:`assay.redact.redact_url`) in the spec and in every message.

Under ``assay run`` the run's budget and concurrency govern (:meth:`OpenAITarget.meter`): every
attempt, retries included, is reserved from the budget before it is sent and billed with the
tokens its reply reports, an error's included. A ``usage`` that cannot be read (a string, a
list) never costs the answer: it is kept with the problem noted.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
from dataclasses import dataclass, replace
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit

from pydantic import BaseModel, ConfigDict, Field, model_validator

from assay.banks.models import Question
from assay.errors import ConfigError, NotSentError, TargetError
from assay.redact import MASK, redact_text, redact_url
from assay.targets.base import TargetReply, split_reasoning
from assay.targets.blocked import (
    GUARD_HEADER,
    BlockMatcher,
    BlockRule,
    error_details,
    guard_block,
)
from assay.targets.limits import AdaptiveLimit, Budget

DEFAULT_CONCURRENCY = 16


class OpenAITargetConfig(BaseModel):
    """``target:`` in ``assay.yaml`` for an OpenAI-compatible endpoint."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["openai"] = "openai"
    base_url: str
    model: str
    api_key_env: str | None = "OPENAI_API_KEY"
    system_prompt: str | None = None
    temperature: float | None = Field(default=None, ge=0, le=2)
    max_tokens: int | None = Field(default=None, ge=1)
    # sent as max_completion_tokens instead, for endpoints that want it (OpenAI o-series...)
    max_completion_tokens: int | None = Field(default=None, ge=1)
    headers: dict[str, str] = Field(default_factory=dict)
    extra_body: dict[str, Any] = Field(default_factory=dict)
    timeout_s: float = Field(default=60.0, gt=0)
    # requests in flight when used on its own (the LLM judge); assay run uses the run's
    # concurrency (run.concurrency / --concurrency) instead
    concurrency: int | None = Field(default=None, ge=1)
    retries: int = Field(default=4, ge=0)
    backoff_s: float = Field(default=0.5, ge=0)
    max_backoff_s: float = Field(default=30.0, ge=0)
    blocked: list[BlockRule] = Field(default_factory=list)  # the service's filter replies

    @model_validator(mode="after")
    def _one_token_limit(self) -> OpenAITargetConfig:
        if self.max_tokens is not None and self.max_completion_tokens is not None:
            raise ValueError("give max_tokens or max_completion_tokens, not both")
        return self

    def public(self) -> dict[str, Any]:
        """The config as the run store keeps it: header names only (their values may be
        secrets), credentials in the URL masked. The API key is never in it (only the name
        of its variable)."""
        data = self.model_dump(mode="json", exclude={"headers"})
        data["headers"] = sorted(self.headers)
        data["base_url"] = redact_url(self.base_url)
        return data

    @classmethod
    def restore(cls, stored: dict[str, Any], own: BaseModel | None, run: str) -> dict[str, Any]:
        """The fields of a stored config with the secrets the store left out (header values,
        credentials in ``base_url``) taken from ``own``, the project's target; raises
        :class:`ConfigError` when ``own`` does not have them."""
        mine = own if isinstance(own, OpenAITargetConfig) else None
        data = dict(stored)
        names = data.get("headers") or []
        missing = [n for n in names if mine is None or n not in mine.headers]
        if missing:
            raise ConfigError(
                f"{run} was asked with the header(s) {', '.join(missing)}, whose values were "
                "not stored",
                fix="put the same target, with its headers, in assay.yaml and try again",
            )
        data["headers"] = {n: mine.headers[n] for n in names} if mine else {}
        url = str(data.get("base_url", ""))
        if mine is not None and redact_url(mine.base_url) == url:
            data["base_url"] = mine.base_url  # the stored one had its credentials masked
        elif MASK in url:
            raise ConfigError(
                f"{run} was asked at a base_url with credentials, which were not stored",
                fix="put the same target (with its base_url) in assay.yaml and try again",
            )
        return data


class OpenAITarget:
    def __init__(self, config: OpenAITargetConfig) -> None:
        self.config = config
        key = os.environ.get(config.api_key_env) if config.api_key_env else None
        self._headers = {"Content-Type": "application/json", **config.headers}
        if key:
            self._headers["Authorization"] = f"Bearer {key}"
        self._url = _endpoint(config.base_url)
        if not self._url.startswith(("http://", "https://")):
            raise ConfigError(
                f"target base_url {redact_url(config.base_url)!r} is not an http(s) URL",
                fix="write it like https://api.example.com/v1",
            )
        self.limit = AdaptiveLimit(config.concurrency or DEFAULT_CONCURRENCY)
        self.budget = Budget()
        self.blocks = BlockMatcher(config.blocked)
        self._session: Any = None

    def spec(self) -> dict[str, Any]:
        """The config without secrets (:meth:`OpenAITargetConfig.public`)."""
        return self.config.public()

    def meter(self, budget: Budget, concurrency: int) -> None:
        """Take the run's budget and its concurrency (requests in flight)."""
        self.budget = budget
        self.limit.resize(concurrency)

    async def _client(self) -> Any:
        if self._session is None:
            import aiohttp

            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=0, limit_per_host=0, ttl_dns_cache=300),
                timeout=aiohttp.ClientTimeout(total=self.config.timeout_s),
                headers=self._headers,
            )
        return self._session

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def reply(self, question: Question) -> TargetReply:
        return await self.complete([{"role": "user", "content": question.text}])

    async def complete(self, messages: list[dict[str, str]]) -> TargetReply:
        """One chat completion for ``messages`` (after the configured system prompt), with the
        retries, backoff and concurrency limit described above; raises :class:`TargetError`,
        or :class:`~assay.errors.NotSentError` when the budget let nothing be sent."""
        body = self._body(messages)
        spent = _Spent()
        last: TargetError | None = None
        attempt = 0
        while True:
            try:
                reply = await self._attempt(body, spent)
            except NotSentError as stop:
                if last is None:
                    raise
                raise spent.onto(last, f" (not retried: {stop.message})") from None
            except TargetError as error:
                if error.status_code == 429:
                    self.limit.throttled()
                if not error.retryable or attempt >= self.config.retries:
                    raise spent.onto(error) from None
                last = error
                attempt += 1
                await asyncio.sleep(self._delay(attempt, error.retry_after))
                continue
            self.limit.success()
            return spent.reply(reply)

    async def _attempt(self, body: dict[str, Any], spent: _Spent) -> TargetReply:
        """One HTTP attempt, reserved from the budget first and billed after."""
        async with self.limit:
            ticket = await self.budget.reserve()
            if ticket is None:
                raise NotSentError(self.budget.halted or "the spend cap was reached")
            tokens, unmetered = 0, False
            try:
                reply = await self._post(body)
                tokens = spent.add(reply.prompt_tokens, reply.completion_tokens)
                unmetered = reply.blocked is None and (
                    reply.usage_problem is not None
                    or (reply.prompt_tokens is None and reply.completion_tokens is None)
                )
                return reply
            except TargetError as error:
                tokens = spent.add(error.prompt_tokens, error.completion_tokens)
                raise
            finally:
                await self.budget.settle(ticket, tokens, unmetered=unmetered)

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, self.config.max_backoff_s)
        ceiling = min(self.config.max_backoff_s, self.config.backoff_s * 2 ** (attempt - 1))
        return random.uniform(0, ceiling)  # full jitter

    def _body(self, messages: list[dict[str, str]]) -> dict[str, Any]:
        if self.config.system_prompt:
            messages = [{"role": "system", "content": self.config.system_prompt}, *messages]
        body: dict[str, Any] = {"model": self.config.model, "messages": messages}
        if self.config.temperature is not None:
            body["temperature"] = self.config.temperature
        if self.config.max_tokens is not None:
            body["max_tokens"] = self.config.max_tokens
        if self.config.max_completion_tokens is not None:
            body["max_completion_tokens"] = self.config.max_completion_tokens
        body.update(self.config.extra_body)
        return body

    async def _post(self, body: dict[str, Any]) -> TargetReply:
        import aiohttp

        session = await self._client()
        try:
            async with session.post(self._url, json=body) as response:
                raw = await response.read()
                status = response.status
                retry_after = _retry_after(response.headers.get("Retry-After"))
                guarded = response.headers.get(GUARD_HEADER)
        except TimeoutError:
            raise TargetError(
                f"timed out after {self.config.timeout_s:g} s", retryable=True
            ) from None
        except aiohttp.ClientError as exc:
            reason = redact_text(f"connection failed: {type(exc).__name__}: {exc}", self._url)
            raise TargetError(reason, retryable=True) from None
        if status != 200:
            _, said = error_details(raw)
            block = guard_block(guarded, status, said or "", None) or self.blocks.error(status, raw)
            if block is not None:  # the service's filter answered: a reply, not an error
                return TargetReply(answer=block.message or "", status_code=status, blocked=block)
            text = redact_text(raw[:200].decode("utf-8", "replace"), self._url)
            _, message = error_details(raw)
            raise TargetError(
                f"HTTP {status}: {text}",
                status_code=status,
                retryable=status == 429 or status >= 500,
                retry_after=retry_after,
                server_message=redact_text(message[:300], self._url) if message else None,
            )
        return _parse(raw, status, self.blocks, guarded)


def _endpoint(base_url: str) -> str:
    """The chat-completions URL under ``base_url``, keeping its query (``?api-version=…``)."""
    parts = urlsplit(base_url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/chat/completions"))


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None  # an HTTP date: fall back to backoff


def _parse(
    raw: bytes, status: int, blocks: BlockMatcher | None = None, guarded: str | None = None
) -> TargetReply:
    """A 200 reply read; ``guarded``: the :data:`GUARD_HEADER` it came with (Assay's guard
    answered instead of the model: a block of the guard's rule, whatever the text)."""
    blocks = blocks or BlockMatcher()
    try:
        data = json.loads(raw)
        message = data["choices"][0]["message"]
        content = message.get("content") or ""
        if not isinstance(content, str):
            raise TypeError("content is not a string")
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        block = blocks.error(status, raw)  # a gateway's error body sent with HTTP 200
        if block is not None:
            return TargetReply(answer=block.message or "", status_code=status, blocked=block)
        snippet = raw[:120].decode("utf-8", "replace")
        raise TargetError(
            f"malformed response ({type(exc).__name__}): {snippet}", status_code=status
        ) from None
    refusal = message.get("refusal")
    if not content.strip() and isinstance(refusal, str) and refusal.strip():
        content = refusal  # the API's own refusal field: the answer the user saw
    reasoning = message.get("reasoning_content") or message.get("reasoning")
    answer, thoughts = split_reasoning(content, reasoning if isinstance(reasoning, str) else None)
    finish = data["choices"][0].get("finish_reason")
    finish = finish if isinstance(finish, str) else None
    block = guard_block(guarded, status, answer, finish) or blocks.reply(answer, finish, status)
    if block is not None:
        return TargetReply(answer=answer, reasoning=thoughts, status_code=status, blocked=block)
    usage = read_usage(data)
    if not answer.strip():
        # nothing the user could read: never counted as an answer, a refusal or a qualified
        # reply; its tokens were billed all the same
        raise TargetError(
            f"empty answer (finish_reason={finish})",
            status_code=status,
            prompt_tokens=usage.prompt_tokens,
            completion_tokens=usage.completion_tokens,
        )
    return TargetReply(
        answer=answer,
        reasoning=thoughts,
        status_code=status,
        prompt_tokens=usage.prompt_tokens,
        completion_tokens=usage.completion_tokens,
        usage_problem=usage.problem,
    )


@dataclass(frozen=True)
class Usage:
    """The tokens a reply reports, and what was wrong with its ``usage`` if anything."""

    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    problem: str | None = None


def read_usage(data: Any) -> Usage:
    """``usage`` of a chat completion, read leniently: a count written as a string of digits
    is taken, anything else unreadable is left out and named in ``problem``."""
    usage = data.get("usage") if isinstance(data, dict) else None
    if usage is None:
        return Usage()
    if not isinstance(usage, dict):
        return Usage(problem=f"usage is a {type(usage).__name__}, not an object")
    counts: dict[str, int | None] = {}
    problems: list[str] = []
    for name in ("prompt_tokens", "completion_tokens"):
        value = usage.get(name)
        if value is None or (isinstance(value, int) and not isinstance(value, bool)):
            counts[name] = value if value is None or value >= 0 else None
            if value is not None and value < 0:
                problems.append(f"{name} is negative ({value})")
        elif isinstance(value, str) and value.strip().isdigit():
            counts[name] = int(value.strip())
            problems.append(f"{name} is the string {value[:20]!r}")
        elif isinstance(value, float) and value.is_integer() and value >= 0:
            counts[name] = int(value)
        else:
            counts[name] = None
            problems.append(f"{name} is {type(value).__name__} {str(value)[:20]!r}")
    return Usage(
        prompt_tokens=counts["prompt_tokens"],
        completion_tokens=counts["completion_tokens"],
        problem="; ".join(problems) or None,
    )


class _Spent:
    """The tokens the attempts of one completion billed, together."""

    def __init__(self) -> None:
        self.prompt: int | None = None
        self.completion: int | None = None

    def add(self, prompt: int | None, completion: int | None) -> int:
        if prompt is not None:
            self.prompt = (self.prompt or 0) + prompt
        if completion is not None:
            self.completion = (self.completion or 0) + completion
        return (prompt or 0) + (completion or 0)

    def reply(self, reply: TargetReply) -> TargetReply:
        return replace(reply, prompt_tokens=self.prompt, completion_tokens=self.completion)

    def onto(self, error: TargetError, suffix: str = "") -> TargetError:
        return TargetError(
            error.reason + suffix,
            status_code=error.status_code,
            prompt_tokens=self.prompt,
            completion_tokens=self.completion,
            server_message=error.server_message,
        )
