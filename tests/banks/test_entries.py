"""Entries read from a bank file are the entries pydantic builds from the same values: equal,
printed, hashed, dumped, copied and pickled alike (they are built smaller, see
``assay.banks.schema._slim``), and duplicate ids are quarantined as a dict of every id would."""

from __future__ import annotations

import csv
import pickle
import random
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from assay.banks.io import load_keywords, load_questions
from assay.banks.models import KeywordEntry, Question, QuestionKind
from assay.standard import Profile

CJK = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]


def _text(rng: random.Random) -> str:
    if rng.random() < 0.3:
        return " ".join(rng.choice(["how", "to", "make", "a", "bomb"]) for _ in range(5))
    return "".join(rng.choice(CJK) for _ in range(rng.randint(1, 40)))


def _questions(path: Path, rows: int, rng: random.Random) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["id", "text", "risk_ids", "updated", "lang", "note"])
        for i in range(rows):
            qid = f"q{i}" if rng.random() < 0.7 else f"题{i}"
            out.writerow(
                [
                    qid if rng.random() < 0.9 else "",
                    _text(rng),
                    rng.choice(["A.1.a", "A.2.b;A.1.d", "宣扬恐怖主义、极端主义"]),
                    rng.choice(["", "2026-11-23", "2026/1/2"]),
                    rng.choice(["", "en", "zh"]),
                    rng.choice(["", "备注", "note, quoted\nover two lines"]),
                ]
            )


def _same_as_built(entry: KeywordEntry | Question) -> None:
    model = type(entry)
    built = model.model_validate(entry.model_dump() | {"row": entry.row})
    assert entry == built
    assert built == entry
    assert repr(entry) == repr(built)
    assert hash(entry) == hash(built)
    assert entry.model_dump_json() == built.model_dump_json()
    assert list(entry.__dict__) == list(built.__dict__)
    assert entry.model_fields_set == built.model_fields_set
    assert pickle.loads(pickle.dumps(entry)) == built
    changed = entry.model_copy(update={"note": "changed"})
    assert changed.note == "changed"
    assert entry.note == built.note
    assert entry.model_fields_set == built.model_fields_set
    with pytest.raises(ValidationError):
        entry.note = "frozen"  # type: ignore[misc]


def test_loaded_questions_are_the_questions_pydantic_builds(tmp_path: Path, tc260: Profile) -> None:
    path = tmp_path / "bank.csv"
    _questions(path, 400, random.Random(3))
    bank, report = load_questions(path, tc260, QuestionKind.CONTENT)
    assert report.accepted == len(bank) > 300
    for question in bank:
        _same_as_built(question)


def test_loaded_keywords_are_the_keywords_pydantic_builds(tmp_path: Path, tc260: Profile) -> None:
    rng = random.Random(5)
    path = tmp_path / "kw.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["keyword", "risk_ids", "variants", "added", "note"])
        for _ in range(300):
            variants = ";".join(_text(rng) for _ in range(rng.randint(0, 3)))
            out.writerow([_text(rng), "A.1.d", variants, rng.choice(["", "2026-11-01"]), ""])
    library, report = load_keywords(path, tc260)
    assert report.accepted == len(library) == 300
    for entry in library:
        _same_as_built(entry)


def test_a_loaded_text_carries_no_utf8_copy(tmp_path: Path, tc260: Profile) -> None:
    """CPython keeps the UTF-8 form of a non-ASCII string inside it once asked for it (as
    pydantic-core does to check a length): a loaded text is no larger than a fresh copy."""
    path = tmp_path / "bank.csv"
    _questions(path, 200, random.Random(11))
    bank, _ = load_questions(path, tc260, QuestionKind.CONTENT)
    texts = [(q.text, q.id) for q in bank]
    assert any(not text.isascii() for text, _ in texts)
    for text, qid in texts:
        assert sys.getsizeof(text) == sys.getsizeof("".join((text, "")))
        assert sys.getsizeof(qid) == sys.getsizeof("".join((qid, "")))


def test_duplicate_ids_are_quarantined_as_a_dict_of_ids_finds_them(
    tmp_path: Path, tc260: Profile
) -> None:
    rng = random.Random(2)
    ids = [f"q{rng.randrange(300)}" for _ in range(1000)]
    path = tmp_path / "bank.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["id", "text", "risk_ids"])
        for i, qid in enumerate(ids):
            out.writerow([qid, f"问题{i}", "A.1.a"])
    first: dict[str, int] = {}
    kept, repeated = [], []
    for row, qid in enumerate(ids, 2):
        if qid in first:
            repeated.append((row, f"duplicate id {qid!r} (first at row {first[qid]})"))
        else:
            first[qid] = row
            kept.append((row, qid))
    bank, report = load_questions(path, tc260, QuestionKind.CONTENT)
    assert [(q.row, q.id) for q in bank] == kept
    assert [(b.row, b.reason) for b in report.quarantined] == repeated
    assert report.accepted == len(kept)
    assert report.read == len(ids)
