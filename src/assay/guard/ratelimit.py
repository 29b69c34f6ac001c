"""Rate limits per client: a token bucket for each rate of ``guard.rate_limit``.

Each client (its API key's digest, else its address) has one bucket per configured rate
(``per_second``, ``per_minute``): it holds up to ``burst`` tokens, refills at the rate, and a
request takes one token from every bucket, or is refused when any is empty, with the seconds
until it would not be. The buckets of at most ``max_clients`` clients are kept, the longest
unused dropped first (a dropped bucket was full or nearly so: forgetting it only forgives).
Only the event loop's thread calls it.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable

from assay.guard_config import RateLimitConfig

Ticker = Callable[[], float]  # seconds, monotonic


class RateLimiter:
    """Token buckets per client."""

    def __init__(self, config: RateLimitConfig, ticker: Ticker) -> None:
        rates = [r for r in (config.per_second, (config.per_minute or 0) / 60) if r]
        self.rates = tuple(rates)
        given = (config.per_second, config.per_minute)
        self.capacity = tuple(
            float(config.burst or max(1, math.ceil(n))) for n in given if n is not None
        )
        self.max_clients = config.max_clients
        self.ticker = ticker
        # client -> (tokens in each bucket, when they were counted)
        self._buckets: OrderedDict[str, tuple[list[float], float]] = OrderedDict()

    def take(self, client: str) -> float:
        """Take a token for one request of ``client``: 0.0 when it may go ahead, else how many
        seconds it should wait (nothing is taken then)."""
        now = self.ticker()
        found = self._buckets.get(client)
        if found is None:
            tokens = list(self.capacity)
            if len(self._buckets) >= self.max_clients:
                self._buckets.popitem(last=False)
        else:
            tokens, then = found
            elapsed = max(now - then, 0.0)
            tokens = [
                min(cap, held + elapsed * rate)
                for held, cap, rate in zip(tokens, self.capacity, self.rates, strict=True)
            ]
            self._buckets.move_to_end(client)
        wait = max(
            ((1.0 - held) / rate for held, rate in zip(tokens, self.rates, strict=True)),
            default=0.0,
        )
        if wait <= 0.0:
            tokens = [held - 1.0 for held in tokens]
            wait = 0.0
        self._buckets[client] = (tokens, now)
        return wait

    def __len__(self) -> int:
        return len(self._buckets)
