"""Findings of the bank check as sentences, in Chinese or English (``banks.finding.*`` of
the message catalogue)."""

from __future__ import annotations

import re

from assay.banks.check import Finding
from assay.messages import t
from assay.standard.models import Profile


def describe(finding: Finding, profile: Profile, lang: str) -> str:
    """One line saying what was found, with its numbers and clause."""
    force = "" if finding.force is None else t(finding.force.value, lang)  # 应 / 宜
    return t(
        f"banks.finding.{finding.code}",
        lang,
        bank=finding.bank.label(lang),
        subject=finding.subject or "",
        name=_name(finding.subject, profile, lang),
        have=finding.have,
        need=finding.need,
        clause=finding.clause or "",
        force=force,
        detail=_stale_detail(finding.detail, lang) if finding.code == "stale" else finding.detail,
    )


_INTERVAL = re.compile(r"\b(\d+) (day|week|month)s?\b")


def interval_words(interval: str, lang: str) -> str:
    """An update interval as the profile gives it (``1 week``, ``3 months``) in words."""
    found = _INTERVAL.fullmatch(interval.strip())
    if found is None:
        return interval
    return t(f"banks.interval_{found[2]}", lang, n=int(found[1]))


def _stale_detail(detail: str, lang: str) -> str:
    """A stale bank's ``last update + interval`` with the interval in words."""
    return _INTERVAL.sub(lambda m: interval_words(m[0], lang), detail)


def _name(subject: str | None, profile: Profile, lang: str) -> str:
    if subject is None:
        return ""
    for risk in profile.risks:
        if risk.id == subject:
            return risk.name(lang)
    for aspect in profile.aspects:
        if aspect.id == subject:
            return aspect.name(lang)
    return ""
