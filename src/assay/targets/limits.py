"""Limits on what a run sends: the concurrency that backs off when the target is overloaded, and
the spend caps.

:class:`AdaptiveLimit` (additive increase, multiplicative decrease): a 429 halves the limit, 20
successes in a row raise it by one, never above the configured maximum.

:class:`Budget`: every HTTP attempt (retries included) is reserved before it is sent, and every
token a reply bills is counted, whether the reply was an answer or an error. Nothing new is sent
once a cap is reached:

* ``max_requests``: a request is sent only after it was reserved, and at most ``max_requests``
  are ever reserved, so the target never sees more, whatever the concurrency;
* ``max_tokens``: a request is sent only while the tokens billed, plus those reserved for the
  requests in flight, stay within the cap. A request in flight reserves as many tokens as the
  largest request billed so far; until one was billed, a request goes alone (and one always
  may when none is in flight). Once the tokens
  billed reach the cap nothing more is sent. (A reply can still bill more than the largest one
  before it: the cap can be passed by that difference, never by the concurrency.)

A reply whose ``usage`` is missing or malformed cannot be counted: it is counted in
``unmetered`` so the caller can say so. :meth:`Budget.halt` stops everything not yet sent (a
dead endpoint): the run ends with what arrived.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from types import TracebackType

_GROW_AFTER = 20


class AdaptiveLimit:
    def __init__(self, maximum: int) -> None:
        self.maximum = maximum
        self.current = maximum
        self._active = 0
        self._streak = 0
        self._changed = asyncio.Condition()

    async def __aenter__(self) -> None:
        async with self._changed:
            await self._changed.wait_for(lambda: self._active < self.current)
            self._active += 1

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        async with self._changed:
            self._active -= 1
            self._changed.notify_all()

    def resize(self, maximum: int) -> None:
        """A new maximum (the run's concurrency), starting from it."""
        self.maximum = self.current = max(1, maximum)
        self._streak = 0

    def throttled(self) -> None:
        self.current = max(1, self.current // 2)
        self._streak = 0

    def success(self) -> None:
        self._streak += 1
        if self._streak >= _GROW_AFTER and self.current < self.maximum:
            self.current += 1
            self._streak = 0


@dataclass(frozen=True)
class Ticket:
    """One reserved request: the tokens set aside for it until it is billed."""

    tokens: int


class Budget:
    """Spend caps given up front (``None``: no cap), and what was spent against them."""

    def __init__(self, max_requests: int | None = None, max_tokens: int | None = None) -> None:
        self.max_requests = max_requests
        self.max_tokens = max_tokens
        self.requests = 0  # HTTP attempts sent (reserved), retries included
        self.tokens = 0  # tokens billed, by answers and errors alike
        self.unmetered = 0  # replies whose usage could not be read
        self.halted: str | None = None  # why nothing more is sent, when halt() was called
        self._in_flight = 0
        self._reserved = 0
        self._largest: int | None = None
        self._changed: asyncio.Condition | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def reached(self) -> bool:
        """A cap is reached: nothing more will be sent."""
        if self.max_requests is not None and self.requests >= self.max_requests:
            return True
        return self.max_tokens is not None and self.tokens >= self.max_tokens

    def allows(self) -> bool:
        """Nothing stops a new request now (it may still have to wait for its reservation)."""
        return self.halted is None and not self.reached()

    async def halt(self, reason: str) -> None:
        """Send nothing more (requests already sent still end and are billed)."""
        if self.halted is None:
            self.halted = reason
        changed = self._condition()
        async with changed:
            changed.notify_all()

    async def reserve(self) -> Ticket | None:
        """Reserve one request before sending it; ``None`` when a cap (or a halt) forbids it.
        Waits while the tokens reserved by requests in flight leave no room for it."""
        changed = self._condition()
        async with changed:
            while True:
                if not self.allows():
                    return None
                estimate = self._estimate()
                if self._fits(estimate):
                    break
                await changed.wait()
            self.requests += 1
            self._in_flight += 1
            self._reserved += estimate
            return Ticket(estimate)

    async def settle(self, ticket: Ticket, tokens: int = 0, *, unmetered: bool = False) -> None:
        """Bill a sent request: the ``tokens`` it cost (0 for a connection error or a reply
        that bills nothing); ``unmetered`` when its usage could not be read."""
        changed = self._condition()
        async with changed:
            self._in_flight -= 1
            self._reserved -= ticket.tokens
            self.tokens += tokens
            self.unmetered += unmetered
            if tokens:  # a request that billed nothing says nothing of what the next costs
                self._largest = max(self._largest or 0, tokens)
            changed.notify_all()

    def _estimate(self) -> int:
        if self.max_tokens is None:
            return 0
        return self._largest if self._largest is not None else self.max_tokens

    def _fits(self, estimate: int) -> bool:
        if self.max_tokens is None or self._in_flight == 0:
            return True
        return self.tokens + self._reserved + estimate <= self.max_tokens

    def _condition(self) -> asyncio.Condition:
        """The condition of the running event loop (a target may serve several in turn)."""
        loop = asyncio.get_running_loop()
        if self._changed is None or self._loop is not loop:
            self._changed, self._loop = asyncio.Condition(), loop
        return self._changed
