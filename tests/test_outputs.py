"""Issue 12, item 1: no output leaves its folder or lands on an input, whatever the names."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from assay.banks.models import KeywordEntry, KeywordLibrary
from assay.corpus.assess import assess_sources
from assay.corpus.filter import filter_corpus
from assay.errors import OutputPathError
from assay.judges.keyword import KeywordJudge
from assay.outputs import OutputFolder, check_output, name_problem
from assay.standard import Profile
from tests.helpers.cli import run_assay

LINE = b'{"text": "hello"}\n'


def _project(tmp_path: Path, source_id: str, paths: str = "[corpus/web.jsonl]") -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir(exist_ok=True)
    (corpus / "web.jsonl").write_bytes(LINE * 3)
    (tmp_path / "kw.csv").write_text("keyword,risk_ids\n炸药,A.1.d\n", "utf-8")
    (tmp_path / "sources.yaml").write_text(
        "sources:\n"
        "  - id: fine\n    kind: open_source\n    licence: MIT\n    paths: [corpus/web.jsonl]\n"
        f"  - id: {json.dumps(source_id)}\n    kind: open_source\n    licence: MIT\n"
        f"    paths: {paths}\n",
        "utf-8",
    )
    return tmp_path / "sources.yaml"


def _judge() -> KeywordJudge:
    return KeywordJudge(KeywordLibrary(entries=[KeywordEntry(keyword="炸药", risk_ids=("A.1.d",))]))


@pytest.mark.parametrize("source_id", ["../..", "../../x", "a/b", "..", ".hidden", "a b", ""])
def test_a_source_id_that_is_not_a_plain_name_is_refused_with_its_line(
    tmp_path: Path, source_id: str
) -> None:
    _project(tmp_path, source_id)
    done = run_assay("corpus", "sources", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "sources.yaml:6:" in done.stderr  # the line of the second source's id
    assert "id" in done.stderr


@pytest.mark.parametrize("source_id", ["../..", "../../x"])
def test_corpus_filter_never_truncates_an_input_nor_writes_outside_out(
    tmp_path: Path, source_id: str
) -> None:
    _project(tmp_path, source_id)
    (tmp_path / "out").mkdir()
    done = run_assay("corpus", "filter", "--out", "out/clean", "--keywords", "kw.csv", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert (tmp_path / "corpus" / "web.jsonl").read_bytes() == LINE * 3
    assert not (tmp_path / "x").exists()
    assert not (tmp_path / "out" / "clean").exists()  # refused before anything was written


def test_corpus_filter_refuses_to_write_its_log_over_an_input(tmp_path: Path) -> None:
    """A source that reads a file inside --out (quarantine.jsonl of an earlier run, say) is
    refused, not truncated."""
    sources = _project(tmp_path, "old", paths="[clean/quarantine.jsonl]")
    (tmp_path / "clean").mkdir()
    (tmp_path / "clean" / "quarantine.jsonl").write_bytes(LINE)
    with pytest.raises(OutputPathError, match="the output is the input"):
        filter_corpus(sources, tmp_path / "clean", judge=_judge())
    assert (tmp_path / "clean" / "quarantine.jsonl").read_bytes() == LINE


def test_corpus_filter_refuses_a_symlink_out_of_out(tmp_path: Path) -> None:
    sources = _project(tmp_path, "web2")
    out = tmp_path / "clean"
    out.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (out / "fine").symlink_to(elsewhere)
    with pytest.raises(OutputPathError, match="outside the output folder"):
        filter_corpus(sources, out, judge=_judge())
    assert list(elsewhere.iterdir()) == []


def test_corpus_assess_quarantine_never_overwrites_an_input(tmp_path: Path, tc260: Profile) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    held = corpus / "s.quarantine.jsonl"  # a corpus file that happens to bear that name
    held.write_bytes(LINE + b"not json\n")
    (tmp_path / "sources.yaml").write_text(
        "sources:\n  - {id: s, kind: open_source, licence: MIT, paths: [corpus/*.jsonl]}\n",
        "utf-8",
    )
    with pytest.raises(OutputPathError):
        assess_sources(tmp_path / "sources.yaml", tc260, judge=None, quarantine_dir=corpus)
    assert held.read_bytes() == LINE + b"not json\n"


def test_banks_convert_refuses_a_hard_link_to_its_input(tmp_path: Path) -> None:
    source = tmp_path / "kw.csv"
    source.write_text("keyword,risk_ids\n炸药,A.1.d\n", "utf-8")
    before = source.read_bytes()
    os.link(source, tmp_path / "same.csv")
    done = run_assay("banks", "convert", "kw.csv", "same.csv", "--kind", "keywords", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "the output is the input" in done.stderr
    assert source.read_bytes() == before


def test_report_package_never_overwrites_a_project_file(tmp_path: Path) -> None:
    """``assay assess --out .`` in a project whose measures file is called report.md."""
    (tmp_path / "report.md").write_text("# our measures\n", "utf-8")
    (tmp_path / "assay.yaml").write_text("name: p\nmeasures: report.md\n", "utf-8")
    store = f"sqlite:///{tmp_path / 'runs.sqlite'}"
    done = run_assay("assess", "assay.yaml", "--out", ".", "--store", store, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert (tmp_path / "report.md").read_text("utf-8") == "# our measures\n"


def test_output_folder_rules(tmp_path: Path) -> None:
    given = tmp_path / "in.jsonl"
    given.write_bytes(LINE)
    folder = OutputFolder(tmp_path / "out", [given])
    assert folder.path("a", "b.jsonl") == tmp_path / "out" / "a" / "b.jsonl"
    with pytest.raises(OutputPathError):
        folder.path("..", "in.jsonl")
    with pytest.raises(OutputPathError):
        folder.path("..")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "link.jsonl").symlink_to(given)
    with pytest.raises(OutputPathError):  # inside the folder, but the input itself
        folder.path("link.jsonl")
    with pytest.raises(OutputPathError):
        check_output(tmp_path / "out" / ".." / "in.jsonl", [given])
    (tmp_path / "work").mkdir()
    kept = tmp_path / "work" / "x.jsonl"
    kept.write_bytes(LINE)
    with pytest.raises(OutputPathError, match="holds the input"):
        OutputFolder(tmp_path, [kept]).scratch("work")


def test_plain_names() -> None:
    for good in ("web", "语料-1", "books_2024.v2", "A"):
        assert name_problem(good) is None
    for bad in ("", ".", "..", "../x", "a/b", "a\\b", " a", "a b", "-x", ".x", "a\x00", "x" * 129):
        assert name_problem(bad) is not None, bad
