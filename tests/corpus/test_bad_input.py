"""Issue 12, items 6 and 12: recursion bombs and long lines in a corpus are quarantined lines,
never a crash (exit 70) or memory that grows with the line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assay.corpus.readers import Bad, Record, read_records
from assay.corpus.sources import load_sources
from assay.errors import ConfigError
from tests.helpers.cli import run_assay

DEEP = 100_000


def _bombed(tmp_path: Path) -> None:
    lines = [
        json.dumps({"text": "第一条"}),
        "[" * DEEP + "]" * DEEP,  # the standard library's parser recurses on this
        '{"text": "x", "meta": ' + "[" * 1010 + "]" * 1010 + "}",  # orjson takes this one
        json.dumps({"text": "最后一条"}),
    ]
    (tmp_path / "c.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    (tmp_path / "kw.csv").write_text("keyword,risk_ids\n炸药,A.1.d\n", "utf-8")
    (tmp_path / "sources.yaml").write_text(
        "sources:\n  - {id: s, kind: open_source, licence: MIT, paths: [c.jsonl]}\n", "utf-8"
    )


def test_a_recursion_bomb_is_a_quarantined_line_in_the_reader(tmp_path: Path) -> None:
    _bombed(tmp_path)
    items = list(read_records(tmp_path / "c.jsonl"))
    assert [type(i) for i in items] == [Record, Bad, Bad, Record]
    assert [(i.line, "nested deeper than" in i.reason) for i in items if isinstance(i, Bad)] == [
        (2, True),
        (3, True),
    ]


@pytest.mark.parametrize("pii", ["keep", "mask"])
def test_corpus_filter_quarantines_a_recursion_bomb(tmp_path: Path, pii: str) -> None:
    _bombed(tmp_path)
    done = run_assay(
        "corpus", "filter", "--out", "clean", "-k", "kw.csv", "--pii", pii, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    bad = [json.loads(line) for line in (tmp_path / "clean" / "quarantine.jsonl").open()]
    assert [(b["line"], b["reason"]) for b in bad] == [
        (2, "JSON nested deeper than 100 levels"),
        (3, "JSON nested deeper than 100 levels"),
    ]
    assert len((tmp_path / "clean" / "s" / "c.jsonl").read_text("utf-8").splitlines()) == 2


def test_corpus_assess_quarantines_a_recursion_bomb(tmp_path: Path) -> None:
    _bombed(tmp_path)
    done = run_assay("corpus", "assess", "-k", "kw.csv", "--quarantine-dir", "q", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = (tmp_path / "q" / "s.quarantine.jsonl").read_text("utf-8").splitlines()
    assert [json.loads(line)["line"] for line in lines] == [2, 3]


def test_a_json_array_bomb_is_quarantined(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text("[" * DEEP + "]" * DEEP, "utf-8")
    (bad,) = read_records(path)
    assert isinstance(bad, Bad)
    assert "nested deeper" in bad.reason


# -- item 12: long lines ------------------------------------------------------------------


def test_the_line_limit_is_named_in_the_reason_and_counts_every_line(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    long = json.dumps({"text": "长" * 400})
    path.write_text(
        "\n".join([json.dumps({"text": "a"}), long, "", json.dumps({"text": "b"})]) + "\n",
        "utf-8",
    )
    items = list(read_records(path, max_line_bytes=1000))
    assert [type(i) for i in items] == [Record, Bad, Record]
    (bad,) = [i for i in items if isinstance(i, Bad)]
    assert bad.line == 2
    assert "max_line_bytes" in bad.reason
    assert "1000" in bad.reason


def test_max_line_bytes_is_a_setting_of_sources_yaml(tmp_path: Path) -> None:
    (tmp_path / "c.jsonl").write_text(json.dumps({"text": "x" * 500}) + "\n", "utf-8")
    (tmp_path / "sources.yaml").write_text(
        "max_line_bytes: 100\n"
        "sources:\n"
        "  - {id: s, kind: open_source, licence: MIT, paths: [c.jsonl]}\n"
        "  - {id: t, kind: open_source, licence: MIT, paths: [c.jsonl], max_line_bytes: 1000}\n",
        "utf-8",
    )
    registry, _ = load_sources(tmp_path / "sources.yaml")
    first, second = registry.sources
    (bad,) = first.read(tmp_path / "c.jsonl")
    assert isinstance(bad, Bad)
    assert "max_line_bytes (100 bytes" in bad.reason
    (good,) = second.read(tmp_path / "c.jsonl")
    assert isinstance(good, Record)


def test_max_line_bytes_must_be_positive(tmp_path: Path) -> None:
    (tmp_path / "sources.yaml").write_text(
        "max_line_bytes: 0\nsources:\n  - {id: s, kind: open_source, paths: [c.jsonl]}\n",
        "utf-8",
    )
    with pytest.raises(ConfigError, match=r"sources.yaml:1"):
        load_sources(tmp_path / "sources.yaml")


def test_a_text_file_longer_than_the_limit_is_quarantined_unread(tmp_path: Path) -> None:
    path = tmp_path / "doc.txt"
    path.write_bytes(b"x" * 5000)
    (bad,) = read_records(path, max_line_bytes=1000)
    assert isinstance(bad, Bad)
    assert "max_line_bytes" in bad.reason


def test_cutting_a_file_into_pieces_never_reads_a_long_line_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pieces() used readline() to find a line end: a 1 GB line was read into memory whole."""
    from assay.corpus import readers

    path = tmp_path / "c.jsonl"
    path.write_bytes(b'{"text": "a"}\n' + b"x" * 300_000 + b"\n" + b'{"text": "b"}\n')
    monkeypatch.setattr(readers, "_BLOCK", 4096)
    reads: list[int] = []
    real_open = Path.open

    def watched(self: Path, *args: object, **kwargs: object) -> object:
        handle = real_open(self, *args, **kwargs)  # type: ignore[call-overload]
        if self == path:
            read = handle.read

            def counted(n: int = -1) -> bytes:
                data: bytes = read(n)
                reads.append(len(data))
                return data

            handle.read = counted  # type: ignore[method-assign]
            handle.readline = None  # type: ignore[method-assign]  # never read a whole line
        return handle

    monkeypatch.setattr(Path, "open", watched)
    cut = readers.pieces(path, size=20)
    assert max(reads) <= 4096
    assert [p.line for p in cut] == [1, 3]  # the cut fell in line 2: the next piece is line 3
    items = [i for piece in cut for i in read_records(piece, max_line_bytes=1000)]
    assert [(type(i).__name__, i.line) for i in items] == [
        ("Record", 1),
        ("Bad", 2),
        ("Record", 3),
    ]
