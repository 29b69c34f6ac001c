"""The report's short section on the review app: who reviewed, each queue's work, the agreement
(kappa per pair, alpha over all, with their intervals), the adjudications, the rule for 部分拒答,
and where the audit trail is (an annex, with its sha256 in the annex list)."""

from __future__ import annotations

from dataclasses import dataclass, field

from assay.assess.review_audit import ReviewAudit
from assay.messages import t
from assay.reports.tables import Cell, Row, Table, word
from assay.stats.agreement import Agreement


@dataclass(frozen=True)
class ReviewView:
    lines: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


def review_view(audit: ReviewAudit | None, lang: str) -> ReviewView:
    """The section's sentences and tables; empty when the run used no review-app verdict."""
    if audit is None:
        return ReviewView()
    roles: dict[str, int] = {}
    for role in audit.people.values():
        roles[role] = roles.get(role, 0) + 1
    said = t("sep.list", lang).join(
        f"{word('review.role_', role, lang)} {n}" for role, n in sorted(roles.items())
    )
    lines = [
        t(
            "report.review_intro", lang,
            people=len(audit.people), roles=said, queues=len(audit.queues), events=audit.events,
            file=audit.trail_file,
        )
    ]  # fmt: skip
    if any(q.decision == "refusal" for q in audit.queues):
        lines.append(t("review.partial_rule", lang))
    return ReviewView(lines, [_people(audit, lang), _queues(audit, lang), _agreement(audit, lang)])


def _people(audit: ReviewAudit, lang: str) -> Table:
    done: dict[str, int] = {}
    for q in audit.queues:
        for name, n in q.verdicts.items():
            done[name] = done.get(name, 0) + n
    rows = [
        Row([Cell(name), Cell(word("review.role_", role, lang)), Cell(str(done.get(name, 0)))])
        for name, role in audit.people.items()
    ]
    headers = [
        t(k, lang) for k in ("review.person", "report.review_role", "report.review_in_force")
    ]
    return Table(t("report.review_people", lang), headers, rows)


def _queues(audit: ReviewAudit, lang: str) -> Table:
    rows = []
    for q in audit.queues:
        adjudicated = str(q.adjudicated)
        if q.readjudicated:
            adjudicated += " " + t("report.review_again", lang, n=q.readjudicated)
        rows.append(
            Row(
                [
                    Cell(q.id, "nowrap"),
                    Cell(word("review.kind_", q.kind, lang)),
                    Cell(f"{q.counted}/{q.items}"),
                    Cell(f"{q.second_done}/{q.second_due}"),
                    Cell(str(q.disputed), "fail" if q.disputed else ""),
                    Cell(adjudicated),
                    Cell(str(q.partial) if q.decision == "refusal" else "-"),
                ],
                "fail" if q.disputed else "",
            )
        )
    headers = [
        t(k, lang)
        for k in (
            "review.queue",
            "review.kind",
            "report.review_counted",
            "report.review_second",
            "report.review_open",
            "report.review_adjudicated",
            "review.label_partial",
        )
    ]
    return Table(t("report.review_queues", lang), headers, rows)


def _agreement(audit: ReviewAudit, lang: str) -> Table:
    rows = []
    for q in audit.queues:
        for p in q.pairs:
            rows.append(_coefficient(q.id, f"κ {p.a} · {p.b}", p.kappa))
        rows.append(_coefficient(q.id, "α " + t("report.review_all", lang), q.alpha))
    headers = [
        t(k, lang)
        for k in ("review.queue", "report.review_pair", "report.review_value", "interval")
    ] + ["n"]
    return Table(t("review.agreement", lang), headers, rows)


def _coefficient(queue: str, who: str, a: Agreement) -> Row:
    value = "-" if a.value is None else f"{a.value:.2f}"
    bounds = "-" if a.low is None or a.high is None else f"{a.low:.2f}–{a.high:.2f}"
    return Row([Cell(queue, "nowrap"), Cell(who), Cell(value), Cell(bounds), Cell(str(a.n))])


__all__ = ["ReviewView", "review_view"]
