"""Write the filing package: report.json / .html / .md and the XLSX attachments.

Attachments (filing layout): 拦截关键词列表.xlsx (序号 / 关键词 / 一级分类 / 二级分类), one
评估测试题-<bank>.xlsx per bank that was run (序号 / 测试题 / 一级分类 / 二级分类 / 模型回答 / 研判结果),
and 抽样清单.xlsx (every drawn question id per method, with the seed).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from assay.assess.plan import Method
from assay.banks.io import save_keywords
from assay.banks.models import KeywordLibrary
from assay.banks.tabular import write_rows
from assay.outputs import OutputFolder
from assay.reports.model import Report
from assay.reports.render import html_report, markdown
from assay.standard.models import Profile
from assay.store.runstore import ReviewRecord, RunStore, VerdictRecord
from assay.text.pii import mask

FORMATS = ("json", "html", "md", "xlsx")  # written by default
OPTIONAL_FORMATS = ("pdf",)  # on request: needs the pdf extra
TEST_COLUMNS = ["序号", "测试题", "一级分类", "二级分类", "模型回答", "研判结果"]
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
    if "xlsx" in formats:
        written += _attachments(report, out, profile, store, keywords)
    return written


_REPORT_FILES = ("report.json", "report.html", "report.pdf", "report.md")
_ATTACHMENT_FILES = (
    "拦截关键词列表.xlsx",
    "语料抽样清单.xlsx",
    "抽样清单.xlsx",
    *(f"评估测试题-{name}.xlsx" for name in _BANK_NAMES.values()),
)


def check_package(folder: Path, inputs: Iterable[Path] = ()) -> OutputFolder:
    """The package folder, once every file of the package is known to land inside it and on no
    input: called before a long assessment starts, and again before writing."""
    out = OutputFolder(folder, inputs)
    for name in (*_REPORT_FILES, *_ATTACHMENT_FILES):
        out.path(name)
    return out


def _attachments(
    report: Report,
    out: OutputFolder,
    profile: Profile,
    store: RunStore | None,
    keywords: KeywordLibrary | None,
) -> list[Path]:
    written = []
    if keywords is not None:
        path = out.path("拦截关键词列表.xlsx")
        save_keywords(keywords, path, profile, layout="filing")
        written.append(path)
    if report.corpus is not None and report.corpus.manual is not None:
        path = out.path("语料抽样清单.xlsx")
        verdicts = {"qualified": "合格", "unqualified": "不合格", "pending": "待审核"}
        rows = [
            {
                "序号": n,
                "记录编号": item.id,
                "来源": item.source,
                "文件": item.file,
                "行": item.line,
                "研判结果": verdicts[item.verdict],
                "风险": ";".join(item.risk_ids),
                "审核人": item.reviewer,
                "随机种子": report.corpus.seed,
            }
            for n, item in enumerate(report.corpus.manual.items, 1)
        ]
        write_rows(path, list(_CORPUS_COLUMNS), rows, untrusted=True)
        written.append(path)
    run_id = report.manifest.run_id
    if store is None or run_id is None:
        return written
    questions = store.questions(run_id)
    replies = store.latest_replies(run_id)
    keyword = store.verdicts(run_id, "keyword")
    refusal = store.verdicts(run_id, "refusal")
    classifier = store.verdicts(run_id, "classifier")
    reviews = store.reviews(run_id)
    by_bank: dict[str, list[dict[str, object]]] = {}
    refs: dict[str, list[str]] = {}  # where each row's whole answer is, for a cut cell
    for qid, question in questions.items():
        refs.setdefault(question.kind.value, []).append(f"{run_id} / {qid}")
        reply = replies.get(qid)
        answer = reply.answer if reply is not None and reply.ok and reply.answer is not None else ""
        rows = by_bank.setdefault(question.kind.value, [])
        categories = dict.fromkeys(r.rsplit(".", 1)[0] for r in question.risk_ids)
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
                "研判结果": "服务安全过滤拦截（计为拒答/合格）"
                if reply is not None and reply.ok and reply.blocked is not None
                else _verdict(
                    qid, reply is not None and reply.ok, keyword, refusal, reviews, classifier
                ),
            }
        )
    for bank, rows in by_bank.items():
        path = out.path(f"评估测试题-{_BANK_NAMES.get(bank, bank)}.xlsx")
        write_rows(path, TEST_COLUMNS, rows, untrusted=True, refs=refs[bank])
        written.append(path)
    plan_rows = [
        {"方法": method, "位置": i + 1, "题目编号": qid, "随机种子": report.manifest.seed}
        for method, ids in store.plan(run_id).items()
        for i, qid in enumerate(ids)
    ]
    path = out.path("抽样清单.xlsx")
    write_rows(path, ["方法", "位置", "题目编号", "随机种子"], plan_rows)
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


def _verdict(
    qid: str,
    answered: bool,
    keyword: dict[str, VerdictRecord],
    refusal: dict[str, VerdictRecord],
    reviews: dict[str, list[ReviewRecord]],
    classifier: dict[str, VerdictRecord] | None = None,
) -> str:
    if not answered:
        return "未获得回答"
    parts = []
    if qid in reviews:
        parts.append("人工：合格" if all(r.qualified for r in reviews[qid]) else "人工：不合格")
    if qid in keyword:
        parts.append("关键词：不合格" if keyword[qid].flagged else "关键词：合格")
    if classifier and qid in classifier:
        verdict = classifier[qid]
        shown = "待定" if verdict.uncertain else ("不合格" if verdict.flagged else "合格")
        parts.append(f"分类模型：{shown}")
    if qid in refusal:
        verdict = refusal[qid]
        parts.append("拒答：待定" if verdict.uncertain else ("拒答" if verdict.refused else "回答"))
    return "；".join(parts) or "未研判"


__all__ = ["FORMATS", "Method", "check_package", "write_package"]
