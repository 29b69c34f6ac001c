"""Corpus readers (every format, encoding, compression, malformed case), sources.yaml checks,
and the per-source assessment."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from assay.banks.models import KeywordEntry, KeywordLibrary
from assay.corpus.assess import assess_sources, reservoir
from assay.corpus.filter import filter_corpus
from assay.corpus.manual import export_manual, import_manual
from assay.corpus.readers import Bad, Record, read_records
from assay.corpus.sources import check_sources
from assay.corpus.technical import technical_sample
from assay.judges.keyword import KeywordJudge
from assay.standard import Profile
from tests.helpers.examples import copy_examples

ROWS = [{"id": "a", "text": "第一条语料"}, {"id": "b", "text": "second record"}]


def _jsonl(rows: list[object]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode("utf-8")


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("c.jsonl", _jsonl(ROWS)),
        ("c.jsonl", b"\xef\xbb\xbf" + _jsonl(ROWS)),
        ("c.ndjson", _jsonl(ROWS)),
        ("c.jsonl.gz", gzip.compress(_jsonl(ROWS), mtime=0)),  # no clock in the test id
        ("c.json", json.dumps(ROWS, ensure_ascii=False).encode("utf-8")),
        ("c.csv", "id,text\na,第一条语料\nb,second record\n".encode()),
        ("c.tsv", "id\ttext\na\t第一条语料\nb\tsecond record\n".encode("gb18030")),
    ],
)
def test_every_reader(tmp_path: Path, name: str, data: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    items = list(read_records(path, id_field="id"))
    assert [(r.id, r.text) for r in items if isinstance(r, Record)] == [
        ("a", "第一条语料"),
        ("b", "second record"),
    ]


def test_zstd_and_plain_text(tmp_path: Path) -> None:
    zstandard = pytest.importorskip("zstandard")
    path = tmp_path / "c.jsonl.zst"
    path.write_bytes(zstandard.ZstdCompressor().compress(_jsonl(ROWS)))
    assert len([r for r in read_records(path) if isinstance(r, Record)]) == 2
    text = tmp_path / "doc.txt"
    text.write_bytes("整篇文档。\n第二行。".encode("gb18030"))
    (record,) = read_records(text)
    assert isinstance(record, Record)
    assert record.text.startswith("整篇文档")


def test_each_malformed_record_is_quarantined_and_the_scan_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_bytes(
        _jsonl([{"text": "好的一条"}])
        + b"{not json\n"
        + _jsonl([{"text": 42}, {"body": "no text"}, ["a list"]])
        + b'{"text": "\xff\xfe\xfa broken"}\n'
        + b'{"text": "nul\x00byte"}\n'
        + b'{"text": "'
        + b"x" * 5000
        + b'"}\n'
        + _jsonl([{"text": "最后一条"}])
    )
    items = list(read_records(path, max_line_bytes=1000))
    good = [r.text for r in items if isinstance(r, Record)]
    bad = {r.line: r.reason for r in items if isinstance(r, Bad)}
    assert good == ["好的一条", "最后一条"]
    assert sorted(bad) == [2, 3, 4, 5, 6, 7, 8]
    assert "invalid JSON" in bad[2]
    assert "int" in bad[3]
    assert "missing" in bad[4]
    assert "JSON object" in bad[5]
    assert "decode" in bad[6]
    assert "NUL" in bad[7]
    assert "longer" in bad[8]


def test_reservoir_sampling_is_seeded_and_uniform_enough() -> None:
    records = [Record(str(i), "t", "f", i) for i in range(10_000)]
    a, seen = reservoir(iter(records), 100, seed=3)
    b, _ = reservoir(iter(records), 100, seed=3)
    c, _ = reservoir(iter(records), 100, seed=4)
    assert seen == 10_000
    assert [r.id for r in a] == [r.id for r in b]
    assert [r.id for r in a] != [r.id for r in c]
    assert 3_000 < sum(int(r.id) for r in a) / len(a) < 7_000  # not just the first records


def _registry(tmp_path: Path) -> Path:
    (tmp_path / "web").mkdir(exist_ok=True)
    (tmp_path / "web" / "part1.jsonl").write_bytes(
        _jsonl(
            [{"text": f"普通的网页文本 {i}"} for i in range(95)]
            + [{"text": f"教你自制炸药 {i}"} for i in range(5)]
            + [{"text": "联系 13812345678"}]
        )
    )
    (tmp_path / "bad.jsonl").write_bytes(
        _jsonl([{"text": f"网络赌博平台 {i}"} for i in range(30)] + [{"text": "正常"}] * 10)
    )
    path = tmp_path / "sources.yaml"
    path.write_text(
        "sources:\n"
        "  - {id: web, kind: self_collected, paths: ['web/*.jsonl'], crawled: true, robots: respected,\n"
        "     collection_records: logs/crawl}\n"
        "  - {id: vendor, kind: commercial, paths: [bad.jsonl], foreign: true}\n"
        "  - {id: forum, kind: open_source, paths: [missing/*.jsonl]}\n",
        "utf-8",
    )
    return path


def test_sources_check_names_the_clause_source_and_line(tmp_path: Path, tc260: Profile) -> None:
    findings = check_sources(_registry(tmp_path), tc260)
    found = {(f.clause, f.source, f.field) for f in findings}
    assert ("5.1.c.3", "vendor", "contract") in found
    assert ("5.1.c.3", "vendor", "commitments") in found
    assert ("5.1.c.1", "forum", "licence") in found
    assert ("5.1.c.1", "forum", "paths") in found  # the open-source forum's files are missing
    assert all(f.line for f in findings if f.source)
    assert not any(
        f.clause == "5.1.b" and "only one source" in f.message for f in findings
    )  # three zh text sources


def test_per_source_assessment(tmp_path: Path, tc260: Profile) -> None:
    judge = KeywordJudge(
        KeywordLibrary(
            entries=[
                KeywordEntry(keyword="自制炸药", risk_ids=("A.1.d",)),
                KeywordEntry(keyword="网络赌博", risk_ids=("A.1.h",)),
            ]
        )
    )
    results = {
        r.source: r
        for r in assess_sources(_registry(tmp_path), tc260, judge=judge, sample_size=1000, seed=1)
    }
    web, vendor = results["web"], results["vendor"]
    assert (web.records, web.sampled, web.harmful) == (101, 101, 5)
    assert web.pii == {"mobile": 1}
    (example,) = web.pii_examples["mobile"]
    assert example.endswith("part1.jsonl:101: …联系 138****5678…")  # where, masked
    # every record was judged (a census): 5/101 = 4.95% is the share itself, within 5%
    assert web.decision == "accept"
    assert any("census" in n for n in web.notes)
    assert (vendor.harmful, vendor.sampled, vendor.decision) == (30, 40, "reject")
    assert results["forum"].decision == "no_data"
    again = {
        r.source: r
        for r in assess_sources(_registry(tmp_path), tc260, judge=judge, sample_size=50, seed=1)
    }
    assert again["web"].sampled == 50
    same = {
        r.source: r
        for r in assess_sources(_registry(tmp_path), tc260, judge=judge, sample_size=50, seed=1)
    }
    assert same["web"].harmful == again["web"].harmful  # the same seed draws the same records


def test_corpus_commands_on_the_examples(tmp_path: Path) -> None:
    from tests.helpers.cli import run_assay

    project = tmp_path / "examples"
    copy_examples(project)
    assert run_assay("corpus", "sources", cwd=project).returncode == 0
    result = run_assay(
        "corpus", "assess", "--json", "--quarantine-dir", tmp_path / "q", cwd=project
    )
    assert result.returncode == 0, result.stderr
    data = {r["source"]: r for r in json.loads(result.stdout)}
    assert data["web"]["quarantined"] == 1
    assert data["web"]["decision"] == "accept"
    assert (tmp_path / "q" / "web.quarantine.jsonl").is_file()
    (project / "sources.yaml").write_text(
        "sources:\n  - {id: solo, kind: open_source, paths: [corpus/books.jsonl]}\n", "utf-8"
    )
    findings = run_assay("corpus", "sources", "--json", cwd=project)
    assert findings.returncode == 1
    clauses = {f["clause"] for f in json.loads(findings.stdout)}
    assert clauses == {"5.1.c.1", "5.1.b"}


def _judge() -> KeywordJudge:
    return KeywordJudge(
        KeywordLibrary(
            entries=[
                KeywordEntry(keyword="自制炸药", risk_ids=("A.1.d",)),
                KeywordEntry(keyword="网络赌博", risk_ids=("A.1.h",)),
            ]
        )
    )


def test_technical_sample_draws_at_least_ten_percent_seeded(tmp_path: Path, tc260: Profile) -> None:
    (tmp_path / "big.jsonl").write_bytes(
        _jsonl(
            [{"id": str(i), "text": f"普通文本 {i}"} for i in range(4_900)]
            + [{"id": f"h{i}", "text": f"网络赌博 {i}"} for i in range(100)]
        )
    )
    path = tmp_path / "sources.yaml"
    path.write_text(
        "sources:\n  - {id: s, kind: open_source, paths: [big.jsonl], licence: CC-BY-4.0}\n",
        "utf-8",
    )
    a = technical_sample(path, tc260, judge=_judge(), seed=1)
    b = technical_sample(path, tc260, judge=_judge(), seed=1)
    c = technical_sample(path, tc260, judge=_judge(), seed=2)
    assert (a.records, a.required) == (5_000, 500)
    assert 500 <= a.sampled < 700
    assert a.model_dump() == b.model_dump()
    assert (c.sampled, c.qualified) != (a.sampled, a.qualified)
    harmful = a.sampled - a.qualified
    assert a.by_risk == {"A.1.h": harmful}
    assert 0 < harmful < 30  # about 2% of the sample, as in the corpus
    # the standard rule: the sample's qualified rate against 98%
    assert a.rule == "standard"
    assert a.decision == ("pass" if a.qualified / a.sampled >= 0.98 else "fail")
    # the confidence rule: 98% qualified is the floor, so about 2% harmful is at best
    # inconclusive, never a pass
    strict = technical_sample(path, tc260, judge=_judge(), seed=1, rule="confidence")
    assert strict.decision in ("inconclusive", "fail")
    # the draw depends on the records, not on where the project sits
    moved = tmp_path / "moved"
    moved.mkdir()
    (moved / "big.jsonl").write_bytes((tmp_path / "big.jsonl").read_bytes())
    (moved / "sources.yaml").write_text(path.read_text("utf-8"), "utf-8")
    assert technical_sample(moved / "sources.yaml", tc260, judge=_judge(), seed=1) == a


def test_filter_removes_logs_masks_and_is_byte_identical(tmp_path: Path) -> None:
    (tmp_path / "c.jsonl").write_bytes(
        _jsonl(
            [
                {"id": "1", "text": "普通文本", "url": "https://a.example/1"},
                {"id": "2", "text": "教你自制炸药"},
                {"id": "3", "text": "联系 13812345678 订购"},
            ]
        )
        + b"{broken\n"
    )
    (tmp_path / "t.csv").write_text("id,text,lang\nx,网络赌博平台,zh\ny,正常一行,zh\n", "utf-8")
    path = tmp_path / "sources.yaml"
    path.write_text(
        "sources:\n  - {id: s, kind: open_source, paths: [c.jsonl, t.csv], licence: MIT, id_field: id}\n",
        "utf-8",
    )
    out = tmp_path / "clean"
    stats = filter_corpus(path, out, judge=_judge(), pii="mask")
    assert (stats.records, stats.kept, stats.removed, stats.masked, stats.quarantined) == (
        5,
        3,
        2,
        1,
        1,
    )
    kept = [json.loads(x) for x in (out / "s" / "c.jsonl").read_text("utf-8").splitlines()]
    assert kept[0] == {"id": "1", "text": "普通文本", "url": "https://a.example/1"}
    assert kept[1]["id"] == "3"
    assert "13812345678" not in kept[1]["text"]
    assert (out / "s" / "t.csv").read_text("utf-8") == "id,text,lang\ny,正常一行,zh\n"
    log = [json.loads(x) for x in (out / "removal_log.jsonl").read_text("utf-8").splitlines()]
    assert [(e["id"], e["line"], e["risk_ids"], e["evidence"]) for e in log] == [
        ("2", 2, ["A.1.d"], ["自制炸药"]),
        ("x", 2, ["A.1.h"], ["网络赌博"]),
    ]
    (bad,) = (out / "quarantine.jsonl").read_text("utf-8").splitlines()
    assert json.loads(bad)["line"] == 4
    first = {p.name: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    filter_corpus(path, out, judge=_judge(), pii="mask")
    assert {p.name: p.read_bytes() for p in out.rglob("*") if p.is_file()} == first
    dropped = filter_corpus(path, tmp_path / "drop", judge=_judge(), pii="drop")
    assert (dropped.kept, dropped.removed) == (2, 3)
    pii_entry = json.loads((tmp_path / "drop" / "removal_log.jsonl").read_text().splitlines()[1])
    assert (pii_entry["id"], pii_entry["judge"], pii_entry["evidence"]) == ("3", "pii", ["mobile"])


def test_technical_and_filter_commands_on_the_examples(tmp_path: Path) -> None:
    from tests.helpers.cli import run_assay

    project = tmp_path / "examples"
    copy_examples(project)
    result = run_assay("corpus", "technical", "--json", "--seed", "7", cwd=project)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["sampled"] >= data["required"] == -(-data["records"] // 10)
    out = tmp_path / "clean"
    result = run_assay("corpus", "filter", "--out", out, "--pii", "mask", cwd=project)
    assert result.returncode == 0, result.stderr
    assert (out / "removal_log.jsonl").is_file()
    assert (out / "web" / "corpus" / "web.jsonl").is_file()
    sheet = tmp_path / "manual.xlsx"
    result = run_assay("corpus", "manual", "export", "--out", sheet, "--size", "20", cwd=project)
    assert result.returncode == 0, result.stderr
    result = run_assay("corpus", "manual", "import", sheet, "--json", cwd=project)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["pending"] == 20
    wrong = run_assay("corpus", "filter", "--pii", "hide", cwd=project)
    assert wrong.returncode == 2  # a usage error (--pii is a closed set Typer checks)
    assert all(f"'{choice}'" in wrong.stderr for choice in ("keep", "mask", "drop"))


def _many_files(tmp_path: Path) -> Path:
    for n in range(4):
        rows = [{"id": f"{n}-{i}", "text": f"文本 {i} 联系 1381234{i:04d}"} for i in range(50)]
        rows += [{"id": f"{n}-x", "text": "网络赌博"}]
        (tmp_path / f"p{n}.jsonl").write_bytes(_jsonl(rows) + b"{bad\n")
    path = tmp_path / "sources.yaml"
    path.write_text(
        "sources:\n  - {id: s, kind: open_source, paths: ['p*.jsonl'], licence: MIT, id_field: id}\n",
        "utf-8",
    )
    return path


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_filter_output_is_the_same_for_any_worker_count(tmp_path: Path) -> None:
    path = _many_files(tmp_path)
    one = filter_corpus(path, tmp_path / "one", judge=_judge(), pii="mask", workers=1)
    two = filter_corpus(path, tmp_path / "two", judge=_judge(), pii="mask", workers=2)
    assert (one.records, one.removed, one.masked, one.quarantined) == (204, 4, 200, 4)
    assert (two.records, two.removed, two.masked, two.quarantined) == (204, 4, 200, 4)
    assert _tree(tmp_path / "one") == _tree(tmp_path / "two")
    assert len(_tree(tmp_path / "one")) == 6  # four files and the two logs; no .parts left


def test_a_killed_filter_resumes_after_its_last_finished_file(tmp_path: Path) -> None:
    path = _many_files(tmp_path)
    clean = filter_corpus(path, tmp_path / "clean", judge=_judge(), pii="mask")

    class KilledError(Exception):
        pass

    def kill_after_two(stats: object, done: int, total: int) -> None:
        if done == 2:
            raise KilledError

    out = tmp_path / "out"
    with pytest.raises(KilledError):
        filter_corpus(path, out, judge=_judge(), pii="mask", progress=kill_after_two)
    seen: list[int] = []
    resumed = filter_corpus(
        path,
        out,
        judge=_judge(),
        pii="mask",
        resume=True,
        progress=lambda stats, done, total: seen.append(done),
    )
    assert seen == [2, 3, 4]  # two files kept from the killed run, two redone
    assert (resumed.records, resumed.kept, resumed.removed) == (
        clean.records,
        clean.kept,
        clean.removed,
    )
    assert _tree(out) == _tree(tmp_path / "clean")
    # finished files of a run with other settings are redone, not mixed in
    with pytest.raises(KilledError):
        filter_corpus(path, out, judge=_judge(), pii="drop", progress=kill_after_two)
    seen.clear()
    filter_corpus(
        path,
        out,
        judge=_judge(),
        pii="mask",
        resume=True,
        progress=lambda stats, done, total: seen.append(done),
    )
    assert seen == [0, 1, 2, 3, 4]
    assert _tree(out) == _tree(tmp_path / "clean")


def _fill(sheet: Path, out: Path, verdicts: dict[int, tuple[str, str, str]]) -> None:
    """Fill 研判结果/风险/审核人 of data row ``i`` (1-based) as a reviewer would."""
    import csv

    with sheet.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    for i, (verdict, risk, who) in verdicts.items():
        rows[i - 1].update({"研判结果": verdict, "风险": risk, "审核人": who})
    with out.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_manual_sample_export_and_import(tmp_path: Path, tc260: Profile) -> None:
    path = _many_files(tmp_path)
    sheet = tmp_path / "manual.csv"
    assert export_manual(path, tc260, sheet, size=40, seed=5) == (40, 204)
    again = tmp_path / "again.csv"
    export_manual(path, tc260, again, size=40, seed=5)
    assert sheet.read_bytes() == again.read_bytes()  # seeded
    export_manual(path, tc260, again, size=40, seed=6)
    assert sheet.read_bytes() != again.read_bytes()

    filled = tmp_path / "filled.csv"
    verdicts = {i: ("合格", "", "张三") for i in range(1, 38)}
    verdicts[38] = ("不合格", "A.1.h", "李四")
    verdicts[39] = ("maybe", "", "李四")  # not a verdict
    _fill(sheet, filled, verdicts)
    result = import_manual(filled, tc260)
    assert (result.rows, result.reviewed, result.pending, result.qualified) == (40, 38, 1, 37)
    assert result.by_risk == {"A.1.h": 1}
    assert result.reviewers == ["张三", "李四"]
    (bad,) = result.bad
    assert bad.row == 40  # header is row 1, data row 39 is sheet row 40
    assert "合格 or 不合格" in bad.reason
    assert result.required == 4000
    assert result.decision == "inconclusive"  # too few reviewed to pass
    # a reviewer who edits the text is caught; an all-qualified full sheet of the minimum passes
    tampered = filled.read_text("utf-8").replace("文本 ", "文字 ", 1)
    filled.write_text(tampered, "utf-8")
    assert any("语料内容" in b.reason for b in import_manual(filled, tc260).bad)


def test_manual_sample_decides_at_the_profile_minimum(tmp_path: Path, tc260: Profile) -> None:
    rows = [{"id": f"r{i}", "text": f"普通文本 {i}"} for i in range(4_100)]
    (tmp_path / "c.jsonl").write_bytes(_jsonl(rows))
    path = tmp_path / "sources.yaml"
    path.write_text(
        "sources:\n  - {id: s, kind: open_source, paths: [c.jsonl], licence: MIT}\n", "utf-8"
    )
    sheet = tmp_path / "m.csv"
    assert export_manual(path, tc260, sheet)[0] == 4_000  # the profile's minimum by default
    filled = tmp_path / "f.csv"
    _fill(sheet, filled, {i: ("合格", "", "王五") for i in range(1, 4_001)})
    assert import_manual(filled, tc260).decision == "pass"
    _fill(
        sheet, filled, {i: ("合格" if i > 300 else "不合格", "", "王五") for i in range(1, 4_001)}
    )
    assert import_manual(filled, tc260).decision == "fail"  # 92.5% qualified


def test_corpus_commands_follow_the_project_and_say_when_nothing_was_read(tmp_path: Path) -> None:
    from tests.helpers.cli import run_assay

    (tmp_path / "c.jsonl").write_bytes(_jsonl([{"body": f"文本 {i}"} for i in range(5)]))
    (tmp_path / "registry.yaml").write_text(
        "sources:\n  - {id: s, kind: open_source, licence: MIT, paths: [c.jsonl]}\n", "utf-8"
    )
    (tmp_path / "assay.yaml").write_text("corpus: {sources: registry.yaml, seed: 7}\n", "utf-8")
    found = run_assay("corpus", "sources", cwd=tmp_path)  # registry.yaml, from assay.yaml
    assert "registry.yaml:1: 5.1.b" in found.stdout, found.stderr
    # text_field is "text" but the records say "body": every record quarantined, said, exit 1
    result = run_assay("corpus", "assess", "--json", "--classifier", "none", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    (source,) = json.loads(result.stdout)
    (note,) = [n for n in source["notes"] if "every record was quarantined" in n]
    assert "text_field" in note


def test_a_manual_sheet_of_the_whole_corpus_is_a_census(tmp_path: Path, tc260: Profile) -> None:
    rows = [{"id": f"r{i}", "text": f"普通文本 {i}"} for i in range(60)]
    (tmp_path / "c.jsonl").write_bytes(_jsonl(rows))
    path = tmp_path / "sources.yaml"
    path.write_text(
        "sources:\n  - {id: s, kind: open_source, paths: [c.jsonl], licence: MIT}\n", "utf-8"
    )
    sheet, filled = tmp_path / "m.csv", tmp_path / "f.csv"
    assert export_manual(path, tc260, sheet) == (60, 60)  # the corpus is smaller than 4,000
    _fill(sheet, filled, {i: ("合格", "", "王五") for i in range(1, 61)})
    whole = import_manual(filled, tc260)
    assert whole.decision == "pass"  # every record reviewed: the 100% is exact
    assert "census" in whole.notes[0]
    _fill(sheet, filled, {i: ("合格", "", "王五") for i in range(1, 60)})  # one left pending
    assert import_manual(filled, tc260).decision == "inconclusive"
    export_manual(path, tc260, sheet, size=30)  # a sample of the corpus, not all of it
    _fill(sheet, filled, {i: ("合格", "", "王五") for i in range(1, 31)})
    assert import_manual(filled, tc260).decision == "inconclusive"  # 30 is below 4,000
