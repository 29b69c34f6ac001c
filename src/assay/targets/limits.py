"""Concurrency that backs off when the target says it is overloaded (additive increase,
multiplicative decrease): a 429 halves the limit, 20 successes in a row raise it by one, never
above the configured maximum."""

from __future__ import annotations

import asyncio
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

    def throttled(self) -> None:
        self.current = max(1, self.current // 2)
        self._streak = 0

    def success(self) -> None:
        self._streak += 1
        if self._streak >= _GROW_AFTER and self.current < self.maximum:
            self.current += 1
            self._streak = 0
