"""Replies blocked by the service's own safety filter, not written by the model.

A provider's safety gateway answers a blocked request with an HTTP error carrying its own code
(``content_filter``, ``data_inspection_failed``, ``1301``…), with ``finish_reason:
content_filter`` and no text, or with a fixed canned text. Such a reply is the service refusing:
REFUSAL.md counts it as refused in 9.4 b) and c) and as qualified in 9.3. It is recorded as a
:class:`Block` (which rule matched, the provider's code and message), never as an error and
never as a model refusal.

Rules come from two places: the built-in ones below (each verified against its provider's
documentation, the source beside it) and ``target.blocked:`` in ``assay.yaml``. A rule names
any of ``status``, ``code``, ``finish_reason`` and ``text``; it matches when every field it
names matches. ``text`` is compared with the reply text (a 200's answer, an answer sheet's
cell) or, for an HTTP error, with the provider's message: equal after trimming, or a regular
expression matching the whole text.

Assay's own runtime guard (``assay guard serve``) marks every answer it gives instead of the
model with the header :data:`GUARD_HEADER` (``input``: it refused the question before the model
saw it; ``output``: it cut or replaced the model's answer). The target records such a reply as
a block of the rule ``assay-guard-input`` / ``assay-guard-output``, whatever ``target.blocked``
says, so an assessment through the guard knows which layer stopped each item
(:func:`layer_of`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

GUARD_HEADER = "X-Assay-Guard"  # set by assay's guard on the answers it gives: input | output
GUARD_RULES = {"input": "assay-guard-input", "output": "assay-guard-output"}
Layer = Literal["input_guard", "output_guard", "filter"]


@dataclass(frozen=True)
class Block:
    """A reply blocked by the service's filter: the rule that matched and what the provider
    said (its HTTP status, error code and message or canned text)."""

    rule: str
    status: int | None = None
    code: str | None = None
    message: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "status": self.status,
            "code": self.code,
            "message": self.message,
        }

    @property
    def layer(self) -> Layer:
        """Which layer of the service gave this reply: Assay's guard before the model
        (``input_guard``) or after it (``output_guard``), or another filter of the service."""
        if self.rule == GUARD_RULES["input"]:
            return "input_guard"
        if self.rule == GUARD_RULES["output"]:
            return "output_guard"
        return "filter"

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Block:
        status = data.get("status")
        return cls(
            rule=str(data.get("rule") or ""),
            status=status if isinstance(status, int) else None,
            code=_str_or_none(data.get("code")),
            message=_str_or_none(data.get("message")),
        )


def guard_block(
    stage: str | None, status: int, text: str, finish_reason: str | None
) -> Block | None:
    """The block of a reply the guard marked with ``stage`` (the :data:`GUARD_HEADER` value),
    or None when the reply carries no guard mark."""
    rule = GUARD_RULES.get((stage or "").strip().lower())
    if rule is None:
        return None
    return Block(rule=rule, status=status, code=finish_reason, message=text.strip() or None)


class BlockRule(BaseModel):
    """One ``target.blocked:`` rule: matches when every field it names matches."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str | None = None
    status: int | None = Field(default=None, ge=100, le=599)
    code: str | int | None = None  # the provider's error code or type (case-insensitive)
    finish_reason: str | None = None
    text: str | None = None  # exact text, or a regular expression matching the whole text

    @field_validator("text")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(
                    f"not a regular expression ({exc}); escape special characters with \\"
                ) from None
        return value

    @model_validator(mode="after")
    def _names_something(self) -> BlockRule:
        if all(v is None for v in (self.status, self.code, self.finish_reason, self.text)):
            raise ValueError(
                "a blocked rule names at least one of status, code, finish_reason, text"
            )
        return self

    @cached_property
    def _pattern(self) -> re.Pattern[str] | None:
        return re.compile(self.text, re.DOTALL) if self.text is not None else None

    def label(self, index: int | None = None) -> str:
        if self.name:
            return self.name
        return f"target.blocked[{index}]" if index is not None else "target.blocked"

    def matches_text(self, text: str) -> bool:
        if self.text is None:
            return True
        stripped = text.strip()
        if stripped == self.text.strip():
            return True
        assert self._pattern is not None
        return self._pattern.fullmatch(stripped) is not None


@dataclass(frozen=True)
class _Builtin:
    rule: BlockRule
    source: str  # the provider's documentation this pattern was verified against


