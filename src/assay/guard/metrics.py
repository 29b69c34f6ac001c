"""The guard's metrics in the Prometheus text exposition format (``GET /metrics``).

Counters of requests (by route and status), decisions (by direction and action), blocks (by
direction and risk), suspensions and reloads, and a latency histogram per route. Written by
hand: a few dictionaries, no client library. Only the event loop's thread writes them.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import TypeVar

# seconds: fine below 10 ms, where the guard's own work lies, coarse above for upstream calls
BUCKETS = (0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


K = TypeVar("K", bound=tuple[object, ...])


def counter(
    name: str,
    help_text: str,
    labels: Sequence[str],
    counts: Mapping[K, int],
    *,
    kind: str = "counter",
    ordered: bool = True,
) -> list[str]:
    """One metric family: its HELP and TYPE lines, then a sample per label tuple (sorted unless
    ``ordered`` is false); no labels: ``{(): value}``."""
    out = [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]
    items = sorted(counts.items()) if ordered else list(counts.items())
    for values, n in items:
        pairs = ",".join(f'{k}="{v}"' for k, v in zip(labels, values, strict=True))
        out.append(f"{name}{{{pairs}}} {n}" if pairs else f"{name} {n}")
    return out


class Histogram:
    def __init__(self) -> None:
        self.counts = [0] * (len(BUCKETS) + 1)
        self.total = 0.0

    def observe(self, seconds: float) -> None:
        self.counts[bisect_left(BUCKETS, seconds)] += 1
        self.total += seconds


class Metrics:
    def __init__(self) -> None:
        self.requests: Counter[tuple[str, int]] = Counter()
        self.decisions: Counter[tuple[str, str]] = Counter()
        self.blocks: Counter[tuple[str, str]] = Counter()
        self.suspensions = 0
        self.rate_limited = 0  # requests refused over a client's rate limit
        self.reloads: Counter[str] = Counter()  # ok / failed
        self.latency: dict[str, Histogram] = {}

    def request(self, route: str, status: int, seconds: float) -> None:
        self.requests[route, status] += 1
        histogram = self.latency.get(route)
        if histogram is None:
            histogram = self.latency[route] = Histogram()
        histogram.observe(seconds)

    def decision(self, direction: str, action: str, risk_ids: tuple[str, ...]) -> None:
        self.decisions[direction, action] += 1
        if action == "block":
            for risk in risk_ids:
                self.blocks[direction, risk] += 1

    def render(self, library: str) -> str:
        lines = [
            *counter(
                "assay_guard_requests_total",
                "HTTP requests by route and status.",
                ("route", "status"),
                self.requests,
            ),
            *counter(
                "assay_guard_decisions_total",
                "Screening decisions by direction and action.",
                ("direction", "action"),
                self.decisions,
            ),
            *counter(
                "assay_guard_blocks_total",
                "Blocked texts by direction and risk.",
                ("direction", "risk"),
                self.blocks,
            ),
            *counter(
                "assay_guard_suspensions_total",
                "Users suspended (7.g.1).",
                (),
                {(): self.suspensions},
            ),
            *counter(
                "assay_guard_rate_limited_total",
                "Requests refused over a client's rate limit.",
                (),
                {(): self.rate_limited},
            ),
            *counter(
                "assay_guard_reloads_total",
                "Keyword library reloads by outcome.",
                ("outcome",),
                {(o,): n for o, n in self.reloads.items()},
                ordered=False,
            ),
            *counter(
                "assay_guard_library_info",
                "The keyword library in force.",
                ("version",),
                {(library,): 1},
                kind="gauge",
            ),
            "# HELP assay_guard_request_seconds Request latency by route.",
            "# TYPE assay_guard_request_seconds histogram",
        ]
        for route, histogram in sorted(self.latency.items()):
            running = 0
            for bound, count in zip((*BUCKETS, float("inf")), histogram.counts, strict=True):
                running += count
                le = "+Inf" if bound == float("inf") else repr(bound)
                lines.append(
                    f'assay_guard_request_seconds_bucket{{route="{route}",le="{le}"}} {running}'
                )
            lines.append(f'assay_guard_request_seconds_sum{{route="{route}"}} {histogram.total}')
            lines.append(f'assay_guard_request_seconds_count{{route="{route}"}} {running}')
        return "\n".join(lines) + "\n"
