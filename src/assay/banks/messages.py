"""Findings of the bank check as sentences, in Chinese or English (``banks.finding.*`` of
the message catalogue)."""

from __future__ import annotations

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
        detail=finding.detail,
    )


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
