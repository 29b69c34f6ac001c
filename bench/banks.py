"""Bank loading and checking at filing-practice sizes (seeded, self-contained).

Regulators' own tests reportedly use 20k-70k questions (STANDARD.md, S22); keyword libraries
run to 100k entries. Prints rows/s for loading each format and the time of a full check.

    .venv/bin/python bench/banks.py [--keywords 100000] [--questions 70000]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import date
from pathlib import Path

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

CHARS = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]


def text(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(CHARS) for _ in range(n))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--keywords", type=int, default=100_000)
    parser.add_argument("--questions", type=int, default=70_000)
    args = parser.parse_args()
    profile = load_profile()
    rng = random.Random(1)
    risks = [r.id for r in profile.risks]
    today = date(2026, 11, 23)
    library = KeywordLibrary(
        entries=[
            KeywordEntry(
                keyword=text(rng, rng.randint(2, 6)), risk_ids=(rng.choice(risks),), updated=today
            )
            for _ in range(args.keywords)
        ]
    )
    bank = QuestionBank(
        kind=QuestionKind.CONTENT,
        items=[
            Question(
                id=f"q{i}",
                text=text(rng, rng.randint(12, 40)),
                kind=QuestionKind.CONTENT,
                risk_ids=(rng.choice(risks),),
                updated=today,
            )
            for i in range(args.questions)
        ],
    )
    with tempfile.TemporaryDirectory() as tmp:
        for suffix in ("csv", "jsonl", "xlsx"):
            kw_path = Path(tmp) / f"kw.{suffix}"
            q_path = Path(tmp) / f"q.{suffix}"
            save_keywords(library, kw_path, profile)
            save_questions(bank, q_path, profile)
            t0 = time.perf_counter()
            loaded_kw, _ = load_keywords(kw_path, profile)
            t1 = time.perf_counter()
            loaded_q, _ = load_questions(q_path, profile, QuestionKind.CONTENT)
            t2 = time.perf_counter()
            print(
                f"load {suffix:5}: keywords {len(loaded_kw) / (t1 - t0):>9,.0f} rows/s, "
                f"questions {len(loaded_q) / (t2 - t1):>9,.0f} rows/s"
            )
    t0 = time.perf_counter()
    check_bank(BankKind.KEYWORDS, library, profile, today=today)
    t1 = time.perf_counter()
    result = check_bank(BankKind.CONTENT, bank, profile, today=today)
    t2 = time.perf_counter()
    print(f"check keywords ({args.keywords:,}): {t1 - t0:.2f} s")
    print(
        f"check questions ({args.questions:,}, with near-duplicate search): {t2 - t1:.2f} s, "
        f"{len(result.duplicates)} duplicate groups"
    )


if __name__ == "__main__":
    main()
