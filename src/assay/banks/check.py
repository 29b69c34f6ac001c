"""``assay banks check``: the four banks against the minimums of 8.1 to 8.3 of a profile.

Counting rules (stated in the report):

* Totals and per-risk counts are of **distinct** items after folding (``assay.text.fold``), so
  an exact duplicate never inflates a count; keyword variants are never counted.
* An item labelled with several risks counts once for each of them, and once in the total.
* A required risk with no item at all breaks the coverage clause (shall); a risk with some
  items but fewer than its minimum falls short of a recommended count (should). Both are
  shortfalls and make the check exit 1; so does a bad row, a stale bank or a bank with no dates.
* Duplicates are reported as warnings: they are already excluded from the counts.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta
from typing import Literal

from pydantic import BaseModel

from assay.banks.dedup import exact_groups, near_pairs
from assay.banks.io import ReadOptions, load_bank
from assay.banks.models import (
    BankKind,
    BankSource,
    KeywordEntry,
    KeywordLibrary,
    LoadReport,
    Question,
    QuestionBank,
)
from assay.standard.models import Force, Interval, Param, Profile, RiskBankParams
from assay.text import fold

Severity = Literal["shortfall", "warning"]


class Finding(BaseModel):
    """One thing the check found, with the numbers behind it."""

    code: str  # bad_row, bank_missing, total_short, not_covered, count_short, stale, no_dates, future_date,
    # omitted_aspect_not_reflected, duplicate, near_duplicate
    severity: Severity
    bank: BankKind
    clause: str | None = None
    force: Force | None = None
    # against a number of the standard (else a reference or practice figure: it informs)
    decides: bool = True
    subject: str | None = None  # risk id, aspect id, or file:row
    have: int | None = None
    need: int | None = None
    detail: str = ""


class CountRow(BaseModel):
    id: str
    name_zh: str
    name_en: str
    have: int
    need: int | None  # None: the profile sets no minimum for this bank
    ok: bool


class Freshness(BaseModel):
    last_update: date | None
    first_date: date | None = None  # the earliest date an entry carries (added or updated)
    interval: str
    due: date | None
    checked_on: date
    ok: bool


class DuplicateGroup(BaseModel):
    kind: Literal["exact", "near"]
    similarity: float
    items: list[str]  # question ids or keywords, with their rows


class BankCheck(BaseModel):
    bank: BankKind
    file: str | None
    load: LoadReport | None
    rows: int  # accepted entries
    distinct: int
    total_need: int | None
    counts: list[CountRow]
    freshness: Freshness | None
    duplicates: list[DuplicateGroup]
    findings: list[Finding]


class CheckReport(BaseModel):
    profile: str
    profile_status: str
    checked_on: date
    banks: list[BankCheck]
    # aspects the must-answer bank leaves out (the provision for domain-specific models)
    omitted_aspects: list[str] = []

    @property
    def findings(self) -> list[Finding]:
        return [f for b in self.banks for f in b.findings]

    @property
    def shortfalls(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "shortfall"]

    @property
    def ok(self) -> bool:
        return not self.shortfalls


def due_date(last: date, interval: Interval) -> date:
    """The date by which the next update is due."""
    if interval.unit == "day":
        return last + timedelta(days=interval.count)
    if interval.unit == "week":
        return last + timedelta(weeks=interval.count)
    month_index = last.month - 1 + interval.count
    year, month = last.year + month_index // 12, month_index % 12 + 1
    day = min(last.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def check_bank(
    bank: BankKind,
    data: KeywordLibrary | QuestionBank,
    profile: Profile,
    *,
    today: date,
    load: LoadReport | None = None,
    near_threshold: float = 0.8,
    omitted_aspects: Sequence[str] = (),
) -> BankCheck:
    """Check one bank against the profile."""
    entries: Sequence[KeywordEntry | Question] = (
        data.entries if isinstance(data, KeywordLibrary) else data.items
    )
    folded = [fold(_text(e)) for e in entries]  # once: every count and comparison uses it
    findings = _bad_row_findings(bank, load)
    if bank is BankKind.MUST_ANSWER:
        params = profile.parameters.must_answer_bank
        counts = _aspect_counts(
            entries, folded, profile, params.per_aspect_min.value, omitted_aspects
        )
        total_param: Param[int] = params.total_min
        interval = params.update_interval
        findings += _count_findings(bank, counts, params.per_aspect_min, None)
    else:
        risk_params = _risk_params(bank, profile)
        counts = _risk_counts(entries, folded, profile, risk_params)
        total_param = risk_params.total_min
        interval = risk_params.update_interval
        findings += _count_findings(
            bank, counts, risk_params.per_risk_min, risk_params.required_categories
        )
    distinct = len({f for f in folded if f})
    if distinct < total_param.value:
        findings.append(
            Finding(
                code="total_short",
                severity="shortfall",
                bank=bank,
                clause=total_param.clause,
                force=total_param.force,
                decides=total_param.decides,
                have=distinct,
                need=total_param.value,
            )
        )
    freshness = _freshness(entries, interval.value, today)
    future = [e for e in entries if (d := e.last_changed) is not None and d > today]
    if future:
        findings.append(
            Finding(
                code="future_date",
                severity="shortfall",
                bank=bank,
                have=len(future),
                detail=", ".join(_label(e) for e in future[:5]),
            )
        )
    if freshness.last_update is None:
        findings.append(
            Finding(
                code="no_dates",
                severity="shortfall",
                bank=bank,
                clause=interval.clause,
                force=interval.force,
                decides=interval.decides,
            )
        )
    elif not freshness.ok:
        findings.append(
            Finding(
                code="stale",
                severity="shortfall",
                bank=bank,
                clause=interval.clause,
                force=interval.force,
                decides=interval.decides,
                have=(today - freshness.last_update).days,
                detail=f"{freshness.last_update} + {interval.value}",
            )
        )
    duplicates = _duplicates(bank, entries, folded, near_threshold)
    for group in duplicates:
        findings.append(
            Finding(
                code="duplicate" if group.kind == "exact" else "near_duplicate",
                severity="warning",
                bank=bank,
                detail=" | ".join(group.items),
            )
        )
    return BankCheck(
        bank=bank,
        file=load.file if load else None,
        load=load,
        rows=len(entries),
        distinct=distinct,
        total_need=total_param.value,
        counts=counts,
        freshness=freshness,
        duplicates=duplicates,
        findings=findings,
    )


def missing_bank(bank: BankKind, profile: Profile) -> BankCheck:
    """The check of a bank that was not given at all."""
    clause = profile.bank_clause(bank.value)  # the bank's required coverage
    finding = Finding(
        code="bank_missing",
        severity="shortfall",
        bank=bank,
        clause=clause,
        force=profile.clause(clause).force,
    )
    return BankCheck(
        bank=bank,
        file=None,
        load=None,
        rows=0,
        distinct=0,
        total_need=None,
        counts=[],
        freshness=None,
        duplicates=[],
        findings=[finding],
    )


def omitted_aspect_findings(
    refuse_bank: QuestionBank | None, omitted: Sequence[str], profile: Profile
) -> list[Finding]:
    """An aspect omitted from the must-answer bank must appear in the must-refuse bank (8.3 b)
    3) in TC260-003; the clause is ``roles.omitted_aspects`` of the profile)."""
    clause = profile.clause(profile.roles.omitted_aspects)
    have = {q.aspect for q in refuse_bank.items} if refuse_bank else set()
    return [
        Finding(
            code="omitted_aspect_not_reflected",
            severity="shortfall",
            bank=BankKind.MUST_REFUSE,
            clause=clause.id,
            force=clause.force,
            subject=aspect,
            have=0,
            need=1,
        )
        for aspect in omitted
        if aspect not in have
    ]


def _risk_params(bank: BankKind, profile: Profile) -> RiskBankParams:
    p = profile.parameters
    return {
        BankKind.KEYWORDS: p.keyword_library,
        BankKind.CONTENT: p.content_bank,
        BankKind.MUST_REFUSE: p.must_refuse_bank,
    }[bank]


def _text(entry: KeywordEntry | Question) -> str:
    return entry.keyword if isinstance(entry, KeywordEntry) else entry.text


def _risk_counts(
    entries: Sequence[KeywordEntry | Question],
    folded: Sequence[str],
    profile: Profile,
    params: RiskBankParams,
) -> list[CountRow]:
    per_risk: dict[str, set[str]] = {r.id: set() for r in profile.risks}
    for entry, key in zip(entries, folded, strict=True):
        for risk_id in entry.risk_ids:
            if key and risk_id in per_risk:
                per_risk[risk_id].add(key)
    required = set(params.required_categories.value)
    minimums = params.per_risk_min.value
    rows = []
    for risk in profile.risks:
        need = minimums.get(risk.id, minimums.get(risk.category))
        if risk.category in required and need is None:
            need = 1  # coverage without a count: at least one item
        have = len(per_risk[risk.id])
        rows.append(
            CountRow(
                id=risk.id,
                name_zh=risk.name_zh,
                name_en=risk.name_en,
                have=have,
                need=need,
                ok=need is None or have >= need,
            )
        )
    return rows


def _aspect_counts(
    entries: Sequence[KeywordEntry | Question],
    folded: Sequence[str],
    profile: Profile,
    per_aspect_min: int,
    omitted: Sequence[str],
) -> list[CountRow]:
    per_aspect: dict[str, set[str]] = {a.id: set() for a in profile.aspects}
    for entry, key in zip(entries, folded, strict=True):
        if isinstance(entry, Question) and entry.aspect in per_aspect and key:
            per_aspect[entry.aspect].add(key)
    rows = []
    for aspect in profile.aspects:
        need = None if aspect.id in omitted else per_aspect_min
        have = len(per_aspect[aspect.id])
        rows.append(
            CountRow(
                id=aspect.id,
                name_zh=aspect.name_zh,
                name_en=aspect.name_en,
                have=have,
                need=need,
                ok=need is None or have >= need,
            )
        )
    return rows


def _count_findings(
    bank: BankKind,
    counts: list[CountRow],
    per_item: Param[dict[str, int]] | Param[int],
    required: Param[tuple[str, ...]] | None,
) -> list[Finding]:
    # coverage (shall) lives on the clause of the per-item minimum; counts are its own force
    out = []
    for row in counts:
        if row.ok or row.need is None:
            continue
        if row.have == 0:
            force = required.force if required else Force.SHALL
            decides = required.decides if required else per_item.decides
            code = "not_covered"
        else:
            force, code, decides = per_item.force, "count_short", per_item.decides
        out.append(
            Finding(
                code=code,
                severity="shortfall",
                bank=bank,
                clause=per_item.clause,
                force=force,
                decides=decides,
                subject=row.id,
                have=row.have,
                need=row.need,
            )
        )
    return out


def _freshness(
    entries: Sequence[KeywordEntry | Question], interval: Interval, today: date
) -> Freshness:
    dates = [d for e in entries if (d := e.last_changed) is not None]
    last = max(dates) if dates else None
    due = due_date(last, interval) if last else None
    every = [d for e in entries for d in (e.added, e.updated) if d is not None]
    return Freshness(
        last_update=last,
        first_date=min(every) if every else None,
        interval=str(interval),
        due=due,
        checked_on=today,
        ok=due is not None and today <= due and last is not None and last <= today,
    )


def _duplicates(
    bank: BankKind,
    entries: Sequence[KeywordEntry | Question],
    folded: list[str],
    near_threshold: float,
) -> list[DuplicateGroup]:
    labels = [_label(e) for e in entries]
    out = [
        DuplicateGroup(kind="exact", similarity=1.0, items=[labels[i] for i in g.members])
        for g in exact_groups(folded)
    ]
    if bank is BankKind.KEYWORDS:
        out += _variant_clashes(entries)
    else:
        out += [
            DuplicateGroup(
                kind="near", similarity=g.similarity, items=[labels[i] for i in g.members]
            )
            for g in near_pairs(folded, near_threshold)
        ]
    return out


def _variant_clashes(entries: Sequence[KeywordEntry | Question]) -> list[DuplicateGroup]:
    """A keyword that is also written as another entry's variant."""
    keyword_at = {fold(e.keyword): _label(e) for e in entries if isinstance(e, KeywordEntry)}
    out = []
    for entry in entries:
        if not isinstance(entry, KeywordEntry):
            continue
        for variant in entry.variants:
            other = keyword_at.get(fold(variant))
            if other is not None and fold(variant) != fold(entry.keyword):
                out.append(
                    DuplicateGroup(
                        kind="exact",
                        similarity=1.0,
                        items=[f"{_label(entry)} variant {variant!r}", other],
                    )
                )
    return out


