"""Report benchmark: render the package of a large run, printing time and peak memory per format.

A run with 3,000 content answers (keyword method) and 600 refusal answers (300 + 300), judged,
a 10,000-keyword library (the least the standard asks for: its 拦截关键词列表 annex), and a corpus
assessment with a 4,000-record manual sample read back from a filled sheet (plus
the per-source screen and the technical sample of a generated corpus), then build_report and
each rendering, CPU time beside wall time. Goal (issue 17): the whole package, XLSX annexes
included, in under 5 s of CPU.

    .venv/bin/python bench/report.py
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path

from _common import cpu_seconds, peak_rss_mb, record

from assay.assess.execute import Budget
from assay.assess.judging import judge_run
from assay.assess.plan import Method
from assay.assess.results import results
from assay.assess.run import run_target
from assay.banks.models import KeywordEntry, KeywordLibrary, Question, QuestionKind
from assay.corpus.manual import export_manual
from assay.corpus.results import CorpusResults, assess_corpus
from assay.judges.keyword import KeywordJudge
from assay.judges.refusal import RefusalJudge
from assay.reports.build import build_report
from assay.reports.package import write_package
from assay.standard import Profile, load_profile
from assay.store.runstore import RunStore
from assay.targets import CallableTarget

BENCH = "report"


def corpus_project(folder: Path, profile: Profile, judge: KeywordJudge) -> CorpusResults:
    """A generated two-source corpus and a filled 4,000-row manual sheet, assessed."""
    import csv
    import json

    (folder / "corpus").mkdir(parents=True)
    for name, count in (("web", 6000), ("books", 4000)):
        with (folder / "corpus" / f"{name}.jsonl").open("w", encoding="utf-8") as out:
            for i in range(count):
                text = (
                    f"{name} 第{i}条语料，内容平实，联系电话 1381234{i % 10000:04d}。" + "文字" * 40
                )
                out.write(json.dumps({"id": f"{name}{i}", "text": text}, ensure_ascii=False) + "\n")
    sources = folder / "sources.yaml"
    sources.write_text(
        "sources:\n"
        "  - {id: web, kind: self_collected, paths: [corpus/web.jsonl], collection_records: log}\n"
        "  - {id: books, kind: commercial, paths: [corpus/books.jsonl], contract: c, commitments: c}\n",
        "utf-8",
    )
    sheet = folder / "manual.csv"
    export_manual(sources, profile, sheet, seed=1)
    with sheet.open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    for n, row in enumerate(rows):
        row["研判结果"] = "不合格" if n % 50 == 0 else "合格"
        row["审核人"] = "reviewer"
    with sheet.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return assess_corpus(sources, profile, judge=judge, seed=1, manual_sheet=sheet)


def main() -> None:
    profile = load_profile()
    risks = [r.id for r in profile.risks]
    content = [
        Question(
            id=f"c{i}",
            text=f"生成内容测试题 {i}",
            kind=QuestionKind.CONTENT,
            risk_ids=(risks[i % 31],),
        )
        for i in range(3000)
    ]
    refuse = [
        Question(
            id=f"r{i}", text=f"应拒答测试题 {i}", kind=QuestionKind.MUST_REFUSE, risk_ids=("A.1.d",)
        )
        for i in range(300)
    ]
    answer = [
        Question(
            id=f"a{i}", text=f"非拒答测试题 {i}", kind=QuestionKind.MUST_ANSWER, aspect="NR.history"
        )
        for i in range(300)
    ]
    with tempfile.TemporaryDirectory() as tmp:
        store = RunStore(f"sqlite:///{Path(tmp) / 'runs.sqlite'}")
        store.create_run(
            "bench",
            kind="all",
            profile_id=profile.id,
            profile_sha256="-",
            target={"kind": "callable"},
            settings={"seed": 1},
            questions=content + refuse + answer,
            draws={
                Method.KEYWORD.value: [q.id for q in content],
                Method.MUST_REFUSE.value: [q.id for q in refuse],
                Method.MUST_ANSWER.value: [q.id for q in answer],
            },
        )

        def reply(text: str) -> str:
            n = int(text.rsplit(" ", 1)[1])
            if n % 7 == 0:
                return "抱歉，我不能回答这个问题。"
            return f"这是第 {n} 个回答，包含一些说明文字，联系电话 13812345678，" + "内容" * 80

        asyncio.run(run_target(store, "bench", CallableTarget(reply), workers=16, budget=Budget()))
        judge = KeywordJudge(
            KeywordLibrary(entries=[KeywordEntry(keyword="说明文字", risk_ids=("A.1.g",))])
        )
        judge_run(store, "bench", keyword=judge, refusal=RefusalJudge())
        started = time.perf_counter()
        corpus = corpus_project(Path(tmp) / "corpus", profile, judge)
        assert corpus.manual is not None
        print(
            f"corpus assessment (setup, not timed below): {len(corpus.manual.items):,} manual "
            f"samples, {corpus.technical.sampled if corpus.technical else 0:,} technical, "
            f"{time.perf_counter() - started:.1f} s"
        )
        cpu, wall = cpu_seconds(), time.perf_counter()
        run = results(store, "bench", profile)
        report = build_report(
            project="bench",
            profile=profile,
            banks=None,
            store=store,
            run=run,
            measures=None,
            signatories=[],
            corpus=corpus,
        )
        total_cpu, total_wall = cpu_seconds() - cpu, time.perf_counter() - wall
        record(BENCH, "build the report", f"{total_cpu:.2f} s CPU, {total_wall:.2f} s wall")
        library = KeywordLibrary(
            entries=[
                KeywordEntry(keyword=f"关键词{i}", risk_ids=(risks[i % 17],)) for i in range(10_000)
            ]
        )
        for fmt in ("json", "html", "md", "xlsx"):
            cpu, wall = cpu_seconds(), time.perf_counter()
            write_package(
                report,
                Path(tmp) / "out",
                formats=[fmt],
                profile=profile,
                store=store,
                keywords=library,
            )
            spent, waited = cpu_seconds() - cpu, time.perf_counter() - wall
            total_cpu, total_wall = total_cpu + spent, total_wall + waited
            record(BENCH, f"write {fmt}", f"{spent:.2f} s CPU, {waited:.2f} s wall")
        record(
            BENCH,
            "report package: build + JSON + HTML + Markdown + XLSX annexes",
            f"{total_cpu:.2f} s CPU, {total_wall:.2f} s wall",
            goal="< 5 s CPU",
            ok=total_cpu < 5,
        )
        rss = peak_rss_mb()
        record(BENCH, "peak resident memory", f"{rss:.0f} MB", goal="< 500 MB", ok=rss < 500)


if __name__ == "__main__":
    main()
