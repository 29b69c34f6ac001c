"""An OpenAI-compatible chat-completions endpoint as the target (aiohttp).

Retries transient failures (connection errors, timeouts, 429, 5xx) with exponential backoff
and full jitter, honouring ``Retry-After``; a 429 also halves the target's concurrency, which
grows back by one after every 20 successes. Anything else (4xx, a malformed body) fails at
once. The API key is read from an environment variable and never stored.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from assay.banks.models import Question
from assay.errors import ConfigError
from assay.targets.base import TargetError, TargetReply, split_reasoning
from assay.targets.blocked import BlockMatcher, BlockRule
from assay.targets.limits import AdaptiveLimit


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
    headers: dict[str, str] = Field(default_factory=dict)
    extra_body: dict[str, Any] = Field(default_factory=dict)
    timeout_s: float = Field(default=60.0, gt=0)
    concurrency: int = Field(default=16, ge=1)
    retries: int = Field(default=4, ge=0)
    backoff_s: float = Field(default=0.5, ge=0)
    max_backoff_s: float = Field(default=30.0, ge=0)
    blocked: list[BlockRule] = Field(default_factory=list)  # the service's filter replies


class OpenAITarget:
    def __init__(self, config: OpenAITargetConfig) -> None:
        self.config = config
        key = os.environ.get(config.api_key_env) if config.api_key_env else None
        self._headers = {"Content-Type": "application/json", **config.headers}
        if key:
            self._headers["Authorization"] = f"Bearer {key}"
        self._url = config.base_url.rstrip("/") + "/chat/completions"
        if not self._url.startswith(("http://", "https://")):
            raise ConfigError(
                f"target base_url {config.base_url!r} is not an http(s) URL",
                fix="write it like https://api.example.com/v1",
            )
        self.limit = AdaptiveLimit(config.concurrency)
        self.blocks = BlockMatcher(config.blocked)
        self._session: Any = None

    def spec(self) -> dict[str, Any]:
        data = self.config.model_dump(exclude={"headers"})
        data["headers"] = sorted(self.config.headers)  # names only: values may be secrets
        return data

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
        retries, backoff and concurrency limit described above; raises :class:`TargetError`."""
        body = self._body(messages)
        attempt = 0
        while True:
            try:
                async with self.limit:
                    reply = await self._post(body)
                self.limit.success()
                return reply
            except TargetError as error:
                if error.status_code == 429:
                    self.limit.throttled()
                if not error.retryable or attempt >= self.config.retries:
                    raise
                attempt += 1
                await asyncio.sleep(self._delay(attempt, error.retry_after))

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
        except TimeoutError:
            raise TargetError(
                f"timed out after {self.config.timeout_s:g} s", retryable=True
            ) from None
        except aiohttp.ClientError as exc:
            raise TargetError(
                f"connection failed: {type(exc).__name__}: {exc}", retryable=True
            ) from None
        if status != 200:
            block = self.blocks.error(status, raw)
            if block is not None:  # the service's filter answered: a reply, not an error
                return TargetReply(answer=block.message or "", status_code=status, blocked=block)
            text = raw[:200].decode("utf-8", "replace")
            raise TargetError(
                f"HTTP {status}: {text}",
                status_code=status,
                retryable=status == 429 or status >= 500,
                retry_after=retry_after,
            )
        return _parse(raw, status, self.blocks)


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None  # an HTTP date: fall back to backoff


def _parse(raw: bytes, status: int, blocks: BlockMatcher | None = None) -> TargetReply:
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
    block = blocks.reply(answer, finish if isinstance(finish, str) else None, status)
    if block is not None:
        return TargetReply(answer=answer, reasoning=thoughts, status_code=status, blocked=block)
    if not answer.strip():
        # nothing the user could read: never counted as an answer, a refusal or a qualified reply
        raise TargetError(f"empty answer (finish_reason={finish})", status_code=status)
    usage = data.get("usage") or {}
    return TargetReply(
        answer=answer,
        reasoning=thoughts,
        status_code=status,
        prompt_tokens=usage.get("prompt_tokens"),
        completion_tokens=usage.get("completion_tokens"),
    )
