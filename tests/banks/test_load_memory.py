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
import tracemalloc
from pathlib import Path

from assay.banks.io import load_questions
from assay.banks.models import QuestionKind
from assay.standard import load_profile

ROWS = 100_000
SLACK = 16 * 1024 * 1024
PER_ENTRY = 500


def _bank(path: Path) -> None:
    rng = random.Random(7)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "text", "kind", "risk_ids", "updated"])
        for i in range(ROWS):
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
