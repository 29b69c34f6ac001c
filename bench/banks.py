"""Bank loading and checking at filing-practice sizes (seeded, self-contained).

Regulators' own tests reportedly use 20k-70k questions (STANDARD.md, S22); keyword libraries
run to 100k entries. Each figure is measured in a fresh process (so its peak resident memory
is that job's alone), CPU time beside wall time. Goals (issue 17):

- ``banks check`` of 70,000 questions (load + check, near-duplicate search included):
  <= 5 s CPU, <= 300 MB peak;
- loading an XLSX bank: >= 30,000 rows/s (as openpyxl writes it, inline strings; and as Excel
  saves it, shared strings);
- loading a 100 MB CSV bank: <= 20 s CPU, <= 500 MB peak.

    .venv/bin/python bench/banks.py [--keywords 100000] [--questions 70000] [--csv-mb 100]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import date
from pathlib import Path

from _common import cpu_seconds, peak_rss_mb, record

from assay.banks.check import check_bank
from assay.banks.io import load_keywords, load_questions, save_keywords, save_questions
from assay.banks.models import (
    BankKind,
    KeywordEntry,
    KeywordLibrary,
    Question,
    QuestionBank,
    QuestionKind,
)
from assay.standard import load_profile

BENCH = "banks"
CHARS = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]
TODAY = date(2026, 11, 23)


def text(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(CHARS) for _ in range(n))


def questions(n: int, risks: list[str], rng: random.Random) -> QuestionBank:
    return QuestionBank(
        kind=QuestionKind.CONTENT,
        items=[
            Question(
                id=f"q{i}",
                text=text(rng, rng.randint(12, 40)),
                kind=QuestionKind.CONTENT,
                risk_ids=(rng.choice(risks),),
                updated=TODAY,
            )
            for i in range(n)
        ],
    )


def child(job: str, path: Path, kind: str) -> None:
    """One job in this fresh process; prints its CPU, wall, peak memory and row count."""
    profile = load_profile()
    cpu, wall = cpu_seconds(), time.perf_counter()
    rows = 0
    if job == "load" and kind == "keywords":
        library, _ = load_keywords(path, profile)
        rows = len(library.entries)
    elif job == "load":
        bank, _ = load_questions(path, profile, QuestionKind.CONTENT)
        rows = len(bank.items)
    elif job == "check":
        bank, report = load_questions(path, profile, QuestionKind.CONTENT)
        check_bank(BankKind.CONTENT, bank, profile, today=TODAY, load=report)
        rows = len(bank.items)
    print(
        json.dumps(
            {
                "cpu": cpu_seconds() - cpu,
                "wall": time.perf_counter() - wall,
                "rss": peak_rss_mb(),
                "rows": rows,
            }
        )
    )


def fresh(job: str, path: Path, kind: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", job, str(path), kind],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return result


def big_csv(path: Path, megabytes: int, risks: list[str], rng: random.Random) -> int:
    """A question bank CSV of about ``megabytes`` MB, written row by row."""
    rows = 0
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "text", "kind", "risk_ids", "updated"])
        while fh.tell() < megabytes * 1_000_000:
            for _ in range(1000):
                writer.writerow(
                    [
                        f"q{rows}",
                        text(rng, rng.randint(12, 60)),
                        "content",
                        rng.choice(risks),
                        TODAY.isoformat(),
                    ]
                )
                rows += 1
    return rows


def excel_style(source: Path, target: Path) -> None:
    """``source`` (written by openpyxl: inline strings) as Excel saves it: every text in the
    shared-string table, each cell a reference to it."""
    with zipfile.ZipFile(source) as book:
        entries = [(i.filename, book.read(i.filename)) for i in book.infolist()]
    strings: dict[bytes, int] = {}

    def shared(match: re.Match[bytes]) -> bytes:
        index = strings.setdefault(match.group(3), len(strings))
        return b'<c r="%s"%s t="s"><v>%d</v></c>' % (match.group(1), match.group(2), index)

    cell = (
        rb'<c r="([A-Z]+\d+)"((?: s="\d+")?) t="inlineStr"><is><t(?: [^>]*)?>([^<]*)</t></is></c>'
    )
    ns = b"http://schemas.openxmlformats.org/"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as book:
        for name, data in entries:
            if name.startswith("xl/worksheets/"):
                data = re.sub(cell, shared, data)
            elif name == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>",
                    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
                    b'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
                )
            elif name == "xl/_rels/workbook.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdStrings" Target="sharedStrings.xml" Type="'
                    + ns
                    + b'officeDocument/2006/relationships/sharedStrings"/></Relationships>',
                )
            book.writestr(name, data)
        items = b"".join(
            b'<si><t xml:space="preserve">%s</t></si>' % s
            if s != s.strip()
            else b"<si><t>%s</t></si>" % s
            for s in strings
        )
        book.writestr(
            "xl/sharedStrings.xml",
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="'
            + ns
            + b'spreadsheetml/2006/main" count="%d" uniqueCount="%d">%s</sst>'
            % (len(strings), len(strings), items),
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keywords", type=int, default=100_000)
    parser.add_argument("--questions", type=int, default=70_000)
    parser.add_argument("--csv-mb", type=int, default=100)
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]), args.child[2])
        return
    profile = load_profile()
    rng = random.Random(1)
    risks = [r.id for r in profile.risks]
    library = KeywordLibrary(
        entries=[
            KeywordEntry(
                keyword=text(rng, rng.randint(2, 6)), risk_ids=(rng.choice(risks),), updated=TODAY
            )
            for _ in range(args.keywords)
        ]
    )
    bank = questions(args.questions, risks, rng)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for suffix in ("csv", "jsonl", "xlsx"):
            kw_path, q_path = folder / f"kw.{suffix}", folder / f"q.{suffix}"
            save_keywords(library, kw_path, profile)
            save_questions(bank, q_path, profile)
            kw, q = fresh("load", kw_path, "keywords"), fresh("load", q_path, "questions")
            for label, got in (("keywords", kw), ("questions", q)):
                rate = got["rows"] / got["cpu"]
                ok = rate >= 30_000 if suffix == "xlsx" else None
                record(
                    BENCH,
                    f"load {suffix}, {int(got['rows']):,} {label}",
                    f"{rate:,.0f} rows/s of CPU ({got['cpu']:.2f} s CPU, {got['wall']:.2f} s wall, "
                    f"peak {got['rss']:.0f} MB)",
                    goal=">= 30,000 rows/s" if suffix == "xlsx" else "",
                    ok=ok,
                )
        excel = folder / "q-excel.xlsx"
        excel_style(folder / "q.xlsx", excel)
        got = fresh("load", excel, "questions")
        rate = got["rows"] / got["cpu"]
        record(
            BENCH,
            f"load xlsx as Excel saves it (shared strings), {int(got['rows']):,} questions",
            f"{rate:,.0f} rows/s of CPU ({got['cpu']:.2f} s CPU, {got['wall']:.2f} s wall, "
            f"peak {got['rss']:.0f} MB)",
            goal=">= 30,000 rows/s",
            ok=rate >= 30_000,
        )
        got = fresh("check", folder / "q.csv", "questions")
        record(
            BENCH,
            f"banks check, {args.questions:,} questions (load + check)",
            f"{got['cpu']:.2f} s CPU, {got['wall']:.2f} s wall",
            goal="<= 5 s CPU",
            ok=got["cpu"] <= 5,
        )
        record(
            BENCH,
            f"banks check, {args.questions:,} questions: peak memory",
            f"{got['rss']:.0f} MB",
            goal="<= 300 MB",
            ok=got["rss"] <= 300,
        )
        cpu, wall = cpu_seconds(), time.perf_counter()
        check_bank(BankKind.KEYWORDS, library, profile, today=TODAY)
        record(
            BENCH,
            f"check keywords ({args.keywords:,}, in process)",
            f"{cpu_seconds() - cpu:.2f} s CPU, {time.perf_counter() - wall:.2f} s wall",
        )
        path = folder / "big.csv"
        rows = big_csv(path, args.csv_mb, risks, rng)
        size = path.stat().st_size / 1e6
        got = fresh("load", path, "questions")
        record(
            BENCH,
            f"load a {size:.0f} MB CSV bank ({rows:,} rows)",
            f"{got['cpu']:.1f} s CPU, {got['wall']:.1f} s wall",
            goal="<= 20 s CPU",
            ok=got["cpu"] <= 20,
        )
        record(
            BENCH,
            f"load a {size:.0f} MB CSV bank: peak memory",
            f"{got['rss']:.0f} MB",
            goal="<= 500 MB",
            ok=got["rss"] <= 500,
        )


if __name__ == "__main__":
    main()
