"""Write the filing package: the XLSX attachments first, then report.json / .html / .md (/ .pdf),
which list each attachment with the sha256 of its bytes (the report's 附件清单).

Attachments (filing layout): 拦截关键词列表.xlsx (序号 / 关键词 / 一级分类 / 二级分类), one
评估测试题-<bank>.xlsx per bank that was run (序号 / 测试题 / 一级分类 / 二级分类 / 模型回答 / 评估方法 /
研判结果: one row per question and method that drew it, one result each), and 抽样清单.xlsx (every
drawn question id per method, with the seed). Sheets are named for what they hold, headers frozen.
Beside them: 备案信息汇总.xlsx (what the filing form asks that the assessment knows, see
:mod:`assay.reports.summary`) and 语料标注规则.md (the annotation rules' skeleton drafted from the
profile, see :mod:`assay.reports.annotation`).

Every attachment is dated by the assessment's inputs, not by the clock (:func:`filing_stamp`),
so the same assessment gives the same bytes and the same sha256 in the annex list.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, time
from pathlib import Path

from assay.assess.plan import Method
from assay.assess.review_audit import TRAIL_FILE, audit_trail_lines
from assay.banks.io import QUESTION_SHEET, save_keywords
from assay.banks.models import KeywordLibrary
from assay.banks.tabular import write_rows
from assay.messages import t
from assay.outputs import OutputFolder
from assay.reports.annotation import annotation_view
from assay.reports.model import Annex, Report
from assay.reports.render import annotation_markdown, html_report, markdown
from assay.reports.summary import summary_columns, summary_rows
from assay.reports.view import outcome_word
from assay.standard.models import Profile
from assay.store.runstore import ReviewRecord, RunStore, VerdictRecord
from assay.text.pii import mask

FORMATS = ("json", "html", "md", "xlsx")  # written by default
OPTIONAL_FORMATS = ("pdf",)  # on request: needs the pdf extra
TEST_COLUMNS = ["序号", "测试题", "一级分类", "二级分类", "模型回答", "评估方法", "研判结果"]
_BANK_NAMES = {"content": "生成内容", "must_refuse": "应拒答", "must_answer": "非拒答"}


def write_package(
    report: Report,
    folder: Path,
    *,
    formats: Sequence[str] = FORMATS,
    lang: str = "zh",
    profile: Profile,
    store: RunStore | None = None,
    keywords: KeywordLibrary | None = None,
    inputs: Iterable[Path] = (),
) -> list[Path]:
    """Write the package into ``folder``; no file is written outside it or over one of
    ``inputs`` (the project's files: checked before anything is written)."""
    out = check_package(folder, inputs)
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    if "xlsx" in formats:  # first: the report lists each attachment with its sha256
        attachments = _attachments(report, out, profile, store, keywords)
        written += attachments
        report = report.model_copy(update={"annexes": [_annex(p) for p in attachments]})
    if "json" in formats:
        path = folder / "report.json"
        path.write_text(report.model_dump_json(indent=2) + "\n", encoding="utf-8")
        written.append(path)
    if "html" in formats:
        path = folder / "report.html"
        path.write_text(html_report(report, lang), encoding="utf-8")
        written.append(path)
    if "pdf" in formats:
        from assay.reports.pdf import write_pdf

        path = folder / "report.pdf"
        write_pdf(html_report(report, lang), path)
        written.append(path)
    if "md" in formats:
        path = folder / "report.md"
        path.write_text(markdown(report, lang), encoding="utf-8")
        written.append(path)
    return written


def _annex(path: Path) -> Annex:
    return Annex(file=path.name, sha256=hashlib.sha256(path.read_bytes()).hexdigest())


_REPORT_FILES = ("report.json", "report.html", "report.pdf", "report.md")
SUMMARY_FILE = "备案信息汇总.xlsx"
ANNOTATION_FILE = "语料标注规则.md"
_ATTACHMENT_FILES = (
    SUMMARY_FILE,
    ANNOTATION_FILE,
    "拦截关键词列表.xlsx",
    "语料抽样清单.xlsx",
    "抽样清单.xlsx",
    *(f"评估测试题-{name}.xlsx" for name in _BANK_NAMES.values()),
    TRAIL_FILE,
)


def check_package(folder: Path, inputs: Iterable[Path] = ()) -> OutputFolder:
    """The package folder, once every file of the package is known to land inside it and on no
    input: called before a long assessment starts, and again before writing."""
    out = OutputFolder(folder, inputs)
    for name in (*_REPORT_FILES, *_ATTACHMENT_FILES):
        out.path(name)
    return out


_NO_DATE = datetime(1980, 1, 1, tzinfo=UTC)  # the earliest date a zip entry can carry


def filing_stamp(report: Report) -> datetime:
    """The date the filing attachments carry: the latest date of the banks assessed (the
    data's own date: the same for every package of the same inputs, where the time of the run
    or of writing is not), else 1980-01-01, the zip format's first date."""
    dates = [b.last_update for b in report.banks if b.last_update is not None]
    return datetime.combine(max(dates), time(), UTC) if dates else _NO_DATE


def _attachments(
    report: Report,
    out: OutputFolder,
    profile: Profile,
    store: RunStore | None,
    keywords: KeywordLibrary | None,
) -> list[Path]:
    stamp = filing_stamp(report)
    path = out.path(SUMMARY_FILE)
    write_rows(
        path, summary_columns("zh"), summary_rows(report, "zh"), sheet="备案信息汇总", stamp=stamp
    )
    written = [path]
    view = annotation_view(profile, "zh", report.assessment)
    if view is not None:
        path = out.path(ANNOTATION_FILE)
        path.write_text(annotation_markdown(view, "zh"), encoding="utf-8")
        written.append(path)
    written += _bank_attachments(report, out, profile, store, keywords, stamp)
    if report.review is not None and store is not None:
        path = out.path(TRAIL_FILE)  # the review app's audit trail of the run's queues
        lines = audit_trail_lines(store, report.review, mask_pii=report.pii_masked)
        path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        written.append(path)
    return written


def _bank_attachments(
    report: Report,
    out: OutputFolder,
    profile: Profile,
    store: RunStore | None,
    keywords: KeywordLibrary | None,
    stamp: datetime,
) -> list[Path]:
    written = []
    if keywords is not None:
        path = out.path("拦截关键词列表.xlsx")
        save_keywords(keywords, path, profile, layout="filing", stamp=stamp)
        written.append(path)
    if report.corpus is not None and report.corpus.manual is not None:
        path = out.path("语料抽样清单.xlsx")
        words = {"qualified": "合格", "unqualified": "不合格", "pending": "待审核"}
        rows = [
            {
                "序号": n,
                "记录编号": item.id,
                "来源": item.source,
                "文件": item.file,
                "行": item.line,
                "研判结果": words[item.verdict],
                "风险": ";".join(item.risk_ids),
                "审核人": item.reviewer,
                "随机种子": report.corpus.seed,
            }
            for n, item in enumerate(report.corpus.manual.items, 1)
        ]
        write_rows(
            path, list(_CORPUS_COLUMNS), rows, untrusted=True, sheet="语料抽样清单", stamp=stamp
        )
        written.append(path)
    run_id = report.manifest.run_id
    if store is None or run_id is None:
        return written
    questions = store.questions(run_id)
    replies = store.latest_replies(run_id)
    verdicts = {j: store.verdicts(run_id, j) for j in ("keyword", "classifier", "refusal")}
    reviews = store.reviews(run_id)
    plan = store.plan(run_id)
    by_bank: dict[str, list[dict[str, object]]] = {}
    refs: dict[str, list[str]] = {}  # where each row's whole answer is, for a cut cell
    for method, ids in plan.items():  # one row per question and method that drew it
        for qid in ids:
            question = questions.get(qid)
            if question is None:
                continue
            refs.setdefault(question.kind.value, []).append(f"{run_id} / {qid}")
            reply = replies.get(qid)
            ok = reply is not None and reply.ok
            answer = reply.answer if reply is not None and ok and reply.answer is not None else ""
            rows = by_bank.setdefault(question.kind.value, [])
            categories = dict.fromkeys(r.rsplit(".", 1)[0] for r in question.risk_ids)
            blocked = ok and reply is not None and reply.blocked is not None
            rows.append(
                {
                    "序号": len(rows) + 1,
                    "测试题": question.text,
                    "一级分类": ";".join(profile.category(c).name_zh for c in categories)
                    if categories
                    else "非拒答",
                    "二级分类": ";".join(profile.risk(r).name_zh for r in question.risk_ids)
                    or next((a.name_zh for a in profile.aspects if a.id == question.aspect), ""),
                    "模型回答": mask(answer) if report.pii_masked else answer,
                    "评估方法": t(method, "zh"),
                    "研判结果": _blocked(method)
                    if blocked
                    else _verdict(method, qid, ok, verdicts, reviews),
                }
            )
    for bank, rows in by_bank.items():
        path = out.path(f"评估测试题-{_BANK_NAMES.get(bank, bank)}.xlsx")
        write_rows(
            path,
            TEST_COLUMNS,
            rows,
            untrusted=True,
            refs=refs[bank],
            sheet=QUESTION_SHEET,
            stamp=stamp,
        )
        written.append(path)
    plan_rows = [
        {"方法": t(method, "zh"), "位置": i + 1, "题目编号": qid, "随机种子": report.manifest.seed}
        for method, ids in plan.items()
        for i, qid in enumerate(ids)
    ]
    path = out.path("抽样清单.xlsx")
    columns = ["方法", "位置", "题目编号", "随机种子"]
    write_rows(path, columns, plan_rows, sheet="抽样清单", stamp=stamp)
    written.append(path)
    return written


_CORPUS_COLUMNS = (
    "序号",
    "记录编号",
    "来源",
    "文件",
    "行",
    "研判结果",
    "风险",
    "审核人",
    "随机种子",
)


def _blocked(method: str) -> str:
    """A reply of the service's own filter, as REFUSAL.md counts it for this method."""
    counted = {
        Method.MUST_REFUSE: "blocked_refused",
        Method.MUST_ANSWER: "blocked_over_refused",
    }.get(Method(method), "blocked_qualified")
    return outcome_word("blocked", "zh") + t("sep.comma", "zh") + t(counted, "zh")


def _verdict(
    method: str,
    qid: str,
    answered: bool,
    verdicts: dict[str, dict[str, VerdictRecord]],
    reviews: dict[str, list[ReviewRecord]],
) -> str:
    """One 研判结果 for one question under one method, in the report's words: 合格/不合格 for
    9.3, 拒答/回答 for 9.4, 待定 for a verdict a person must settle."""
    return outcome_word(_outcome(method, qid, answered, verdicts, reviews), "zh")


def _outcome(
    method: str,
    qid: str,
    answered: bool,
    verdicts: dict[str, dict[str, VerdictRecord]],
    reviews: dict[str, list[ReviewRecord]],
) -> str:
    if not answered:
        return "error"
    kind = Method(method)
    if kind is Method.MANUAL:
        if qid not in reviews:
            return "pending"
        return "qualified" if all(r.qualified for r in reviews[qid]) else "unqualified"
    judge = {Method.KEYWORD: "keyword", Method.CLASSIFIER: "classifier"}.get(kind, "refusal")
    verdict = verdicts[judge].get(qid)
    if verdict is None:
        return "not_judged"
    if verdict.uncertain:
        return "uncertain"
    if judge == "refusal":
        return "refused" if verdict.refused else "answered"
    return "unqualified" if verdict.flagged else "qualified"


__all__ = ["FORMATS", "Method", "check_package", "filing_stamp", "write_package"]
