"""The guard service's work, apart from HTTP: who is calling, screening, 7.g.1, logging.

:class:`GuardService` holds the :class:`Guard` in force (swapped whole by a reload: a request
reads it once and finishes on it), the abuse tracker, the metrics and the client keys. The
routes (:mod:`assay.guard.app`) and the proxy (:mod:`assay.guard.proxy`) call it.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import orjson

from assay.errors import ConfigError, GuardRequestError
from assay.guard.abuse import AbuseTracker
from assay.guard.core import Decision, Guard
from assay.guard.detectors import Detectors, Pending
from assay.guard.metrics import Metrics
from assay.guard.ratelimit import RateLimiter
from assay.guard_config import Direction, GuardConfig
from assay.messages import t

log = logging.getLogger("assay.guard.decisions")


@dataclass(frozen=True)
class Caller:
    """Who sent a request: ``user`` is what 7.g.1 counts (the key's digest, and the request's
    ``user`` field when given, else the client's address)."""

    user: str
    lang: str = "en"


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def client_keys(config: GuardConfig) -> frozenset[str]:
    """The digests of the client keys named by ``guard.api_keys_env`` (comma-separated)."""
    if not config.api_keys_env:
        return frozenset()
    raw = os.environ.get(config.api_keys_env, "")
    keys = frozenset(key_digest(k.strip()) for k in raw.split(",") if k.strip())
    if not keys:  # a misspelt or empty variable must not leave the guard open to anyone
        raise ConfigError(
            t("guard.no_client_keys", "en", env=config.api_keys_env),
            fix=t("guard.no_client_keys_fix", "en", env=config.api_keys_env),
        )
    return keys


async def read_limited(declared: str | None, parts: AsyncIterator[bytes], limit: int) -> bytes:
    """A request's body from its ``parts``, refused (413) when larger than ``limit`` bytes: by
    its ``declared`` length (the Content-Length header) before any of it is read, else as soon
    as what was read grows past it (a chunked body, a length that lied)."""
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    chunks: list[bytes] = []
    size = 0
    async for part in parts:
        size += len(part)
        if size > limit:
            raise _too_large(limit)
        if part:
            chunks.append(part)
    return b"".join(chunks)


def _too_large(limit: int) -> GuardRequestError:
    message = t("guard.too_large", "en", limit=limit)
    return GuardRequestError(413, message, "request_too_large", kind="invalid_request_error")


class GuardService:
    """State shared by every request."""

    def __init__(
        self,
        guard: Guard,
        tracker: AbuseTracker | None,
        *,
        keys: frozenset[str] = frozenset(),
        metrics: Metrics | None = None,
        on_reload: Callable[[Guard], None] | None = None,
        limiter: RateLimiter | None = None,
        detectors: Detectors | None = None,
    ) -> None:
        self.guard = guard
        self.tracker = tracker
        self.keys = keys
        self.limiter = limiter
        self.metrics = metrics or Metrics()
        self.on_reload = on_reload
        self.detectors = detectors or Detectors(guard.config)  # guard model, LLM judge

    def swap(self, guard: Guard) -> None:
        """Put a newly built guard in force (requests in flight finish on the old one)."""
        self.guard = guard
        self.metrics.reloads["ok"] += 1
        if self.on_reload is not None:
            self.on_reload(guard)

    # -- callers -------------------------------------------------------------------------

    def client(self, authorization: str | None, address: str) -> str:
        """The client of a request (``key:<digest prefix>``, else ``ip:<address>``), after its
        key is checked (when keys are set) and its rate (when limited): read from the headers
        alone, before the body."""
        key = ""
        if authorization and authorization[:7].lower() == "bearer ":
            key = authorization[7:].strip()
        digest = key_digest(key) if key else ""
        if self.keys and digest not in self.keys:
            raise GuardRequestError(401, t("guard.unauthorized", "en"), "invalid_api_key")
        client = f"key:{digest[:16]}" if digest else f"ip:{address}"
        if self.limiter is not None:
            wait = self.limiter.take(client)
            if wait > 0.0:
                self.metrics.rate_limited += 1
                raise GuardRequestError(
                    429,
                    t("guard.rate_limited", "en"),
                    "rate_limit_exceeded",
                    kind="requests",
                    headers={"Retry-After": str(max(1, math.ceil(wait)))},
                )
        return client

    def caller(self, client: str, body_user: Any) -> Caller:
        """The caller of a request of ``client``: with the body's ``user`` field, when given."""
        if isinstance(body_user, str) and body_user:
            return Caller(f"{client}/user:{body_user[:200]}")
        return Caller(client)

    def admit(self, caller: Caller) -> None:
        """Refuse a suspended user (7.g.1) before anything is screened."""
        if self.tracker is None:
            return
        until = self.tracker.suspended_until(caller.user)
        if until is not None:
            moment = until.astimezone(self.tracker.zone).strftime("%Y-%m-%d %H:%M:%S %Z")
            lang = "zh" if self.guard.config.lang == "zh" else "en"
            raise GuardRequestError(403, t("guard.suspended", lang, until=moment), "user_suspended")

    def count(self, caller: Caller, banned: bool) -> None:
        """Count one screened input of the caller for 7.g.1."""
        if self.tracker is None:
            return
        suspension = self.tracker.record(caller.user, banned)
        if suspension is not None:
            self.metrics.suspensions += 1
            log.warning(
                orjson.dumps(
                    {
                        "event": "suspended",
                        "user": caller.user,
                        "reason": suspension.reason,
                        "until": suspension.until.isoformat(),
                    }
                ).decode()
            )

    # -- screening -----------------------------------------------------------------------

    def screen(
        self, guard: Guard, text: str, direction: Direction, route: str, caller: Caller
    ) -> Decision:
        decision = guard.check(text, direction)
        self.record(guard, decision, route, caller)
        return decision

    async def ascreen(
        self,
        guard: Guard,
        text: str,
        direction: Direction,
        route: str,
        caller: Caller,
        context: str | None = None,
    ) -> Decision:
        """:meth:`screen` with the guard model on the request path and the LLM judge after
        (a text that passed is queued for it); without them, :meth:`screen` itself."""
        if not self.detectors.active:
            return self.screen(guard, text, direction, route, caller)
        decision = await self.detectors.screen(guard, guard.check(text, direction), context)
        self.judge_later(guard, decision, route, caller, context)
        self.record(guard, decision, route, caller)
        return decision

    def judge_later(
        self, guard: Guard, decision: Decision, route: str, caller: Caller, context: str | None
    ) -> None:
        """Queue a text that passed for the LLM judge (flag-only, off the request path)."""
        if decision.blocked:
            return
        pending = Pending(
            decision.direction,
            route,
            caller.user,
            decision.text,
            context,
            guard.version,
            guard.config.log_text,
        )
        self.detectors.submit(pending)

    def record(self, guard: Guard, decision: Decision, route: str, caller: Caller) -> None:
        """Count and log one decision: a JSON line, the text only when ``guard.log_text``."""
        self.metrics.decision(decision.direction, decision.action, decision.risk_ids)
        if not log.isEnabledFor(logging.INFO):
            return
        line: dict[str, Any] = {
            "ts": time.time(),
            "route": route,
            "direction": decision.direction,
            "action": decision.action,
            "risk_ids": decision.risk_ids,
            "findings": [[f.detector, f.label, f.start, f.end] for f in decision.findings],
            "user": caller.user,
            "library": guard.version,
        }
        if guard.config.log_text:
            line["text"] = decision.text
        log.info(orjson.dumps(line).decode())
