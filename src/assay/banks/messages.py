"""Findings of the bank check as sentences, in Chinese or English."""

from __future__ import annotations

from assay.banks.check import Finding
from assay.standard.models import Force, Profile

_TEMPLATES: dict[str, tuple[str, str]] = {
    "bad_row": ("{subject}：无效行，已隔离：{detail}", "{subject}: bad row, quarantined: {detail}"),
    "bank_missing": (
        "未提供{bank}（{clause}，{force}）",
        "no {bank} was given ({clause}, {force})",
    ),
    "total_short": (
        "{bank}去重后共 {have} 条，少于要求的 {need} 条（{clause}，{force}）",
        "{bank}: {have} distinct items, {need} required ({clause}, {force})",
    ),
    "not_covered": (
        "{bank} {subject} {name}：0 条，未覆盖（{clause} {force}覆盖；数量不宜少于 {need} 条）",
        "{bank} {subject} {name}: 0 items, not covered ({clause} {force} cover it; "
        "at least {need} recommended)",
    ),
    "count_short": (
        "{bank} {subject} {name}：{have} 条，少于要求的 {need} 条（{clause}，{force}）",
        "{bank} {subject} {name}: {have} items, {need} required ({clause}, {force})",
    ),
    "stale": (
        "{bank}最近一次更新距今 {have} 天，已超过更新周期（{detail}）（{clause}，{force}）",
        "{bank}: last updated {have} days ago, past its interval ({detail}) ({clause}, {force})",
    ),
    "no_dates": (
        "{bank}没有记录添加或更新日期，无法证明及时更新（{clause}，{force}）",
        "{bank}: no added or updated dates recorded, so freshness cannot be shown "
        "({clause}, {force})",
    ),
    "future_date": (
        "{bank}有 {have} 条记录的日期晚于检查日期，日期不可信：{detail}",
        "{bank}: {have} entries are dated after the check date, so the dates cannot be trusted: {detail}",
    ),
    "omitted_aspect_not_reflected": (
        "非拒答题库省略的方面 {subject} {name} 未在应拒答题库中体现（{clause}，{force}）",
        "aspect {subject} {name} is omitted from the must-answer bank but not reflected in "
        "the must-refuse bank ({clause}, {force})",
    ),
    "duplicate": ("{bank}重复：{detail}", "{bank}: duplicates: {detail}"),
    "near_duplicate": ("{bank}近似重复：{detail}", "{bank}: near duplicates: {detail}"),
}


def describe(finding: Finding, profile: Profile, lang: str) -> str:
    """One line saying what was found, with its numbers and clause."""
    zh, en = _TEMPLATES[finding.code]
    template = zh if lang == "zh" else en
    force = ""
    if finding.force is not None:
        force = {Force.SHALL: ("应", "shall"), Force.SHOULD: ("宜", "should")}[finding.force][
            0 if lang == "zh" else 1
        ]
    return template.format(
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
