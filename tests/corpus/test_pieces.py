"""Pieces of big files, Parquet, and the Ray engine: the same records and the same bytes
whatever the cut, the worker count or the engine."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from assay.banks.models import KeywordEntry, KeywordLibrary
from assay.corpus import readers
from assay.corpus.filter import filter_corpus
from assay.corpus.readers import Bad, Piece, Record, pieces, read_records
from assay.judges.keyword import KeywordJudge

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")


def _judge() -> KeywordJudge:
    entries = [
        KeywordEntry(keyword="自制炸药", risk_ids=("A.1.d",)),
        KeywordEntry(keyword="网络赌博", risk_ids=("A.1.h",)),
    ]
    return KeywordJudge(KeywordLibrary(entries=entries))


def _rows(n: int) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for i in range(n):
        text = (
            f"第{i}条文本"
            + ("，网络赌博" if i % 17 == 0 else "")
            + (f"，电话 1391234{i:04d}" if i % 5 == 0 else "")
        )
        rows.append({"id": f"r{i}", "text": text, "n": i})
    return rows


def _big_jsonl(path: Path, n: int = 300) -> Path:
    lines = [json.dumps(r, ensure_ascii=False).encode() for r in _rows(n)]
    lines[7] = b"{broken"  # a bad line and a long one, wherever the cuts fall
    lines[120] = b'{"id": "long", "text": "' + "长".encode() * 400 + b'"}'
    lines[200] = b""  # a blank line
    path.write_bytes(b"\xef\xbb\xbf" + b"\n".join(lines) + b"\n")
    return path


def _big_csv(path: Path, n: int = 300) -> Path:
    body = "".join(f"{r['id']},{r['text']},{r['n']}\n" for r in _rows(n))
    path.write_text("id,text,n\n" + body + "short,row\n", "utf-8")
    return path


def _read(item: Path | Piece) -> list[tuple[object, ...]]:
    out: list[tuple[object, ...]] = []
    for r in read_records(item, id_field="id", max_line_bytes=1000):
        out.append(("bad", r.line, r.reason) if isinstance(r, Bad) else (r.id, r.line, r.text))
    return out


@pytest.mark.parametrize("maker", [_big_jsonl, _big_csv])
@pytest.mark.parametrize("size", [64, 500, 4000])
def test_pieces_read_what_the_whole_file_reads(tmp_path: Path, maker: object, size: int) -> None:
    path = maker(tmp_path / ("big.jsonl" if maker is _big_jsonl else "big.csv"))  # type: ignore[operator]
    cut = pieces(path, size)
    assert len(cut) > 1
    assert cut[0].start == 0
    assert cut[-1].stop is None
    assert all(a.stop == b.start for a, b in itertools.pairwise(cut))
    whole = _read(path)
    assert [item for piece in cut for item in _read(piece)] == whole
    assert any(item[0] == "bad" for item in whole)


def _parquet(path: Path, rows: list[dict[str, object]], group: int = 40) -> Path:
    table = pa.Table.from_pylist(rows)
    pq.write_table(table, path, row_group_size=group)
    return path


def test_parquet_rows_bad_rows_and_row_group_pieces(tmp_path: Path) -> None:
    rows = _rows(200)
    rows[13]["text"] = None  # not text: quarantined by row number
    path = _parquet(tmp_path / "c.parquet", rows)
    items = _read(path)
    assert len(items) == 200
    assert items[13] == ("bad", 14, "field 'text' is missing, not text")
    assert items[0] == ("r0", 1, "第0条文本，网络赌博，电话 13912340000")
    assert items[199][:2] == ("r199", 200)
    cut = pieces(path, 1)  # one piece per row group
    assert [(p.start, p.stop, p.line) for p in cut] == [
        (0, 1, 1),
        (1, 2, 41),
        (2, 3, 81),
        (3, 4, 121),
        (4, None, 161),
    ]
    assert [item for piece in cut for item in _read(piece)] == items
    # GB18030 bytes in a binary column are decoded like a GB18030 text file
    blob = _parquet(tmp_path / "b.parquet", [{"text": "中文内容".encode("gb18030")}])
    assert _read(blob) == [("b.parquet:1", 1, "中文内容")]


def _sources(tmp_path: Path, paths: str) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(
        f"sources:\n  - {{id: s, kind: open_source, licence: MIT, id_field: id, paths: [{paths}]}}\n",
        "utf-8",
    )
    return path


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_filter_gives_the_same_bytes_in_pieces_and_keeps_parquet(tmp_path: Path) -> None:
    _big_jsonl(tmp_path / "a.jsonl")
    _big_csv(tmp_path / "b.csv")
    _parquet(tmp_path / "c.parquet", _rows(200))
    path = _sources(tmp_path, "a.jsonl, b.csv, c.parquet")
    whole = filter_corpus(path, tmp_path / "whole", judge=_judge(), pii="mask")
    cut = filter_corpus(
        path, tmp_path / "cut", judge=_judge(), pii="mask", workers=2, piece_bytes=300
    )
    assert _tree(tmp_path / "whole") == _tree(tmp_path / "cut")
    assert (whole.records, whole.removed, whole.masked) == (cut.records, cut.removed, cut.masked)
    assert whole.removed == 18 + 18 + 12  # every 17th row of each file (300, 300, 200 rows)
    out = tmp_path / "whole" / "s"
    # kept JSONL lines are written back as read; masked ones re-serialised
    kept = (out / "a.jsonl").read_bytes().splitlines()
    source = (tmp_path / "a.jsonl").read_bytes().removeprefix(b"\xef\xbb\xbf").splitlines()
    assert kept[0] == source[1]  # line 1 was removed (网络赌博); line 2 unchanged
    assert b"13912340005" not in (out / "a.jsonl").read_bytes()
    assert (out / "b.csv").read_text("utf-8").startswith("id,text,n\nr1,")
    table = pq.read_table(out / "c.parquet")
    assert table.schema == pq.read_schema(tmp_path / "c.parquet")
    texts = table.column("text").to_pylist()
    assert len(texts) == 200 - 12
    assert not any("网络赌博" in t for t in texts)
    assert "139****0005" in texts[4]
    log = [json.loads(x) for x in (tmp_path / "cut" / "removal_log.jsonl").read_text().splitlines()]
    assert [e["line"] for e in log if e["file"].endswith("c.parquet")][:2] == [1, 18]


def test_a_killed_run_resumes_from_its_last_finished_piece(tmp_path: Path) -> None:
    _big_jsonl(tmp_path / "a.jsonl", 600)
    path = _sources(tmp_path, "a.jsonl")
    clean = filter_corpus(path, tmp_path / "clean", judge=_judge(), piece_bytes=2000)

    class KilledError(Exception):
        pass

    def kill(stats: object, done: int, total: int) -> None:
        if done == 3:
            raise KilledError

    out = tmp_path / "out"
    with pytest.raises(KilledError):
        filter_corpus(path, out, judge=_judge(), piece_bytes=2000, progress=kill)
    seen: list[tuple[int, int]] = []
    resumed = filter_corpus(
        path,
        out,
        judge=_judge(),
        piece_bytes=2000,
        resume=True,
        progress=lambda stats, done, total: seen.append((done, total)),
    )
    assert seen[0][0] == 3
    assert seen[-1][0] == seen[-1][1] > 10
    assert resumed.records == clean.records
    assert _tree(out) == _tree(tmp_path / "clean")


def test_the_ray_engine_gives_the_same_bytes_as_the_local_one(tmp_path: Path) -> None:
    pytest.importorskip("ray")
    _big_jsonl(tmp_path / "a.jsonl", 400)
    _big_csv(tmp_path / "b.csv")
    _parquet(tmp_path / "c.parquet", _rows(200))
    path = _sources(tmp_path, "a.jsonl, b.csv, c.parquet")
    local = filter_corpus(path, tmp_path / "local", judge=_judge(), pii="mask", piece_bytes=2000)
    ray = filter_corpus(
        path,
        tmp_path / "ray",
        judge=_judge(),
        pii="mask",
        piece_bytes=2000,
        engine="ray",
        workers=2,
    )
    assert (ray.records, ray.kept, ray.removed, ray.masked) == (
        local.records,
        local.kept,
        local.removed,
        local.masked,
    )
    assert _tree(tmp_path / "ray") == _tree(tmp_path / "local")
    assert isinstance(Record, type)


def test_what_a_worker_imports_leaves_out_the_project_and_its_store() -> None:
    """A Ray actor imports the filter module to run a piece: it pulled in the project, the run
    store and SQLAlchemy (0.3 s of a 0.55 s import), paid again by every actor of every run."""
    code = (
        "import sys, assay.corpus.filter, assay.judges.keyword, assay.text.pii\n"
        "print(sorted(m for m in ('assay.project', 'assay.store.runstore', 'sqlalchemy')"
        " if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_the_last_piece_of_a_file_is_not_counted(tmp_path: Path) -> None:
    """Line numbers come from counting the pieces before a piece; the last piece's count
    numbered nothing and read its bytes for nothing."""
    path = tmp_path / "a.jsonl"
    _big_jsonl(path, 400)
    counted: list[int] = []
    real = readers._count_lines

    def spy(raw: Any, length: int) -> int:
        counted.append(length)
        return real(raw, length)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(readers, "_count_lines", spy)
        cut = pieces(path, 2000)
    assert len(cut) > 2
    assert len(counted) == len(cut) - 1
    data = path.read_bytes()  # each piece still starts at its own line of the file
    assert [p.line for p in cut] == [data[: p.start].count(b"\n") + 1 for p in cut]


def _reference_lines(data: bytes, limit: int) -> list[tuple[int, bytes | None]]:
    """Line by line, the plain way: what the block reader must give (a BOM counts as bytes of
    the first line)."""
    out: list[tuple[int, bytes | None]] = []
    for number, line in enumerate(data.split(b"\n"), 1):
        too_long = len(line) > limit
        if number == 1:
            line = line.removeprefix(b"\xef\xbb\xbf")
        out.append((number, None if too_long else line.rstrip(b"\r")))
    if data.endswith(b"\n") or not data:
        out.pop()
    return out


def test_the_block_line_reader_agrees_with_splitting_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io
    import random

    from assay.corpus import readers

    rng = random.Random(3)
    for block in (1, 3, 7, 64):
        monkeypatch.setattr(readers, "_BLOCK", block)
        for _ in range(300):
            data = bytes(rng.choice(b"ab\r\n\n") for _ in range(rng.randint(0, 40)))
            if rng.random() < 0.2:
                data = b"\xef\xbb\xbf" + data
            got = list(readers._lines(io.BytesIO(data), 5, 1, None))
            assert got == _reference_lines(data, 5), (block, data)


def test_a_csv_keeps_its_header_however_it_is_cut(tmp_path: Path) -> None:
    rows = "".join(f"r{i},普通文本{i}\n" for i in range(40))
    bad = "".join(f"x{i},网络赌博\n" for i in range(10))  # piece 0 holds only removed rows
    (tmp_path / "b.csv").write_text("\n\nid,text\n" + bad + rows, "utf-8")  # blank lines first
    path = _sources(tmp_path, "b.csv")
    whole = filter_corpus(path, tmp_path / "whole", judge=_judge())
    cut = filter_corpus(path, tmp_path / "cut", judge=_judge(), piece_bytes=64)
    assert (whole.records, whole.removed) == (cut.records, cut.removed) == (50, 10)
    assert _tree(tmp_path / "whole") == _tree(tmp_path / "cut")
    assert (tmp_path / "whole" / "s" / "b.csv").read_text("utf-8").startswith("id,text\nr0,")


def test_the_panel_judges_are_named_however_deep(tmp_path: Path) -> None:
    from assay.corpus.technical import judge_names, uses_both
    from assay.judges.panel import JudgePanel

    inner = JudgePanel([_judge(), _judge()])
    names = judge_names(JudgePanel([_judge(), inner]))
    assert names == ["keyword"]
    assert not uses_both(names)
    assert uses_both(["keyword", "llm"])


def test_two_inputs_that_would_write_one_output_are_refused(tmp_path: Path) -> None:
    from assay.errors import ConfigError

    (tmp_path / "a.jsonl").write_text('{"id": "y", "text": "t"}\n', "utf-8")
    (tmp_path / "a.json").write_text('[{"id": "x", "text": "t"}]', "utf-8")
    path = _sources(tmp_path, "a.jsonl, a.json")
    with pytest.raises(ConfigError, match="both be written"):
        filter_corpus(path, tmp_path / "out", judge=_judge())
