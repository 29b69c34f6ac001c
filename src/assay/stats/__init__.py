"""Rates with confidence intervals, and pass / fail / inconclusive decisions against thresholds."""

from assay.stats.rates import Decision, Direction, Rate, decide, min_successes, rate, wilson

__all__ = ["Decision", "Direction", "Rate", "decide", "min_successes", "rate", "wilson"]
