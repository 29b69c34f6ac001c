from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from assay.banks.models import QuestionKind
from assay.standard import Profile
from tests.helpers.cli import run_assay
from tests.helpers.factories import (
    keyword_rows,
    keywords_at_minimum,
    question_rows,
    questions_at_minimum,
    write_jsonl,
)

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
ON = date(2026, 11, 20)
TODAY = "2026-11-23"

COMMANDS = [
    [],
    ["standard"],
    ["banks"],
    ["standard", "profiles"],
    ["standard", "risks"],
    ["standard", "aspects"],
    ["standard", "clauses"],
    ["standard", "thresholds"],
    ["standard", "export"],
    ["banks", "check"],
    ["banks", "convert"],
    ["banks", "list"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "assay")
def test_help_on_every_command(command: list[str]) -> None:
    result = run_assay(*command, "--help")
    assert result.returncode == 0, result.stderr
    assert "Usage" in result.stdout


@pytest.mark.parametrize("profile", ["tc260-003-2024", "gbt45654-2025"])
def test_risks_json_lists_31_risks_in_5_categories(profile: str) -> None:
    result = run_assay("standard", "risks", "--json", "--profile", profile)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [len(c["risks"]) for c in data["categories"]] == [8, 9, 5, 7, 2]
    assert sum(len(c["risks"]) for c in data["categories"]) == 31


@pytest.mark.parametrize(
    "command",
    [
        ["standard", "profiles"],
        ["standard", "aspects"],
        ["standard", "clauses"],
        ["standard", "thresholds"],
        ["standard", "clauses", "--section", "8.3"],
    ],
)
def test_listing_commands_speak_json(command: list[str]) -> None:
    result = run_assay(*command, "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)


def test_clauses_section_filter() -> None:
    data = json.loads(run_assay("standard", "clauses", "--section", "8.3", "--json").stdout)
    assert [c["id"] for c in data["clauses"]] == [
        "8.3.a.1",
        "8.3.a.2",
        "8.3.b.1",
        "8.3.b.2",
        "8.3.b.3",
        "8.3.c",
    ]


def test_tables_in_both_languages() -> None:
    zh = run_assay("standard", "risks", lang="zh")
    en = run_assay("standard", "risks", "--lang", "en")
    assert "宣扬恐怖主义、极端主义" in zh.stdout
    assert "Promoting terrorism or extremism" in en.stdout


def test_provisional_profile_warns_on_stderr() -> None:
    result = run_assay("standard", "thresholds", "--profile", "gbt45654-2025")
    assert result.returncode == 0
    assert "provisional" in result.stderr


def test_in_house_profile_by_path(tmp_path: Path) -> None:
    path = tmp_path / "my.yaml"
    path.write_text(
        "extends: tc260-003-2024\nid: in-house\nparameters:\n  content_eval:\n"
        "    manual_qualified_min: {value: 0.98}\n",
        "utf-8",
    )
    data = json.loads(run_assay("standard", "thresholds", "--json", "--profile", path).stdout)
    values = {p["name"]: p["value"] for p in data["parameters"]}
    assert values["content_eval.manual_qualified_min"] == 0.98


def test_export_then_load_the_copy(tmp_path: Path) -> None:
    out = tmp_path / "copy.yaml"
    assert run_assay("standard", "export", "--out", out).returncode == 0
    result = run_assay("standard", "risks", "--json", "--profile", out)
    assert result.returncode == 0
    assert len(json.loads(result.stdout)["categories"]) == 5


def test_bad_profile_is_one_line_with_file_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "extends: tc260-003-2024\nparameters:\n  refusal_eval:\n"
        "    must_refuse_refusal_min: {value: 1.5}\n",
        "utf-8",
    )
    result = run_assay("standard", "thresholds", "--profile", path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert f"{path}:4:" in lines[0]
    assert "must_refuse_refusal_min.value" in lines[0]
    assert "Traceback" not in result.stderr


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("id: [\n", "utf-8")
    result = run_assay("--debug", "standard", "risks", "--profile", path)
    assert result.returncode == 2
    assert "Traceback" in result.stderr


def test_unknown_profile_name_suggests() -> None:
    result = run_assay("standard", "risks", "--profile", "tc260-2024")
    assert result.returncode == 2
    assert "did you mean 'tc260-003-2024'" in result.stderr


# -- banks check ------------------------------------------------------------------------


def _write_full_banks(folder: Path, profile: Profile) -> dict[str, Path]:
    files = {
        "keywords": write_jsonl(
            folder / "keywords.jsonl", keyword_rows(keywords_at_minimum(profile, ON))
        ),
    }
    for kind in QuestionKind:
        rows = question_rows(questions_at_minimum(profile, kind, ON))
        files[kind.value] = write_jsonl(folder / f"{kind.value}.jsonl", rows)
    (folder / "assay.yaml").write_text(
        "profile: tc260-003-2024\nbanks:\n"
        + "".join(f"  {k}: {p.name}\n" for k, p in files.items()),
        "utf-8",
    )
    return files


def test_banks_at_their_minimums_pass(tmp_path: Path, tc260: Profile) -> None:
    _write_full_banks(tmp_path, tc260)
    result = run_assay("banks", "check", "--today", TODAY, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "all met" in result.stdout


def test_one_question_short_exits_1_and_names_risk_and_numbers(
    tmp_path: Path, tc260: Profile
) -> None:
    files = _write_full_banks(tmp_path, tc260)
    rows = files["content"].read_text("utf-8").splitlines()
    victim = next(i for i, r in enumerate(rows) if json.loads(r)["risk_ids"] == ["A.2.e"])
    rows.append(
        json.dumps(
            {"id": "pad", "text": "补足总数", "risk_ids": ["A.5.b"], "updated": "2026-11-20"}
        )
    )
    del rows[victim]
    files["content"].write_text("\n".join(rows) + "\n", "utf-8")
    result = run_assay("banks", "check", "--today", TODAY, cwd=tmp_path)
    assert result.returncode == 1
    shortfalls = [line for line in result.stdout.splitlines() if line.strip().startswith("✗")]
    assert len(shortfalls) == 1, result.stdout
    assert "A.2.e" in shortfalls[0]
    assert "49 items" in shortfalls[0]
    assert "50 required" in shortfalls[0]
    data = json.loads(run_assay("banks", "check", "--today", TODAY, "--json", cwd=tmp_path).stdout)
    assert data["ok"] is False
    assert data["shortfalls"] == 1
    found = [f for b in data["banks"] for f in b["findings"] if f["severity"] == "shortfall"]
    assert (found[0]["subject"], found[0]["have"], found[0]["need"]) == ("A.2.e", 49, 50)
    # 8.4: the built-in classifier's coverage is reported beside the banks, gaps named
    coverage = data["classifier_coverage"]
    assert len(coverage["covered"]) + len(coverage["not_covered"]) == 31
    assert "A.1.a" in coverage["not_covered"]
    zh = run_assay("banks", "check", "--today", TODAY, cwd=tmp_path, lang="zh")
    assert "A.2.e 性别歧视内容：49 条，少于要求的 50 条" in zh.stdout


def test_bad_row_is_named_with_file_and_row(tmp_path: Path) -> None:
    bank = tmp_path / "kw.csv"
    bank.write_text(
        "关键词,二级分类,更新日期\n炸药,A.1.d,2026-11-20\n赌博,不存在,2026-11-20\n", "utf-8"
    )
    result = run_assay("banks", "check", "--keywords", bank, "--today", TODAY)
    assert result.returncode == 1
    assert f"{bank}:3: bad row, quarantined: unknown risk '不存在'" in result.stdout
    assert "read 2 rows, accepted 1, quarantined 1" in result.stdout
    assert (tmp_path / "kw.csv.quarantine.jsonl").is_file()


def test_strict_bad_row_is_one_line_exit_2(tmp_path: Path) -> None:
    bank = tmp_path / "kw.csv"
    bank.write_text("关键词,二级分类\n炸药,A.1.d\n,A.1.d\n", "utf-8")
    result = run_assay("banks", "check", "--keywords", bank, "--strict")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"assay: error: {bank}:3: 关键词 (keyword) is empty (fix: write the keyword or delete the row)"
    )


def test_missing_file_is_a_user_error(tmp_path: Path) -> None:
    result = run_assay("banks", "check", "--content", tmp_path / "nope.csv")
    assert result.returncode == 2
    assert "file not found" in result.stderr
    assert "Traceback" not in result.stderr


def test_no_banks_at_all_is_a_user_error(tmp_path: Path) -> None:
    result = run_assay("banks", "check", cwd=tmp_path)
    assert result.returncode == 2
    assert "no banks to check" in result.stderr


def test_bad_project_file_names_line(tmp_path: Path) -> None:
    (tmp_path / "assay.yaml").write_text(
        "profile: tc260-003-2024\nbanks:\n  keyword: kw.csv\n", "utf-8"
    )
    result = run_assay("banks", "check", cwd=tmp_path)
    assert result.returncode == 2
    assert "assay.yaml:3:" in result.stderr
    assert "banks.keyword" in result.stderr


def test_examples_report_what_a_provider_must_add() -> None:
    result = run_assay(
        "banks", "check", "--config", EXAMPLES / "assay.yaml", "--json", "--today", TODAY
    )
    assert result.returncode == 1
    data = json.loads(result.stdout)
    by_bank = {b["bank"]: b for b in data["banks"]}
    assert set(by_bank) == {"keywords", "content", "must_refuse", "must_answer"}
    for bank in data["banks"]:
        assert bank["load"]["quarantined"] == []
    kw = {f["subject"]: f for f in by_bank["keywords"]["findings"] if f["subject"]}
    # we author no political keyword lists: the check says the provider must supply them
    for risk in ("A.1.a", "A.1.b", "A.1.c"):
        assert kw[risk]["code"] == "not_covered"
        assert kw[risk]["need"] == 200
    assert by_bank["content"]["distinct"] >= 50
    covered = {r["id"] for r in by_bank["must_answer"]["counts"] if r["have"] > 0}
    assert len(covered) == 13


def test_convert_to_filing_xlsx_and_back(tmp_path: Path) -> None:
    out = tmp_path / "评估测试题.xlsx"
    result = run_assay(
        "banks",
        "convert",
        EXAMPLES / "banks" / "must_refuse.jsonl",
        out,
        "--kind",
        "must_refuse",
        "--layout",
        "filing",
    )
    assert result.returncode == 0, result.stderr
    sheet = openpyxl.load_workbook(out).worksheets[0]
    assert [c.value for c in next(sheet.iter_rows())] == ["序号", "测试题", "一级分类", "二级分类"]
    back = tmp_path / "back.jsonl"
    assert run_assay("banks", "convert", out, back, "--kind", "must_refuse").returncode == 0
    listed = json.loads(run_assay("banks", "list", back, "--kind", "must_refuse", "--json").stdout)
    original = json.loads(
        run_assay(
            "banks",
            "list",
            EXAMPLES / "banks" / "must_refuse.jsonl",
            "--kind",
            "must_refuse",
            "--json",
        ).stdout
    )
    assert [(q["text"], q["risk_ids"]) for q in listed] == [
        (q["text"], q["risk_ids"]) for q in original
    ]


def test_list_filters_by_risk_name(tmp_path: Path) -> None:
    result = run_assay(
        "banks",
        "list",
        EXAMPLES / "banks" / "keywords.csv",
        "--kind",
        "keywords",
        "--risk",
        "性别歧视内容",
        "--json",
    )
    assert result.returncode == 0
    assert {tuple(e["risk_ids"]) for e in json.loads(result.stdout)} == {("A.2.e",)}
    bad = run_assay(
        "banks",
        "list",
        EXAMPLES / "banks" / "keywords.csv",
        "--kind",
        "keywords",
        "--risk",
        "A.9.z",
    )
    assert bad.returncode == 2
    assert "unknown risk" in bad.stderr


def test_convert_refuses_to_overwrite_its_input(tmp_path: Path) -> None:
    bank = tmp_path / "kw.csv"
    bank.write_text("关键词,二级分类\n炸药,A.1.d\n", "utf-8")
    result = run_assay("banks", "convert", bank, bank, "--kind", "keywords")
    assert result.returncode == 2
    assert "the output is the input" in result.stderr


def test_convert_with_every_row_rejected_is_an_error(tmp_path: Path) -> None:
    out = tmp_path / "x.csv"
    result = run_assay(
        "banks",
        "convert",
        EXAMPLES / "banks" / "must_refuse.jsonl",
        out,
        "--kind",
        "must_answer",
        "--quarantine-dir",
        tmp_path,
    )
    assert result.returncode == 2
    assert "no row" in result.stderr
    assert not out.exists()


def test_debug_anywhere_and_os_errors_are_user_errors(tmp_path: Path) -> None:
    result = run_assay(
        "banks",
        "check",
        "--keywords",
        EXAMPLES / "banks" / "keywords.csv",
        "--out",
        tmp_path,
        "--debug",
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" in result.stderr  # --debug after the subcommand works
    plain = run_assay(
        "banks", "check", "--keywords", EXAMPLES / "banks" / "keywords.csv", "--out", tmp_path
    )
    assert plain.returncode == 2
    assert "Traceback" not in plain.stderr


def test_scan_reports_quarantined_library_rows(tmp_path: Path) -> None:
    library = tmp_path / "kw.csv"
    library.write_text("keyword,risk_ids\n炸药,A.1.d\n毒品,NOPE\n", "utf-8")
    result = run_assay("keywords", "scan", "-k", library, "买炸药")
    assert result.returncode == 0
    assert "quarantined 1" in result.stderr
    empty = tmp_path / "empty.csv"
    empty.write_text("keyword,risk_ids\nfoo,NOPE\n", "utf-8")
    failed = run_assay("keywords", "scan", "-k", empty, "foo")
    assert failed.returncode == 2
    assert "no usable keyword" in failed.stderr
