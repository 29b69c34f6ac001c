"""A large bank loads in the memory of its entries: rows stream from the file into entries.

Measured with tracemalloc (allocations, not time), on a 100,000-row CSV question bank (12 MB).
The bounds, and why:

- peak <= retained + 16 MB: what a load holds besides the entries it returns is the row being
  converted and one piece of the file (a megabyte decoded, and its lines). Reading the whole
  file first, then a list of its rows, then converting (as before) peaked 56 MB above the
  entries at this size, and grows with the file.
- retained <= 500 bytes an entry: an entry is its text (30 CJK characters, 134 bytes), its
  id (56), its row number (32), the model object with the array of its values (184) and its
  place in the list (8): 414 bytes, measured 413. Built as pydantic builds them, entries took
  720 bytes each (measured): each its own ``__dict__`` (272), a new risk tuple (64) and
  a UTF-8 copy of its text (91) that CPython keeps inside the string once pydantic-core has
  checked its length (see ``assay.banks.schema._slim``).
"""

from __future__ import annotations

import csv
import gc
import random
import subprocess
import sys
import tracemalloc
from pathlib import Path

from assay.banks.io import load_questions
from assay.banks.models import QuestionKind
from assay.standard import load_profile

ROWS = 100_000
SLACK = 16 * 1024 * 1024
PER_ENTRY = 500


def _bank(path: Path, rows: int = ROWS) -> None:
    rng = random.Random(7)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "text", "kind", "risk_ids", "updated"])
        for i in range(rows):
            text = "".join(chr(0x4E00 + rng.randrange(3000)) for _ in range(30))
            writer.writerow([f"q{i}", text, "content", "A.1.a", "2026-01-02"])


def test_a_100k_row_csv_loads_in_the_memory_of_its_entries(tmp_path: Path) -> None:
    path = tmp_path / "bank.csv"
    _bank(path)
    profile = load_profile("tc260-003-2024")
    load_questions(path, profile, QuestionKind.CONTENT)  # caches and imports warmed up
    gc.collect()
    tracemalloc.start()
    try:
        bank, report = load_questions(path, profile, QuestionKind.CONTENT)
        retained, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(bank) == report.accepted == ROWS
    assert peak <= retained + SLACK, f"peak {peak:,} B, entries {retained:,} B"
    assert retained <= PER_ENTRY * ROWS, f"{retained / ROWS:.0f} B an entry"


# In a fresh interpreter: questions made the ordinary way first (as a test's factory or a
# caller's code makes them), then a bank loaded. Each new instance of a class narrows how many
# attribute names may still join the table its instances share, so before the names were set
# at import (``assay.banks.models._share_keys``) the entries loaded after a few dozen such
# questions each had a dict of their own: 581 bytes an entry against 500, and the test above
# failed whenever an earlier test in its process had made questions (under pytest-xdist, by
# which worker it landed on).
_AFTER_ORDINARY_QUESTIONS = """
import sys, tracemalloc, datetime
from pathlib import Path
from assay.banks.io import load_questions
from assay.banks.models import Question, QuestionKind
from assay.standard import load_profile
made = [
    Question(id=f"x{i}", text="问题", kind=QuestionKind.CONTENT, risk_ids=("A.1.a",),
             updated=datetime.date(2026, 1, 2))
    for i in range(100)
]
profile = load_profile("tc260-003-2024")
path = Path(sys.argv[1])
load_questions(path, profile, QuestionKind.CONTENT)
tracemalloc.start()
bank, report = load_questions(path, profile, QuestionKind.CONTENT)
print(tracemalloc.get_traced_memory()[0] / len(bank))
"""


def test_entries_stay_small_after_questions_made_the_ordinary_way(tmp_path: Path) -> None:
    path = tmp_path / "bank.csv"
    _bank(path, rows=20_000)
    done = subprocess.run(
        [sys.executable, "-c", _AFTER_ORDINARY_QUESTIONS, str(path)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    per_entry = float(done.stdout.strip())
    assert per_entry <= PER_ENTRY, f"{per_entry:.0f} B an entry"
