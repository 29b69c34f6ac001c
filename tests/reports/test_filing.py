"""Issue 14, the rest of the filing package: the attachments are the same bytes for the same
assessment (dated by its inputs, not by the clock), the 语料标注规则 skeleton is drafted from
the profile (a safety rule per Appendix A risk, the 5.3 clauses it serves), the 备案信息汇总
sheet holds what the filing form asks that the assessment knows, and the README names every
document Assay writes and the ones it does not."""

from __future__ import annotations

import csv
import hashlib
import json
import re
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml

import assay
from assay.banks import tabular
from assay.reports.annotation import annotation_view
from assay.reports.package import _ATTACHMENT_FILES
from assay.reports.render import annotation_markdown
from assay.standard import Profile, load_profile
from tests.helpers.examples import copy_examples

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="module")
def assessed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path]:
    """An assessment of the demo project, and the folder it was written in."""
    tmp = tmp_path_factory.mktemp("filing")
    copy_examples(tmp / "examples")
    project = assay.load_project(tmp / "examples" / "assay.yaml")
    assessment = assay.assess(
        project, out=tmp / "a", store=f"sqlite:///{tmp / 'runs.sqlite'}", run_id="demo"
    )
    return assessment, tmp


@pytest.fixture(scope="module")
def packages(assessed: tuple[Any, Path]) -> tuple[Path, Path]:
    """Two packages of one assessment of the demo project, written one after the other."""
    assessment, tmp = assessed
    assay.report(assessment, lang="zh")
    assay.report(assessment, out=tmp / "b", lang="zh")
    return tmp / "a", tmp / "b"


