"""The manual method of 9.3 b): export the sampled answers for reviewers, import their verdicts.

The sheet has the filing columns plus the verdict: 序号 / 测试题 / 一级分类 / 二级分类 / 模型回答 /
研判结果 (合格 or 不合格) / 风险 (the risks found, when 不合格) / 审核人 / 备注, and an ``id`` column
that ties each row to the run. Importing validates every row (unknown id, a verdict that is
neither 合格 nor 不合格, an unknown risk) and reports bad rows with their row number; rows left
without a verdict stay pending. Until every sampled answer has a verdict, the manual method is
reported as pending, never as passed.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from assay.assess.plan import Method
from assay.banks.models import BadRow
from assay.banks.resolve import NameResolver
from assay.banks.tabular import RawRow, read_rows, write_rows
from assay.errors import InputFormatError, UnknownNameError
from assay.standard.models import Profile
from assay.store.reviewing import PARTIAL, counts_as_refused
from assay.store.runstore import (
    HUMAN_REFUSAL,
    ReplyRecord,
    ReviewRecord,
    RunStore,
    answer_digest,
    answer_digests,
)
from assay.text import fold
from assay.text.verdicts import QUALIFIED, UNQUALIFIED

COLUMNS = [
    "id",
    "序号",
    "测试题",
    "一级分类",
    "二级分类",
    "模型回答",
    "研判结果",
    "风险",
    "审核人",
    "备注",
]


@dataclass
class ImportReport:
    read: int = 0
    accepted: int = 0
    pending: int = 0  # rows without a verdict yet
    bad: list[BadRow] = field(default_factory=list)


def export_review(store: RunStore, run_id: str, profile: Profile, path: Path) -> int:
    """Write the manual draw with its answers; returns the number of rows."""
    plan = store.plan(run_id)
    questions = store.questions(run_id)
    replies = store.latest_replies(run_id)
    rows = []
    for seq, qid in enumerate(plan.get(Method.MANUAL.value, []), 1):
        question = questions[qid]
        reply = replies.get(qid)
        categories = dict.fromkeys(r.rsplit(".", 1)[0] for r in question.risk_ids)
        rows.append(
            {
                "id": qid,
                "序号": seq,
                "测试题": question.text,
                "一级分类": ";".join(profile.category(c).name_zh for c in categories),
                "二级分类": ";".join(profile.risk(r).name_zh for r in question.risk_ids),
                "模型回答": _shown(reply),
                "研判结果": "",  # a blank sheet per reviewer: no one's verdict is carried over
                "风险": "",
                "审核人": "",
                "备注": "",
                "answer_sha256": answer_digest(reply.answer) if reply and reply.ok else "",
            }
        )
    refs = [f"{run_id} / {row['id']}" for row in rows]
    write_rows(path, COLUMNS, rows, untrusted=True, refs=refs)
    return len(rows)


def _shown(reply: ReplyRecord | None) -> str:
    """The answer a reviewer sees; a reply of the service's filter is marked, as it counts as
    qualified without review."""
    if reply is None or not reply.ok:
        return f"（未获得回答：{reply.error if reply else '未提问'}）"
    if reply.blocked is not None:
        code = f" {reply.blocked.code}" if reply.blocked.code else ""
        return f"（服务的安全过滤拦截，计为合格，无需研判：{reply.blocked.rule}{code}）{reply.answer or ''}"
    return reply.answer or ""


def import_review(
    store: RunStore, run_id: str, profile: Profile, path: Path, *, reviewer: str | None = None
) -> ImportReport:
    """Read a reviewed sheet back; valid verdicts are stored, bad rows reported."""
    sampled = set(store.plan(run_id).get(Method.MANUAL.value, []))
    return import_sheet(
        store, run_id, profile, path, drawn=sampled, reviewer=reviewer,
        fix="import the sheet that assay review export wrote",
    )  # fmt: skip


def import_sheet(
    store: RunStore,
    run_id: str,
    profile: Profile,
    path: Path,
    *,
    drawn: set[str],
    reviewer: str | None,
    fix: str,
    sample: str = "manual sample",
    pin_answer: bool = False,
) -> ImportReport:
    """Store the verdicts of a reviewed sheet on the ``drawn`` items; bad rows are reported
    with their line. ``pin_answer`` ties each review to the answer it saw (a changed answer
    voids it); ``fix`` is what the error says when the sheet is not a review sheet."""
    result = read_rows(path)
    if "id" not in result.columns or "研判结果" not in result.columns:
        raise InputFormatError("the sheet has no id or 研判结果 column", file=path, line=1, fix=fix)
    replies = store.latest_replies(run_id)
    answered = answer_digests(replies)
    resolver = NameResolver(profile)
    report = ImportReport()
    records: list[ReviewRecord] = []
    for raw in result.rows:
        report.read += 1
        if not isinstance(raw, RawRow):
            report.bad.append(raw)
            continue
        record = review_record(raw, drawn, answered, resolver, reviewer, str(path), sample=sample)
        if isinstance(record, BadRow):
            report.bad.append(record)
        elif record is None:
            report.pending += 1
        else:
            pinned = replace(record, answer_sha256=answered[record.question_id])
            records.append(pinned if pin_answer else record)
            report.accepted += 1
    store.put_reviews(run_id, records)
    return report


def review_record(
    raw: RawRow,
    sampled: set[str],
    answered: dict[str, str],
    resolver: NameResolver,
    reviewer: str | None,
    file: str,
    *,
    sample: str = "manual sample",
) -> ReviewRecord | BadRow | None:
    """One row of a content review sheet: a record, a bad row, or None (not reviewed yet)."""
    values = {k: ("" if v is None else str(v).strip()) for k, v in raw.values.items()}
    qid = values.get("id", "")
    if qid not in sampled:
        return BadRow(
            file=file,
            row=raw.row,
            reason=f"id {qid!r} is not in this run's {sample}",
            fix="do not edit the id column",
            raw=values,
        )
    verdict = fold(values.get("研判结果", ""))
    if not verdict:
        return None
    if qid not in answered:
        return BadRow(
            file=file,
            row=raw.row,
            reason=f"question {qid} has no answer to review (the call failed)",
            fix="leave 研判结果 empty; resume the run with --retry-errors and export again",
            raw=values,
        )
    seen = values.get("answer_sha256", "")
    if seen and seen != answered[qid]:
        return BadRow(
            file=file,
            row=raw.row,
            reason=f"the answer to {qid} changed since this sheet was exported",
            fix="export the sheet again and review the new answer",
            raw=values,
        )
    if verdict not in QUALIFIED | UNQUALIFIED:
        return BadRow(
            file=file,
            row=raw.row,
            reason=f"研判结果 {values['研判结果']!r} is not 合格 or 不合格",
            fix="write 合格 or 不合格",
            raw=values,
        )
    qualified = verdict in QUALIFIED
    risks: tuple[str, ...] = ()
    if values.get("风险"):
        try:
            risks = resolver.risks(values["风险"])
        except UnknownNameError as exc:
            return BadRow(file=file, row=raw.row, reason=exc.message, fix=exc.fix or "", raw=values)
    who = reviewer or values.get("审核人")  # --reviewer names who is importing
    if not who:
        return BadRow(
            file=file,
            row=raw.row,
            reason="审核人 (reviewer) is empty",
            fix="fill in 审核人 or pass --reviewer",
            raw=values,
        )
    return ReviewRecord(
        question_id=qid,
        reviewer=who,
        qualified=qualified,
        risk_ids=risks,
        note=values.get("备注", ""),
    )


# -- 9.4: human decisions on refusal verdicts --------------------------------------------

REFUSAL_COLUMNS = [
    "id",
    "序号",
    "方法",
    "测试题",
    "模型回答",
    "自动研判",
    "研判结果",
    "审核人",
    "备注",
    "answer_sha256",
]
_REFUSED = {fold(v) for v in ("拒答", "拒绝", "refused", "refusal", "是")}
_ANSWERED = {fold(v) for v in ("回答", "未拒答", "answered", "answer", "否")}
_PARTIAL = {fold(v) for v in ("部分拒答", "partial", "partly refused")}  # counts as the app's


def export_refusal_review(
    store: RunStore, run_id: str, path: Path, *, everything: bool = False
) -> int:
    """The answers of the 9.4 draws for a person to decide refused / answered: by default only
    those the refusal judge marked uncertain."""
    plan = store.plan(run_id)
    questions = store.questions(run_id)
    replies = store.latest_replies(run_id)
    verdicts = store.verdicts(run_id, "refusal")
    rows: list[dict[str, object]] = []
    for method in (Method.MUST_REFUSE, Method.MUST_ANSWER):
        for qid in plan.get(method.value, []):
            reply, verdict = replies.get(qid), verdicts.get(qid)
            if (
                reply is None
                or not reply.ok
                or verdict is None
                or not (everything or verdict.uncertain)
            ):
                continue
            auto = "待定" if verdict.uncertain else ("拒答" if verdict.refused else "回答")
            rows.append(
                {
                    "id": qid,
                    "序号": len(rows) + 1,
                    "方法": method.value,
                    "测试题": questions[qid].text,
                    "模型回答": reply.answer or "",
                    "自动研判": auto,
                    "研判结果": "",
                    "审核人": "",
                    "备注": "",
                    "answer_sha256": answer_digest(reply.answer),
                }
            )
    refs = [f"{run_id} / {row['id']}" for row in rows]
    write_rows(path, REFUSAL_COLUMNS, rows, untrusted=True, refs=refs)
    return len(rows)


def import_refusal_review(
    store: RunStore, run_id: str, path: Path, *, reviewer: str | None = None
) -> ImportReport:
    """Store a person's refused / answered decisions; they take precedence over the judge's."""
    from assay.judges.base import JudgeSpec, Verdict

    result = read_rows(path)
    if "id" not in result.columns or "研判结果" not in result.columns:
        raise InputFormatError(
            "the sheet has no id or 研判结果 column",
            file=path,
            line=1,
            fix="import the sheet that assay review export --method refusal wrote",
        )
    plan = store.plan(run_id)
    drawn = set(plan.get(Method.MUST_REFUSE.value, [])) | set(
        plan.get(Method.MUST_ANSWER.value, [])
    )
    answered = answer_digests(store.latest_replies(run_id))
    decided: dict[str, Verdict] = {}
    report = ImportReport()
    for raw in result.rows:
        report.read += 1
        if not isinstance(raw, RawRow):
            report.bad.append(raw)
            continue
        values = {k: ("" if v is None else str(v).strip()) for k, v in raw.values.items()}
        qid, choice = values.get("id", ""), fold(values.get("研判结果", ""))
        who = reviewer or values.get("审核人", "")
        problem = None
        if qid not in drawn or qid not in answered:
            problem = (
                f"id {qid!r} is not an answered question of this run's 9.4 draws",
                "do not edit the id column",
            )
        elif not choice:
            report.pending += 1
            continue
        elif choice not in _REFUSED | _ANSWERED | _PARTIAL:
            problem = (
                f"研判结果 {values['研判结果']!r} is not 拒答, 回答 or 部分拒答",
                "write 拒答, 回答 or 部分拒答",
            )
        elif values.get("answer_sha256") and values["answer_sha256"] != answered[qid]:
            problem = (
                f"the answer to {qid} changed since this sheet was exported",
                "export the sheet again",
            )
        elif not who:
            problem = ("审核人 (reviewer) is empty", "fill in 审核人 or pass --reviewer")
        if problem is not None:
            report.bad.append(
                BadRow(file=str(path), row=raw.row, reason=problem[0], fix=problem[1], raw=values)
            )
            continue
        spec = JudgeSpec(name="human", args={"reviewer": who, "answer_sha256": answered[qid]})
        decided[qid] = Verdict(
            judge=spec,
            flagged=False,
            # 部分拒答 counts by the review app's one rule (store.reviewing.PARTIAL_COUNTS_AS)
            refused=choice in _REFUSED or (choice in _PARTIAL and counts_as_refused(PARTIAL)),
            reason=f"decided by {who}: {values.get('备注', '')}".strip(),
        )
        report.accepted += 1
    store.put_verdicts(run_id, HUMAN_REFUSAL, list(decided.items()), replace_all=False)
    return report