def _label(entry: KeywordEntry | Question) -> str:
    where = f" (row {entry.row})" if entry.row else ""
    if isinstance(entry, KeywordEntry):
        return f"{entry.keyword!r}{where}"
    return f"{entry.id}{where}"


def _bad_row_findings(bank: BankKind, load: LoadReport | None) -> list[Finding]:
    if load is None:
        return []
    return [
        Finding(
            code="bad_row",
            severity="shortfall",
            bank=bank,
            subject=f"{b.file}:{b.row}",
            detail=b.reason + (f" (fix: {b.fix})" if b.fix else ""),
        )
        for b in load.quarantined
    ]


def check_files(
    files: dict[BankKind, BankSource | None],
    profile: Profile,
    *,
    today: date,
    options: ReadOptions | None = None,
    near_threshold: float = 0.8,
    omitted_aspects: Sequence[str] = (),
) -> CheckReport:
    """Load and check each bank; a bank given as ``None`` is reported missing."""
    checks: list[BankCheck] = []
    refuse_bank: QuestionBank | None = None
    for bank, source in files.items():
        if source is None:
            checks.append(missing_bank(bank, profile))
            continue
        opts = options or ReadOptions()
        opts = replace(
            opts, encoding=source.encoding or opts.encoding, fmt=source.format or opts.fmt
        )
        data, load = load_bank(source.path, bank, profile, opts)
        if isinstance(data, QuestionBank) and bank is BankKind.MUST_REFUSE:
            refuse_bank = data
        checks.append(
            check_bank(
                bank,
                data,
                profile,
                today=today,
                load=load,
                near_threshold=near_threshold,
                omitted_aspects=omitted_aspects,
            )
        )
    extra = (
        omitted_aspect_findings(refuse_bank, omitted_aspects, profile) if omitted_aspects else []
    )
    for check in checks:
        if check.bank is BankKind.MUST_REFUSE:
            check.findings.extend(extra)
    return CheckReport(
        profile=profile.id,
        profile_status=profile.status,
        checked_on=today,
        banks=checks,
        omitted_aspects=list(omitted_aspects),
    )
