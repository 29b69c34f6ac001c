"""The settings of one run: what the caller passed over ``run:`` of ``assay.yaml`` over the
built-in defaults, in one place (the command line and the library merge the same way)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from assay.assess.execute import Budget
from assay.config import RunSettings
from assay.store.sink import Patience

T = TypeVar("T")
DEFAULTS = RunSettings()  # a project without ``run:`` (or without assay.yaml) runs on these


@dataclass(frozen=True)
class RunOptions:
    """Overrides of ``run:`` for one run; None keeps the project's setting."""

    seed: int | None = None
    shared_draw: bool | None = None
    stratify: bool | None = None
    oversample: float | None = None
    concurrency: int | None = None
    max_requests: int | None = None
    max_tokens: int | None = None
    max_consecutive_failures: int | None = None

    def settle(self, settings: RunSettings | None) -> Settled:
        """These options over ``settings`` (the project's ``run:``) over the defaults."""
        base = settings or DEFAULTS
        return Settled(
            seed=_pick(self.seed, base.seed),
            shared_draw=_pick(self.shared_draw, base.shared_draw),
            stratify=_pick(self.stratify, base.stratify),
            oversample=_pick(self.oversample, base.oversample),
            concurrency=self.concurrency or base.concurrency,
            max_requests=self.max_requests or base.max_requests,
            max_tokens=self.max_tokens or base.max_tokens,
            max_consecutive_failures=_pick(
                self.max_consecutive_failures, base.max_consecutive_failures
            ),
            store_wait_s=base.store_wait_s,
        )


@dataclass(frozen=True)
class Settled:
    """Every setting of a run, decided."""

    seed: int
    shared_draw: bool
    stratify: bool
    oversample: float
    concurrency: int
    max_requests: int | None
    max_tokens: int | None
    max_consecutive_failures: int
    store_wait_s: float

    def budget(self) -> Budget:
        return Budget(max_requests=self.max_requests, max_tokens=self.max_tokens)

    def patience(self) -> Patience:
        return Patience(wait_s=self.store_wait_s)


def _pick(option: T | None, setting: T) -> T:
    return setting if option is None else option


__all__ = ["DEFAULTS", "RunOptions", "Settled"]