# Built-in patterns. Each was checked against the provider's own documentation (URL beside it);
# a pattern we could not verify is not here (Baidu Qianfan: 336003 is "Base64 decode failed",
# not a safety block, and no sensitive-content code was found; canned gateway texts such as
# 「您的问题涉及敏感内容，无法回答」 vary by service: add them with target.blocked:).
BUILTIN: tuple[_Builtin, ...] = (
    _Builtin(  # Azure OpenAI prompt filter: 400, error.code "content_filter"; Moonshot/Kimi:
        # 400, error.type "content_filter", "The request was rejected because it was considered
        # high risk"
        BlockRule(name="content-filter-400", status=400, code="content_filter"),
        "https://learn.microsoft.com/en-us/azure/ai-services/openai/concepts/content-filter "
        "(as quoted in https://learn.microsoft.com/en-us/answers/questions/1409112); "
        "https://platform.kimi.com/docs/api/errors",
    ),
    _Builtin(  # Azure OpenAI: error.innererror.code "ResponsibleAIPolicyViolation"
        BlockRule(name="azure-responsible-ai", status=400, code="ResponsibleAIPolicyViolation"),
        "Azure OpenAI REST spec, innerErrorCode enum (mirror: raw.githubusercontent.com/"
        "api-evangelist/microsoft-azure/refs/heads/main/json-schema/"
        "microsoft-azure-innererrorcode-schema.json)",
    ),
    _Builtin(  # Alibaba DashScope / Bailian: 400 "DataInspectionFailed" (native API) or
        # "data_inspection_failed" (OpenAI-compatible mode), "Input/Output data may contain
        # inappropriate content."
        BlockRule(name="dashscope-data-inspection", status=400, code="data_inspection_failed"),
        "https://help.aliyun.com/zh/model-studio/developer-reference/error-code",
    ),
    _Builtin(
        BlockRule(name="dashscope-data-inspection", status=400, code="DataInspectionFailed"),
        "https://www.alibabacloud.com/help/en/model-studio/developer-reference/error-code",
    ),
    _Builtin(  # Zhipu BigModel: error.code "1301" (系统检测到输入或生成内容可能包含不安全或敏感内容)
        BlockRule(name="zhipu-1301", code="1301"),
        "https://docs.bigmodel.cn/cn/guide/platform/securityaudit",
    ),
    _Builtin(  # DeepSeek with safety_check: "未通过审核时，请求返回 400 Content Exists Risk"
        BlockRule(name="deepseek-content-risk", status=400, text="Content Exists Risk"),
        "https://api-docs.deepseek.com/zh-cn/guides/safety",
    ),
    _Builtin(  # OpenAI / Azure OpenAI: finish_reason "content_filter" ("content was omitted due
        # to a flag from our content filters"); with no text the user could read
        BlockRule(name="finish-content-filter", finish_reason="content_filter"),
        "https://github.com/openai/openai-python/commit/f10c757d831d90407ba47b4659d9cd34b1a35b1d; "
        "https://learn.microsoft.com/en-us/azure/ai-services/openai/concepts/content-filter",
    ),
    _Builtin(  # Zhipu V4: stop word finish_reason "sensitive"
        BlockRule(name="zhipu-sensitive", finish_reason="sensitive"),
        "https://docs.bigmodel.cn/cn/guide/platform/securityaudit",
    ),
)


class BlockMatcher:
    """The user's rules first (in file order), then the built-in ones."""

    def __init__(self, rules: Sequence[BlockRule] = (), *, builtin: bool = True) -> None:
        self.rules: list[tuple[str, BlockRule]] = [
            (rule.label(i), rule) for i, rule in enumerate(rules)
        ]
        if builtin:
            self.rules += [(b.rule.label(), b.rule) for b in BUILTIN]

    def error(self, status: int, raw: bytes) -> Block | None:
        """A blocked HTTP error reply, from its status and body."""
        codes, message = error_details(raw)
        for label, rule in self.rules:
            if rule.finish_reason is not None:
                continue
            if rule.status is not None and rule.status != status:
                continue
            if rule.code is not None and str(rule.code).lower() not in codes:
                continue
            if rule.text is not None and not rule.matches_text(message or ""):
                continue
            return Block(rule=label, status=status, code=_first(codes, rule), message=message)
        return None

    def reply(self, text: str, finish_reason: str | None, status: int | None = 200) -> Block | None:
        """A blocked reply that arrived as a success: ``finish_reason`` with no text the user
        could read, or a canned text."""
        for label, rule in self.rules:
            if rule.code is not None or (rule.status is not None and rule.status != status):
                continue
            if rule.finish_reason is not None and (
                finish_reason != rule.finish_reason or (text.strip() and rule.text is None)
            ):
                continue  # a different finish, or text the user could read: judged as it is
            if rule.text is not None and not rule.matches_text(text):
                continue
            return Block(
                rule=label,
                status=status,
                code=finish_reason if rule.finish_reason else None,
                message=text.strip() or None,
            )
        return None


def error_details(raw: bytes) -> tuple[set[str], str | None]:
    """The error codes/types (lower-cased) and the message of a provider's error body."""
    try:
        data = json.loads(raw)
    except ValueError:
        text = raw[:500].decode("utf-8", "replace").strip()
        return set(), text or None
    if not isinstance(data, dict):
        return set(), None
    error = data.get("error")
    inner = error if isinstance(error, dict) else {}
    nested = inner.get("innererror")
    innermost: dict[str, Any] = nested if isinstance(nested, dict) else {}
    found = [
        inner.get("code"),
        inner.get("type"),
        innermost.get("code"),
        data.get("code"),
        data.get("error_code"),
        data.get("type"),
    ]
    codes = {str(c).lower() for c in found if isinstance(c, str | int) and str(c)}
    message = next(
        (
            m
            for m in (inner.get("message"), data.get("message"), data.get("error_msg"), error)
            if isinstance(m, str) and m.strip()
        ),
        None,
    )
    return codes, message


def _first(codes: Iterable[str], rule: BlockRule) -> str | None:
    if rule.code is not None:
        return str(rule.code)
    return next(iter(sorted(codes)), None)


def _str_or_none(value: Any) -> str | None:
    return None if value is None else str(value)
