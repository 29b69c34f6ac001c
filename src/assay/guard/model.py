"""A guard model behind an OpenAI-compatible endpoint, asked on the request path.

The model (Qwen3Guard-Gen, Llama Guard 3) is served by vLLM, SGLang or any server that applies
the model's own chat template, which carries its policy: the guard sends the conversation (the
input as the user turn; an output as the assistant turn after its question) and reads the
model's answer in the model's own output format (:mod:`assay.judges.guard_formats`, the same
parser the assessment's guard judge uses). :meth:`GuardModel.read` returns what the model said
or why it could not be read; it never raises for an endpoint's failure, and never turns a
failure into a clean verdict: the caller applies ``on_error``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import aiohttp
import orjson

from assay.errors import ConfigError
from assay.guard_config import GuardModelConfig
from assay.judges.guard_formats import FORMATS, GuardFormat, GuardReading
from assay.messages import t


@dataclass(frozen=True, slots=True)
class ModelAnswer:
    """The model's reading of one text, or ``error`` (why there is none)."""

    reading: GuardReading | None = None
    risk_ids: tuple[str, ...] = ()
    error: str = ""


class GuardModel:
    """One endpoint, one aiohttp session (opened at the first request)."""

    def __init__(self, config: GuardModelConfig) -> None:
        self.config = config
        self.format: GuardFormat = FORMATS[config.format](config.categories)
        self.url = config.base_url.rstrip("/") + "/chat/completions"
        self.headers = {"Content-Type": "application/json"}
        if config.api_key_env:
            key = os.environ.get(config.api_key_env)
            if not key:
                raise ConfigError(t("guard.no_model_key", "en", env=config.api_key_env))
            self.headers["Authorization"] = f"Bearer {key}"
        self._session: aiohttp.ClientSession | None = None

    @property
    def name(self) -> str:
        return self.format.name

    def _body(self, text: str, context: str | None) -> bytes:
        messages = [{"role": "user", "content": text}]
        if context is not None:
            messages = [
                {"role": "user", "content": context},
                {"role": "assistant", "content": text},
            ]
        body = {
            "model": self.config.model,
            "messages": messages,
            "temperature": 0,
            "max_tokens": self.format.max_new_tokens,
        }
        return orjson.dumps(body)

    async def read(self, text: str, context: str | None = None) -> ModelAnswer:
        """The model's verdict on ``text`` (an answer to ``context`` when given)."""
        if self._session is None:
            timeout = aiohttp.ClientTimeout(total=self.config.timeout_s)
            self._session = aiohttp.ClientSession(timeout=timeout)
        try:
            async with self._session.post(
                self.url, data=self._body(text, context), headers=self.headers
            ) as response:
                data = await response.read()
                status = response.status
        except (aiohttp.ClientError, TimeoutError) as exc:
            return ModelAnswer(error=type(exc).__name__)
        if status != 200:
            return ModelAnswer(error=f"HTTP {status}")
        content = _content(data)
        if content is None:
            return ModelAnswer(error="not a chat completion")
        reading = self.format.parse(content)
        if reading.label is None:
            return ModelAnswer(error="unreadable verdict")
        risks, _ = self.format.risk_ids(reading.categories)
        return ModelAnswer(reading, risks)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


def _content(data: bytes) -> str | None:
    try:
        body = orjson.loads(data)
        content = body["choices"][0]["message"]["content"]
    except (orjson.JSONDecodeError, KeyError, IndexError, TypeError):
        return None
    return content if isinstance(content, str) else None
