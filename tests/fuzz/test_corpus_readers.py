"""Corpus files (JSONL, CSV/TSV, text; whole or cut into pieces): any bytes read to records
and quarantined lines, each with its line number and reason, and every line is accounted for."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from assay.corpus.readers import Bad, Record, pieces, read_records
from assay.errors import UserError
from tests.fuzz.strategies import csv_text, jsonl_text

BOM = b"\xef\xbb\xbf"


def _raw_lines(data: bytes) -> list[bytes]:
    lines = data.split(b"\n")
    return lines[:-1] if lines[-1] == b"" else lines


def _read(path: Path, limit: int, piece_bytes: int) -> list[Record | Bad]:
    whole = list(read_records(path, max_line_bytes=limit, id_field="id"))
    cut = [i for p in pieces(path, piece_bytes) for i in read_records(p, max_line_bytes=limit)]
    key = [(type(i).__name__, i.line) for i in whole]
    assert [(type(i).__name__, i.line) for i in cut] == key  # pieces read what the whole does
    for item in whole:
        if isinstance(item, Bad):
            assert item.reason
    return whole


@given(
    text=jsonl_text(),
    encoding=st.sampled_from(["utf-8", "gb18030"]),
    bom=st.booleans(),
    limit=st.integers(8, 300),
    piece_bytes=st.integers(1, 64),
)
def test_any_jsonl_corpus(
    text: str, encoding: str, bom: bool, limit: int, piece_bytes: int
) -> None:
    try:
        data = (BOM if bom else b"") + text.encode(encoding)
    except UnicodeEncodeError:
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "c.jsonl"
        path.write_bytes(data)
        items = _read(path, limit, piece_bytes)
    lines = _raw_lines(data)
    numbers = [i.line for i in items]
    assert len(set(numbers)) == len(numbers)
    blank = [
        n
        for n, line in enumerate(lines, 1)
        if len(line) <= limit and not (line.removeprefix(BOM) if n == 1 else line).strip()
    ]
    # lines in = records + quarantined + blank
    assert sorted(numbers + blank) == list(range(1, len(lines) + 1))


@given(
    text=csv_text(),
    tsv=st.booleans(),
    limit=st.integers(8, 300),
    piece_bytes=st.integers(1, 64),
)
def test_any_csv_corpus(text: str, tsv: bool, limit: int, piece_bytes: int) -> None:
    if tsv:
        text = text.replace(",", "\t")
    text = text.replace("测试题", "text", 1).replace("keyword", "text", 1)
    data = text.encode("utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / ("c.tsv" if tsv else "c.csv")
        path.write_bytes(data)
        try:
            items = _read(path, limit, piece_bytes)
        except UserError:  # no text column: one error naming the file and line
            return
    lines = _raw_lines(data)
    numbers = [i.line for i in items]
    assert len(set(numbers)) == len(numbers)
    assert all(1 <= n <= len(lines) for n in numbers)
    for n, line in enumerate(lines, 1):
        if n not in numbers:  # the header, or a blank line
            shown = line.decode("utf-8", "replace").strip()
            assert n == min(set(range(1, len(lines) + 1)) - set(numbers)) or not shown


@given(
    data=st.binary(max_size=200),
    limit=st.integers(1, 100),
    suffix=st.sampled_from(["c.jsonl", "c.csv", "c.tsv", "c.txt", "c.json", "c.jsonl.gz"]),
)
def test_any_bytes_in_any_corpus_format(data: bytes, limit: int, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / suffix
        path.write_bytes(data)
        try:
            for item in read_records(path, max_line_bytes=limit):
                assert item.line >= 1
                if isinstance(item, Bad):
                    assert item.reason
        except UserError:
            pass
