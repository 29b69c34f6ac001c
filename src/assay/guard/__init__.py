"""The runtime guard: the assessment's detectors in front of a live service.

:func:`build_guard` compiles a project's keyword library (and classifier) with the ``guard:``
policies into a :class:`Guard`; :meth:`Guard.check` screens a whole text, a :class:`Screener` a
stream; :class:`AbuseTracker` counts each user's banned inputs (7.g.1). ``assay guard serve``
(:mod:`assay.guard.app`) puts them behind an OpenAI-compatible HTTP service; the web framework
is imported only there.
"""

from __future__ import annotations

from assay.guard.abuse import AbuseTracker, Suspension
from assay.guard.build import build_guard, guard_config, watched_files
from assay.guard.core import Decision, Finding, Guard
from assay.guard.stream import Screener

__all__ = [
    "AbuseTracker",
    "Decision",
    "Finding",
    "Guard",
    "Screener",
    "Suspension",
    "build_guard",
    "guard_config",
    "watched_files",
]