def test_the_package_is_the_bytes_openpyxl_alone_writes(
    assessed: tuple[Any, Path], packages: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sheets' rows are written without openpyxl's cell objects (assay.banks.sheetwrite):
    every file of the package, the report with its annex hashes included, is as it was when
    openpyxl wrote every cell."""
    assessment, tmp = assessed
    monkeypatch.setattr(tabular, "rows_xml", lambda rows, first: None)
    assay.report(assessment, out=tmp / "openpyxl", lang="zh")
    lean = sorted(p.name for p in packages[0].iterdir() if p.is_file())
    assert lean == sorted(p.name for p in (tmp / "openpyxl").iterdir() if p.is_file())
    assert sum(name.endswith(".xlsx") for name in lean) >= 5
    for name in lean:
        assert (packages[0] / name).read_bytes() == (tmp / "openpyxl" / name).read_bytes(), name


def _bank_dates() -> list[date]:
    """Every date in the example banks, read from the files themselves."""
    config = yaml.safe_load((EXAMPLES / "assay.yaml").read_text("utf-8"))["banks"]
    found: list[date] = []
    for spec in config.values():
        path = EXAMPLES / (spec["path"] if isinstance(spec, dict) else spec)
        text = path.read_text("utf-8-sig")
        rows = (
            [json.loads(line) for line in text.splitlines() if line.strip()]
            if path.suffix == ".jsonl"
            else list(csv.DictReader(text.splitlines()))
        )
        for row in rows:
            for key in ("added", "updated", "更新日期"):
                if row.get(key):
                    found.append(date.fromisoformat(row[key]))
    return found


def test_two_packages_of_one_assessment_give_byte_identical_xlsx_dated_by_the_banks(
    packages: tuple[Path, Path],
) -> None:
    first, second = packages
    books = sorted(p.name for p in first.glob("*.xlsx"))
    assert len(books) >= 5
    newest = max(_bank_dates())
    for name in books:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
        with zipfile.ZipFile(first / name) as archive:
            # every entry dated by the banks' newest date, not by the time it was written
            assert {i.date_time for i in archive.infolist()} == {
                (newest.year, newest.month, newest.day, 0, 0, 0)
            }, name
        props = openpyxl.load_workbook(first / name, read_only=True).properties
        assert props.created is not None
        assert props.modified is not None
        assert props.created.date() == props.modified.date() == newest, name
    # and so the annex list of the two reports is the same, hashes included
    listed = [json.loads((p / "report.json").read_text("utf-8"))["annexes"] for p in packages]
    assert listed[0] == listed[1]
    for annex in listed[0]:
        digest = hashlib.sha256((first / annex["file"]).read_bytes()).hexdigest()
        assert annex["sha256"] == digest, annex["file"]


def _section(text: str, start: str, end: str | None = None) -> str:
    head = text.index(f"\n## {start}")
    return text[head : text.index(f"\n## {end}", head) if end else len(text)]


def test_5_3_b_4_the_annotation_rules_have_a_safety_rule_for_every_appendix_a_risk(
    packages: tuple[Path, Path], tc260: Profile
) -> None:
    rules = tc260.annotation
    assert rules is not None
    assert rules.per_risk == "5.3.b.4"  # the clause this test serves, as the profile says
    package = packages[0]
    text = (package / "语料标注规则.md").read_text("utf-8")
    safety = _section(text, "三、安全性标注规则")
    assert rules.per_risk in safety
    assert len(tc260.risks) == 31
    for risk in tc260.risks:  # every risk of Appendix A, as the profile names it
        head = safety.index(f"#### {risk.id} {risk.name_zh}\n")
        end = safety.find("\n#### ", head + 1)
        entry = safety[head : end if end > 0 else len(safety)]
        assert f"{risk.category} {tc260.category(risk.category).name_zh}" in entry
        assert risk.name_zh in entry.split("标注内容：", 1)[1]
        assert "- 示例：（待提供者填写）" in entry
        assert "- 边界情形：（待提供者填写）" in entry
    listed = json.loads((package / "report.json").read_text("utf-8"))["annexes"]
    digest = hashlib.sha256((package / "语料标注规则.md").read_bytes()).hexdigest()
    assert {"file": "语料标注规则.md", "sha256": digest} in listed


def test_5_3_b_2_functional_and_safety_rules_each_state_5_3_b_1_s_parts_and_both_stages(
    packages: tuple[Path, Path], tc260: Profile
) -> None:
    rules = tc260.annotation
    assert rules is not None
    assert (rules.stages_clause, rules.contents_clause) == ("5.3.b.2", "5.3.b.1")
    text = (packages[0] / "语料标注规则.md").read_text("utf-8")
    parts = {
        "functional": _section(text, "二、功能性标注规则", "三、安全性标注规则"),
        "safety": _section(text, "三、安全性标注规则"),
    }
    for name, part in parts.items():
        for term in (*rules.contents, *rules.stages):  # 标注目标 … 质量指标; 数据标注, 数据审核
            assert f"{term.zh}：（待提供者填写）" in part, (name, term.zh)
        for clause in getattr(rules, name):  # the clauses the part serves, with their titles
            assert f"- {clause}（应）{tc260.clause(clause).title_zh}" in part or (
                f"- {clause}（宜）{tc260.clause(clause).title_zh}" in part
            )


def test_5_3_a_the_annotation_rules_quote_the_annotator_requirements_of_the_profile(
    packages: tuple[Path, Path], tc260: Profile
) -> None:
    rules = tc260.annotation
    assert rules is not None
    assert rules.staff[0] == "5.3.a.1"
    text = (packages[0] / "语料标注规则.md").read_text("utf-8")
    staff = _section(text, "一、标注人员要求", "二、功能性标注规则")
    for clause in rules.staff:  # training, qualification, annotator/reviewer separation, time
        assert f"- {clause}（应）{tc260.clause(clause).title_zh}" in staff
    assert "数据标注和数据审核" in staff  # 5.3.a.3, quoted from the profile's title


@pytest.mark.parametrize("edition", ["tc260-003-2024", "gbt45654-2025"])
def test_the_annotation_rules_follow_the_profile_not_the_code(edition: str) -> None:
    """Each edition's own risk names and clause titles, in either language."""
    profile = load_profile(edition)
    for lang in ("zh", "en"):
        view = annotation_view(profile, lang)
        assert view is not None
        text = annotation_markdown(view, lang)
        for risk in profile.risks:
            assert f"#### {risk.id} {risk.name(lang)}" in text
        for clause in profile.annotation.clause_ids() if profile.annotation else []:
            assert profile.clause(clause[1]).title(lang) in text
        if lang == "en":  # one language: no Chinese in the English skeleton
            assert not re.search(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]", text)


def _summary(package: Path) -> dict[tuple[str, str], tuple[str, str]]:
    book = openpyxl.load_workbook(package / "备案信息汇总.xlsx", read_only=True)
    assert book.sheetnames == ["备案信息汇总"]
    rows = list(book["备案信息汇总"].values)
    assert rows[0] == ("类别", "项目", "内容", "依据")
    return {(str(r[0]), str(r[1])): (str(r[2]), str(r[3])) for r in rows[1:]}


def test_the_filing_summary_sheet_holds_the_service_the_corpus_and_the_banks(
    packages: tuple[Path, Path],
) -> None:
    package = packages[0]
    facts = _summary(package)
    config = yaml.safe_load((EXAMPLES / "assay.yaml").read_text("utf-8"))
    given = config["assessment"]
    service = {
        item: value for (group, item), (value, _) in facts.items() if group == "被评估服务与模型"
    }
    assert service["被评估单位"] == given["organisation"]
    assert service["服务名称"] == given["service"]
    assert service["模型名称及版本"] == f"{given['model']} {given['version']}"
    assert Path(config["target"]["path"]).name in service["被测对象"]
    assert service["报告编号"] == given["report_no"]

    corpus = {
        item: value for (group, item), (value, _) in facts.items() if group == "语料规模与构成"
    }
    report = json.loads((package / "report.json").read_text("utf-8"))
    records = {s["source"]: s["records"] for s in report["corpus"]["sources"]}
    sources = yaml.safe_load((EXAMPLES / "sources.yaml").read_text("utf-8"))["sources"]
    assert corpus["语料来源数"] == str(len(sources))
    assert corpus["语料规模"].startswith(f"{sum(records.values())} 条记录")
    kinds = {"self_collected": "自采语料", "commercial": "商业语料"}
    for source in sources:  # composition by kind, language and modality, from sources.yaml
        n = records[source["id"]]
        assert corpus[f"按来源类型：{kinds[source['kind']]}"].startswith(f"{n} 条")
    total = sum(records.values())
    assert corpus["按语言：中文"].startswith(f"{total} 条（100.0%）")
    assert corpus["按模态：文本"].startswith(f"{total} 条（100.0%）")

    banks = {item: value for (group, item), value in facts.items() if group == "题库"}
    keywords, source = banks["关键词库"]
    assert source == "keywords.csv"
    assert keywords.startswith("40 条")
    dates = _bank_dates()
    assert f"最近更新 {max(dates)}" in keywords
    listed = [a["file"] for a in report["annexes"]]
    assert "备案信息汇总.xlsx" in listed


def test_the_readme_names_every_filing_document_assay_writes_and_some_it_does_not() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    part = readme[readme.index("### The filing documents") :]
    part = part[: part.index("\n## ")]
    for name in _ATTACHMENT_FILES:  # one 评估测试题 workbook per bank, named for it
        assert (name if not name.startswith("评估测试题-") else "评估测试题-<bank>.xlsx") in part
    for missing in ("服务协议", "隐私政策", "管理制度"):
        assert missing in part
